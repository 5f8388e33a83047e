/**
 * Bare PowerDNS calls for the floors: plain `fetch`, no retrier, no observer, no lock, so they show
 * what PowerDNS itself costs. Any non-2xx answer throws: a floor that silently failed would flatter us.
 */

export interface Pdns {
  url: string;
  key: string;
}

async function call(pdns: Pdns, method: string, path: string, body?: unknown): Promise<string> {
  const res = await fetch(`${pdns.url}/api/v1/servers/localhost/${path}`, {
    method,
    headers: { 'x-api-key': pdns.key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`PowerDNS ${method} /${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/** PowerDNS's zone id: the name with `/` escaped as `=2F` (as in src/pdns/zone-id.ts). */
export function zoneId(name: string): string {
  return encodeURIComponent(name.replace(/\//g, '=2F'));
}

export const createZone = (pdns: Pdns, spec: unknown): Promise<string> => call(pdns, 'POST', 'zones', spec);
export const getZone = (pdns: Pdns, zone: string): Promise<string> => call(pdns, 'GET', `zones/${zoneId(zone)}`);
export const patchZone = (pdns: Pdns, zone: string, rrsets: unknown[]): Promise<string> => call(pdns, 'PATCH', `zones/${zoneId(zone)}`, { rrsets });
export const listZones = async (pdns: Pdns): Promise<Array<{ name: string }>> =>
  JSON.parse(await call(pdns, 'GET', 'zones?dnssec=false')) as Array<{ name: string }>;

/** One A rrset replacement, the smallest meaningful PATCH. */
export function replaceA(name: string, ip: string, ttl = 3600): unknown {
  return { name, type: 'A', ttl, changetype: 'REPLACE', records: [{ content: ip, disabled: false }] };
}
