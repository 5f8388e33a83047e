/**
 * Validation of what a PowerDNS serves for a signed zone, with the tools a DNS operator trusts:
 * `delv` with the zone's own KSK/CSK as trust anchor (replication-dnssec.md §2.6) and
 * `ldns-verify-zone` on an AXFR. Debian packages: bind9-dnsutils (dig, delv), ldnsutils.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function dig(port: number, args: string[]): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=2', '+time=3', ...args]);
  return stdout;
}

/** The zone's flags-257 DNSKEYs as served, `257 3 ALG B64` each. */
export async function servedKsks(port: number, zone: string): Promise<string[]> {
  const out = await dig(port, ['+short', '+norec', zone, 'DNSKEY']);
  return out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('257 '));
}

/** Every DNSKEY served, `FLAGS 3 ALG B64`. */
export async function servedDnskeys(port: number, zone: string): Promise<string[]> {
  const out = await dig(port, ['+short', '+norec', zone, 'DNSKEY']);
  return out.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => /^25[67] /.test(l)).map((l) => {
    const [f, p, a, ...key] = l.split(' ');
    return `${f} ${p} ${a} ${key.join('')}`;
  });
}

export interface DelvResult {
  /** `fully validated`, `negative response, fully validated`, or the failure line. */
  verdict: string;
  validated: boolean;
  output: string;
}

/**
 * `delv` for `name type` with `anchors` (default: the zone's served KSKs) as static trust anchors.
 * Validated means delv said `fully validated` (positive or negative).
 */
export async function delv(port: number, zone: string, name: string, type: string, anchors?: string[]): Promise<DelvResult> {
  const keys = anchors ?? await servedKsks(port, zone);
  const dir = await mkdtemp(join(tmpdir(), 'delv-'));
  try {
    const file = join(dir, 'anchors.conf');
    const lines = keys.map((k) => {
      const [flags, proto, alg, ...b64] = k.split(/\s+/);
      return `  "${zone}" static-key ${flags} ${proto} ${alg} "${b64.join('')}";`;
    });
    await writeFile(file, `trust-anchors {\n${lines.join('\n')}\n};\n`);
    const result = await run('delv', ['@127.0.0.1', '-p', String(port), '-a', file, `+root=${zone}`, name, type]).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: err.stdout ?? '', stderr: err.stderr ?? '',
    }));
    const output = `${result.stdout}${result.stderr}`;
    const verdict = output.split('\n').map((l) => l.replace(/^;\s*/, '').trim()).find((l) => /validated|failed|broken|insecure|unsigned/.test(l)) ?? output.trim();
    return { verdict, validated: /fully validated/.test(verdict), output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ZoneVerification {
  ok: boolean;
  output: string;
  /** Lines of the AXFR (records). */
  records: number;
}

/** `ldns-verify-zone` on an AXFR of the zone. */
export async function verifyZone(port: number, zone: string): Promise<ZoneVerification> {
  const axfr = await dig(port, ['AXFR', zone, '+nocmd', '+nostats', '+nocomments']);
  const dir = await mkdtemp(join(tmpdir(), 'ldns-'));
  try {
    const file = join(dir, 'zone.txt');
    await writeFile(file, axfr);
    const result = await run('ldns-verify-zone', [file]).then((r) => ({ ...r, code: 0 }), (err: { stdout?: string; stderr?: string; code?: number }) => ({
      stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: err.code ?? 1,
    }));
    const output = `${result.stdout}${result.stderr}`.trim();
    return { ok: result.code === 0 && /Zone is verified and complete/.test(output), output, records: axfr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';')).length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The NSEC3PARAM served at the apex (`1 0 0 -`), or '' when none. */
export async function servedNsec3param(port: number, zone: string): Promise<string> {
  return (await dig(port, ['+short', '+norec', zone, 'NSEC3PARAM'])).trim();
}

/** Key tags of the RRSIGs served for `name type`, sorted (which keys sign it). */
export async function servedRrsigTags(port: number, name: string, type: string): Promise<number[]> {
  const out = await dig(port, ['+dnssec', '+norec', '+noall', '+answer', name, type]);
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === 'RRSIG' && f[4] === type.toUpperCase())
    .map((f) => Number(f[10])).sort((a, b) => a - b);
}
