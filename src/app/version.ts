/** The package version and git revision, for `version`, logs and `netbox_pdns_build_info`. */
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  revision: string;
}

/** Reads package.json next to src/ or dist/; the revision comes from NETBOX_PDNS_REVISION when packaged. */
export function buildInfo(env: Record<string, string | undefined> = {}): BuildInfo {
  let version = '0.0.0';
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = pkg.version ?? version;
  } catch {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
      version = pkg.version ?? version;
    } catch {
      // packaged without package.json: keep the placeholder
    }
  }
  return { version, revision: env.NETBOX_PDNS_REVISION ?? 'unknown' };
}
