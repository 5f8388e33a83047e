/** The package version and git revision, for `version`, logs and `netbox_pdns_build_info`. */
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  revision: string;
}

/** Reads a file at the project root, from src/app/ (tsx) or dist/app/ (built). */
function readRootFile(name: string): string | null {
  for (const relative of [`../../${name}`, `../${name}`]) {
    try {
      return readFileSync(new URL(relative, import.meta.url), 'utf8');
    } catch {
      // try the next location
    }
  }
  return null;
}

/** package.json's version; the revision from the REVISION file `make build` writes (git describe). */
export function buildInfo(): BuildInfo {
  let version = '0.0.0';
  const pkg = readRootFile('package.json');
  if (pkg) version = (JSON.parse(pkg) as { version?: string }).version ?? version;
  const revision = readRootFile('REVISION')?.trim() || 'unknown';
  return { version, revision };
}
