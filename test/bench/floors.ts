/**
 * The floors: what the same work costs when done by a bare script making the minimum calls
 * directly (no NetBox reads for creates, no diffing, no retrier, no locks). The daemon's figures are
 * read as ratios to these, measured in the same run on the same machine.
 */
import type { PdnsZoneCreate } from '../../src/pdns/types.js';
import { createZone, getZone, listZones, patchZone, replaceA, type Pdns } from './pdns-direct.js';
import { distribution, mapConcurrent, since, type Distribution } from './stats.js';
import { served } from './events.js';

export interface CreateFloor {
  concurrency: number;
  ms: number;
  requests: number;
}

/** Creates every zone by one POST each, `concurrency` at a time, on the (fresh) server given. */
export async function createFloor(pdns: Pdns, specs: PdnsZoneCreate[], concurrency: number): Promise<CreateFloor> {
  const started = performance.now();
  await mapConcurrent(specs, concurrency, (spec) => createZone(pdns, spec));
  return { concurrency, ms: since(started), requests: specs.length };
}

export interface ReadFloor {
  concurrency: number;
  ms: number;
  requests: number;
}

/** GETs every zone (with its rrsets, as the no-op reconcile must), `concurrency` at a time. */
export async function readFloor(pdns: Pdns, zones: string[], concurrency: number): Promise<ReadFloor> {
  const started = performance.now();
  await mapConcurrent(zones, concurrency, (zone) => getZone(pdns, zone));
  return { concurrency, ms: since(started), requests: zones.length };
}

export interface ChangeFloor extends Distribution {
  /** Until PowerDNS served the change over DNS, polled as the event section polls (apples to apples). */
  served: Distribution;
}

/**
 * One change made by hand, `n` times: read the zone's records from NetBox (one GET), GET the zone
 * from PowerDNS, PATCH one A rrset; timed to the PATCH's answer, and to DNS serving the change while
 * DNS is polled exactly as in the event section. Alternates the value and ends on `originalIp`, so
 * the data the daemon sees afterwards is unchanged.
 */
export async function changeFloor(opts: {
  pdns: Pdns; dnsPort: number; netboxUrl: string; netboxToken: string; zone: string; zoneId: number; fqdn: string; originalIp: string; n: number;
}): Promise<ChangeFloor> {
  const calls: number[] = [];
  const toDns: number[] = [];
  let ip = opts.originalIp;
  for (let i = 0; i < opts.n; i++) {
    ip = i % 2 === 0 ? '192.0.2.77' : opts.originalIp;
    const started = performance.now();
    const poll = served(opts.dnsPort, opts.fqdn, ip, started, 10_000);
    const res = await fetch(`${opts.netboxUrl}/api/plugins/netbox-dns/records/?zone_id=${opts.zoneId}&active=true&limit=1000`, {
      headers: { authorization: `Token ${opts.netboxToken}`, accept: 'application/json' },
    });
    await res.json();
    await getZone(opts.pdns, opts.zone);
    await patchZone(opts.pdns, opts.zone, [replaceA(opts.fqdn, ip)]);
    calls.push(since(started));
    const ms = await poll;
    if (ms !== null) toDns.push(ms);
  }
  if (ip !== opts.originalIp) await patchZone(opts.pdns, opts.zone, [replaceA(opts.fqdn, opts.originalIp)]);
  return { ...distribution(calls), served: distribution(toDns) };
}

export interface NetboxReadFloor {
  concurrency: number;
  ms: number;
  requests: number;
}

/**
 * Reads all of NetBox as a bare script would: the first page of zones and of active records, then
 * every further page at once by offset, `concurrency` at a time (no slimming, no checks).
 */
