/**
 * NetBox (netbox-plugin-dns) REST client. Reads zones for our nameserver and their active records.
 *
 * Lists are read by keyset paging: `ordering=id`, `limit`, and `id__gt=<last id seen>` for every page
 * after the first (NetBox's base filterset has `id__gt`, and DRF's OrderingFilter takes `ordering`:
 * netbox-api.md §2-3). Offset paging shifts under concurrent writes: a record created or deleted
 * before the current offset moves every later item by one, so a listing taken while NetBox is busy
 * skips or repeats items, and its total disagrees with `count`. Paging by id cannot skip an item that
 * exists from the first page to the last, nor repeat one; items created meanwhile may or may not be
 * seen, deleted ones may still be, as with any read of a moving source (the zone task is
 * level-triggered and the read ledger keeps such bulk data from overwriting an event's newer read).
 *
 * A listing is only ever returned complete: a failed page fails the whole read, and a listing ends
 * only on a page that returned every item it announced (`count` counts what matches `id > last`, so
 * the last page's count is its own length); a page that announces items but returns none, or whose
 * ids are not ascending past the last one (NetBox ignoring the ordering or the bound), is refused. So
 * a partial answer can never be mistaken for "these records are gone".
 */
import type { Logger } from '../util/log.js';
import { UpstreamError, classifyStatus } from '../util/errors.js';
import type { Retrier } from '../upstream/retry.js';
import type { UpstreamObserver } from '../upstream/observer.js';
import { createExchange } from '../upstream/exchange.js';
import { createScrubber, type Scrubber } from '../upstream/scrub.js';
import type { SourceDnssecPolicy } from '../core/dnssec/types.js';
import type { NetboxPage, NetboxRecord, NetboxZone } from './types.js';
import type { NetboxSource } from './source.js';

export interface NetboxClientOptions {
  /** NetBox base URL, e.g. https://netbox.example.com (a trailing `/api` is tolerated). */
  baseUrl: string;
  token: string;
  /** `auto` sends `Bearer` for v2 tokens (`nbt_` prefix) and `Token` otherwise. */
  authScheme: 'auto' | 'token' | 'bearer';
  /**
   * The nameservers (each optionally narrowed to a view) whose zones we read: one per PowerDNS
   * target. Zones are listed for all of them at once; each target then takes its own.
   */
  scopes: ReadonlyArray<{ nameserverId: number; viewId?: number }>;
  pageSize: number;
  timeoutMs: number;
  tlsVerify: boolean;
  /** PEM CA bundle for NetBox's certificate. */
  ca?: string;
  /** Zone ids per bulk record request: keeps the request line under proxies' ~4 KB limit. */
  zoneIdsPerRequest?: number;
  /** Concurrent bulk record requests. */
  concurrency?: number;
  retrier: Retrier;
  logger: Logger;
  observer?: UpstreamObserver;
  /** Scrubs every configured secret from error texts (defaults to one knowing the token). */
  scrub?: Scrubber;
}

const PLUGIN_PATH = 'api/plugins/netbox-dns';
/** Only the record fields the daemon reads: makes NetBox's serializer far cheaper. */
const RECORD_FIELDS = 'id,zone,type,name,fqdn,value,absolute_value,status,active,ttl,managed';
/**
 * Only the zone fields the daemon reads. The rest (tenant, tags, contacts, registrar, the RFC 2317
 * links) cost NetBox a query each and the daemon memory for every zone of a full reconcile.
 */
const ZONE_FIELDS = [
  'id', 'name', 'view', 'nameservers', 'active', 'default_ttl', 'soa_ttl', 'soa_mname', 'soa_rname',
  'soa_serial', 'soa_refresh', 'soa_retry', 'soa_expire', 'soa_minimum', 'dnssec_policy', 'last_updated',
].join(',');

export function authorizationHeader(token: string, scheme: NetboxClientOptions['authScheme']): string {
  const bearer = scheme === 'bearer' || (scheme === 'auto' && token.startsWith('nbt_'));
  return `${bearer ? 'Bearer' : 'Token'} ${token}`;
}

/** NetBox's `detail` from an error body (JSON `{"detail": …}` or a field dict), else the text. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && 'detail' in parsed) return String((parsed as { detail: unknown }).detail);
    return JSON.stringify(parsed);
  } catch {
    return body; // plain-text body (a proxy's error page): the exchange keeps an excerpt
  }
}

/** Advice for statuses whose usual cause is the configuration. */
function hint(status: number): string {
  if (status === 401 || status === 403) return ' (check NB_TOKEN and that it may read netbox_dns zones and records)';
  if (status === 404) return ' (check NB_URL and that netbox-plugin-dns is installed)';
  if (status === 400) return ' (a filter was rejected: does NB_NS_ID / the view id exist?)';
  if (status >= 300 && status < 400) return ' (NB_URL answers with a redirect: check the scheme and host)';
  return '';
}

