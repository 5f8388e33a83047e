/**
 * Parsing and checks of the replication options: address lists (`IP[:port]`, `IP[/len]`), the TSIG
 * options that only work together, and the per-target catalog with the zone kind it needs.
 */
import { isIP } from 'node:net';

/** A DNS server address: what PowerDNS takes in ALSO-NOTIFY and what the serial checks query. */
export interface HostPort {
  host: string;
  port: number;
}

const splitList = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** `192.0.2.1`, `192.0.2.1:5300`, `2001:db8::1`, `[2001:db8::1]:5300`; null when an entry is not one. */
export function parseHostPorts(text: string): HostPort[] | null {
  const out: HostPort[] = [];
  for (const entry of splitList(text)) {
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    let host = entry;
    let port = '53';
    if (bracket) {
      host = bracket[1] as string;
      port = bracket[2] ?? '53';
    } else if (isIP(entry) === 0) {
      const i = entry.lastIndexOf(':');
      if (i < 0) return null;
      host = entry.slice(0, i);
      port = entry.slice(i + 1);
    }
    const n = Number(port);
    if (isIP(host) === 0 || !/^\d+$/.test(port) || n < 1 || n > 65535) return null;
    out.push({ host, port: n });
  }
  return out;
}

/** How PowerDNS metadata and status show an address: port 53 left out, IPv6 with a port bracketed. */
export function formatHostPort(hp: HostPort): string {
  if (hp.port === 53) return hp.host;
  return isIP(hp.host) === 6 ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

/** `192.0.2.0/24`, `2001:db8::/32` or a bare address; null when an entry is not one. */
export function parseCidrs(text: string): string[] | null {
  const out: string[] = [];
  for (const entry of splitList(text)) {
    const [addr = '', len, ...rest] = entry.split('/');
    const family = isIP(addr);
    if (family === 0 || rest.length > 0) return null;
    if (len !== undefined && (!/^\d+$/.test(len) || Number(len) > (family === 4 ? 32 : 128))) return null;
    out.push(entry);
  }
  return out;
}

export interface ReplicationValues {
  also_notify?: string;
  allow_axfr_from?: string;
  secondaries?: string;
  tsig_key_name?: string;
  tsig_secret?: string;
}

/** Problems of the replication options that the schema cannot see; `subject`/`name` word them like every other. */
export function replicationProblems(v: ReplicationValues, subject: (key: keyof ReplicationValues) => string, name: (key: keyof ReplicationValues) => string): string[] {
  const problems: string[] = [];
  for (const key of ['also_notify', 'secondaries'] as const) {
    const text = v[key];
    if (text !== undefined && parseHostPorts(text) === null) problems.push(`${subject(key)}: must be a comma-separated list of IP or IP:port ([IPv6]:port)`);
  }
  if (v.allow_axfr_from !== undefined && parseCidrs(v.allow_axfr_from) === null) {
    problems.push(`${subject('allow_axfr_from')}: must be a comma-separated list of IP addresses or CIDR prefixes`);
  }
  if (v.tsig_key_name !== undefined && v.tsig_secret === undefined) problems.push(`${subject('tsig_key_name')}: set without ${name('tsig_secret')}`);
  if (v.tsig_secret !== undefined && v.tsig_key_name === undefined) problems.push(`${subject('tsig_secret')}: set without ${name('tsig_key_name')}`);
  return problems;
}