export async function netboxReadFloor(opts: { url: string; token: string; concurrency: number }): Promise<NetboxReadFloor> {
  const started = performance.now();
  let requests = 0;
  const get = async (path: string): Promise<{ count: number }> => {
    requests++;
    const res = await fetch(`${opts.url}/api/plugins/netbox-dns/${path}`, { headers: { authorization: `Token ${opts.token}`, accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`NetBox GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as { count: number };
  };
  const listing = async (path: string): Promise<void> => {
    const first = await get(`${path}&limit=1000&offset=0`);
    const offsets = Array.from({ length: Math.max(0, Math.ceil(first.count / 1000) - 1) }, (_, i) => (i + 1) * 1000);
    await mapConcurrent(offsets, opts.concurrency, (offset) => get(`${path}&limit=1000&offset=${offset}`));
  };
  await Promise.all([listing('zones/?nameserver_id=1'), listing('records/?active=true&fields=id,zone,type,name,fqdn,value,status,active,ttl,managed')]);
  return { concurrency: opts.concurrency, ms: since(started), requests };
}

/** What a quick check costs a bare script: both zone listings at once (NetBox's pages, one PowerDNS GET). */
export async function listingFloor(opts: { url: string; token: string; pdns: Pdns }): Promise<{ ms: number }> {
  const started = performance.now();
  const zones = async (): Promise<void> => {
    let next: string | null = `${opts.url}/api/plugins/netbox-dns/zones/?nameserver_id=1&limit=1000`;
    while (next) {
      const res: Response = await fetch(next, { headers: { authorization: `Token ${opts.token}`, accept: 'application/json' } });
      next = ((await res.json()) as { next: string | null }).next;
    }
  };
  await Promise.all([zones(), listZones(opts.pdns)]);
  return { ms: since(started) };
}

/**
 * The same by hand for a change as NetBox fans it out: an A and its PTR, two zones. Both zones'
 * NetBox records and PowerDNS zones are read at once, then the reverse zone's PATCH and the forward
 * zone's (one after the other: sqlite refuses concurrent writes), timed to DNS serving the A. The
 * PTR written is a spare name, deleted at the end; the A ends on `originalIp`.
 */
export async function fanOutFloor(opts: {
  pdns: Pdns; dnsPort: number; netboxUrl: string; netboxToken: string; n: number;
  forward: { zone: string; zoneId: number; fqdn: string; originalIp: string };
  reverse: { zone: string; zoneId: number; spareName: string };
}): Promise<ChangeFloor> {
  const calls: number[] = [];
  const toDns: number[] = [];
  const records = (zoneId: number): Promise<unknown> => fetch(`${opts.netboxUrl}/api/plugins/netbox-dns/records/?zone_id=${zoneId}&active=true&limit=1000`, {
    headers: { authorization: `Token ${opts.netboxToken}`, accept: 'application/json' },
  }).then((res) => res.json());
  let ip = opts.forward.originalIp;
  for (let i = 0; i < opts.n; i++) {
    ip = i % 2 === 0 ? '192.0.2.77' : opts.forward.originalIp;
    const started = performance.now();
    const poll = served(opts.dnsPort, opts.forward.fqdn, ip, started, 10_000);
    await Promise.all([records(opts.forward.zoneId), records(opts.reverse.zoneId), getZone(opts.pdns, opts.forward.zone), getZone(opts.pdns, opts.reverse.zone)]);
    await patchZone(opts.pdns, opts.reverse.zone, [{
      name: opts.reverse.spareName, type: 'PTR', ttl: 3600, changetype: 'REPLACE', records: [{ content: opts.forward.fqdn, disabled: i % 2 === 1 }],
    }]);
    await patchZone(opts.pdns, opts.forward.zone, [replaceA(opts.forward.fqdn, ip)]);
    calls.push(since(started));
    const ms = await poll;
    if (ms !== null) toDns.push(ms);
  }
  if (ip !== opts.forward.originalIp) await patchZone(opts.pdns, opts.forward.zone, [replaceA(opts.forward.fqdn, opts.forward.originalIp)]);
  await patchZone(opts.pdns, opts.reverse.zone, [{ name: opts.reverse.spareName, type: 'PTR', changetype: 'DELETE', records: [] }]);
  return { ...distribution(calls), served: distribution(toDns) };
}