/** Creates the NetBox client. */
export function createNetboxClient(opts: NetboxClientOptions): NetboxSource {
  const exchange = createExchange({
    upstream: 'netbox', label: 'NetBox', baseUrl: opts.baseUrl.replace(/\/+$/, '').replace(/\/api$/, ''),
    headers: { authorization: authorizationHeader(opts.token, opts.authScheme) },
    timeoutMs: opts.timeoutMs, tlsVerify: opts.tlsVerify, ...(opts.ca ? { ca: opts.ca } : {}),
    scrub: opts.scrub ?? createScrubber([opts.token]),
    ...(opts.observer ? { observer: opts.observer } : {}),
    errorDetail, hint,
    // A 404 means NB_URL or the plugin is wrong, not that a zone is missing: nothing to create there.
    classify: (status) => (status === 404 ? 'terminal' : classifyStatus(status)),
  });

  async function getJson<T>(operation: string, endpoint: string, path: string, query: URLSearchParams): Promise<T> {
    return opts.retrier.run(operation, async () => {
      const response = await exchange.send({ operation, method: 'GET', path, endpoint, searchParams: query, accept: [200] });
      try {
        return JSON.parse(response.body) as T;
      } catch (err) {
        // A cut-off body is a transport problem, not bad data: retry it.
        throw new UpstreamError(`NetBox GET /${path} returned a body that is not complete JSON`, 'netbox', 'transient', {
          operation, method: 'GET', status: response.status, code: 'truncated',
        }, { cause: err });
      }
    });
  }

  /**
   * Reads every page of a listing by keyset paging (see the header): pages in id order, each after
   * the last id seen, until a page holds everything it announced. `MAX_PAGE_SIZE` may clamp `limit`
   * (netbox-api.md §3.1): a page shorter than asked is not the end while its `count` says more.
   */
  async function listAll<T extends { id: number }>(operation: string, endpoint: string, path: string, query: URLSearchParams): Promise<T[]> {
    query.set('ordering', 'id');
    query.set('limit', String(opts.pageSize));
    query.delete('offset');
    const items: T[] = [];
    const refuse = (why: string, errorClass: 'transient' | 'terminal' = 'transient'): UpstreamError =>
      new UpstreamError(`NetBox GET /${path} ${why}: refusing a partial listing`, 'netbox', errorClass, { operation, method: 'GET' });
    let lastId: number | null = null;
    for (;;) {
      if (lastId !== null) query.set('id__gt', String(lastId));
      const page: NetboxPage<T> = await getJson<NetboxPage<T>>(operation, endpoint, path, query);
      if (!page || !Array.isArray(page.results)) {
        throw new UpstreamError(`NetBox GET /${path} did not return a paginated list`, 'netbox', 'terminal', { operation, method: 'GET' });
      }
      const count = typeof page.count === 'number' ? page.count : null;
      for (const item of page.results) {
        const id = item?.id;
        if (typeof id !== 'number' || (lastId !== null && id <= lastId)) {
          throw refuse(`returned ids out of order (${String(id)} after ${String(lastId)}): it does not honour ordering=id and id__gt`, 'terminal');
        }
        lastId = id;
        items.push(item);
      }
      const got = page.results.length;
      if (got === 0) {
        if (count !== null && count > 0) throw refuse(`announced ${count} more items but returned none`);
        return items;
      }
      // Everything that matched was on this page: the listing is complete. Otherwise (the limit was
      // clamped, or items were created or deleted while the page was built) read on from the last id.
      if (page.next === null && (count === null || got >= count)) return items;
    }
  }

  /**
   * The active records of these zones. NetBox refuses the whole request (400, "Select a valid
   * choice") when one of the zones was deleted since it was listed, as happens while NetBox is busy:
   * then the zones that still exist are looked up, the vanished ones are reported through `vanished`
   * (their records are unknown, not empty) and the rest read again, a few times at most.
   */
  async function recordsOfZones(zoneIds: number[], vanished: (id: number) => void): Promise<NetboxRecord[]> {
    let ids = zoneIds;
    for (let attempt = 1; ; attempt++) {
      const query = new URLSearchParams({ active: 'true', fields: RECORD_FIELDS });
      for (const id of ids) query.append('zone_id', String(id));
      try {
        return await listAll<NetboxRecord>('listNetboxRecords', 'records', `${PLUGIN_PATH}/records/`, query);
      } catch (err) {
        if (!(err instanceof UpstreamError) || err.details.status !== 400 || attempt >= 3) throw err;
        const exists = new URLSearchParams({ fields: 'id' });
        for (const id of ids) exists.append('id', String(id));
        const known = new Set((await listAll<{ id: number }>('listNetboxZoneIds', 'zones', `${PLUGIN_PATH}/zones/`, exists)).map((z) => z.id));
        const gone = ids.filter((id) => !known.has(id));
        if (gone.length === 0) throw err; // a 400 for another reason: a real error
        opts.logger.info(`NetBox zones deleted while they were being read: ${gone.join(', ')}; reading the others`, { zone_ids: gone });
        gone.forEach(vanished);
        ids = ids.filter((id) => known.has(id));
        if (ids.length === 0) return [];
      }
    }
  }

  // The view filter goes to NetBox only when every scope has the same one; otherwise targets filter.
  const views = new Set(opts.scopes.map((s) => s.viewId));
  const commonView = views.size === 1 ? [...views][0] : undefined;
  function zoneQuery(): URLSearchParams {
    const query = new URLSearchParams({ fields: ZONE_FIELDS });
    for (const id of new Set(opts.scopes.map((s) => s.nameserverId))) query.append('nameserver_id', String(id));
    if (commonView !== undefined) query.set('view_id', String(commonView));
    return query;
  }

  return {
    async getDnssecPolicy(id) {
      return getJson<SourceDnssecPolicy>('getNetboxDnssecPolicy', 'dnssecpolicies', `${PLUGIN_PATH}/dnssecpolicies/${id}/`, new URLSearchParams());
    },

    async listDnssecPolicies() {
      return listAll<SourceDnssecPolicy>('listNetboxDnssecPolicies', 'dnssecpolicies', `${PLUGIN_PATH}/dnssecpolicies/`, new URLSearchParams());
    },

    async listZones() {
      return (await listAll<NetboxZone>('listNetboxZones', 'zones', `${PLUGIN_PATH}/zones/`, zoneQuery())).map(slimZone);
    },

    async findZones(names) {
      const wanted = new Set(names.map((n) => n.replace(/\.$/, '').toLowerCase()));
      const query = zoneQuery();
      for (const name of wanted) query.append('name__ie', name);
      const zones = await listAll<NetboxZone>('findNetboxZone', 'zones', `${PLUGIN_PATH}/zones/`, query);
      return zones.filter((z) => wanted.has(z.name.replace(/\.$/, '').toLowerCase())).map(slimZone);
    },

    async listRecordsByZoneName(names) {
      const query = new URLSearchParams({ active: 'true', fields: RECORD_FIELDS });
      for (const name of new Set(names)) query.append('zone', name);
      if (commonView !== undefined) query.set('view_id', String(commonView));
      try {
        const records = await listAll<NetboxRecord>('listNetboxZoneRecords', 'records', `${PLUGIN_PATH}/records/`, query);
        return records.map(slimRecord);
      } catch (err) {
        // NetBox answers 400 ("Select a valid choice") for a zone name it does not know.
        if (err instanceof UpstreamError && err.details.status === 400) return null;
        throw err;
      }
    },

    async zonesWithRecordsChangedSince(since) {
      const query = new URLSearchParams({ fields: 'id,zone', last_updated__gte: since.toISOString() });
      if (commonView !== undefined) query.set('view_id', String(commonView));
      const records = await listAll<Pick<NetboxRecord, 'id' | 'zone'>>('listChangedNetboxRecords', 'records', `${PLUGIN_PATH}/records/`, query);
      return new Set(records.map((r) => r.zone.id));
    },

    async listRecords(zoneIds) {
      const result = new Map<number, NetboxRecord[]>();
      for (const id of zoneIds) result.set(id, []);
      const chunkSize = opts.zoneIdsPerRequest ?? 200;
      const chunks: number[][] = [];
      const unique = [...new Set(zoneIds)];
      for (let i = 0; i < unique.length; i += chunkSize) chunks.push(unique.slice(i, i + chunkSize));
      let nextChunk = 0;
      const worker = async (): Promise<void> => {
        while (nextChunk < chunks.length) {
          const chunk = chunks[nextChunk++] ?? [];
          const records = await recordsOfZones(chunk, (id) => result.delete(id));
          for (const record of records) result.get(record.zone?.id)?.push(slimRecord(record));
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, chunks.length) }, worker));
      return result;
    },
  };
}

/** The nested view and nameservers without their URLs and display strings (see slimRecord). */
function slimZone(z: NetboxZone): NetboxZone {
  // A nested object NetBox left out stays out: slimming is no place to fail a listing.
  const zone: Partial<NetboxZone> = z;
  return {
    ...z,
    ...(zone.view ? { view: { id: zone.view.id, name: zone.view.name } } : {}),
    ...(Array.isArray(zone.nameservers) ? { nameservers: zone.nameservers.map((ns) => ({ id: ns.id, name: ns.name })) } : {}),
    ...(zone.soa_mname ? { soa_mname: { id: zone.soa_mname.id, name: zone.soa_mname.name } } : {}),
    ...(zone.dnssec_policy ? { dnssec_policy: { id: zone.dnssec_policy.id, ...(zone.dnssec_policy.name !== undefined ? { name: zone.dnssec_policy.name } : {}) } } : {}),
  };
}

/**
 * Keeps only what the engine reads of a record. NetBox nests the whole zone (with its view, URLs and
 * display strings) in every record even with `fields=`: for 104k records that was about 75 MB of heap
 * held for the whole full reconcile (measured by the bench); the slim copy is about a third of it.
 */
function slimRecord(r: NetboxRecord): NetboxRecord {
  return {
    id: r.id, zone: { id: r.zone.id, name: r.zone.name }, type: r.type, name: r.name, fqdn: r.fqdn, value: r.value,
    absolute_value: r.absolute_value, status: r.status, active: r.active, ttl: r.ttl, managed: r.managed,
  };
}
