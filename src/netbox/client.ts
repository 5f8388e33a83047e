/**
 * NetBox (netbox-plugin-dns) REST client. Reads zones for our nameserver and their active records,
 * following `next` links (MAX_PAGE_SIZE is 1000 and `limit=0` is NOT "all": netbox-api.md §3.1).
 * A listing is only ever returned complete: a failed or short page fails the whole read, so a partial
 * answer can never be mistaken for "these records are gone".
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

  /** Reads every page of a listing, following `next`; checks the total against `count`. */
  async function listAll<T>(operation: string, endpoint: string, path: string, query: URLSearchParams): Promise<T[]> {
    query.set('limit', String(opts.pageSize));
    const items: T[] = [];
    let expected: number | null = null;
    let nextQuery: URLSearchParams | null = query;
    while (nextQuery) {
      const page: NetboxPage<T> = await getJson<NetboxPage<T>>(operation, endpoint, path, nextQuery);
      if (!page || !Array.isArray(page.results)) {
        throw new UpstreamError(`NetBox GET /${path} did not return a paginated list`, 'netbox', 'terminal', { operation, method: 'GET' });
      }
      if (expected === null && typeof page.count === 'number') expected = page.count;
      items.push(...page.results);
      // Re-use our own path with the query NetBox computed: `next` may name another host or scheme
      // when NetBox sits behind a proxy.
      nextQuery = page.next ? new URL(page.next).searchParams : null;
      if (nextQuery && page.results.length === 0) {
        throw new UpstreamError(`NetBox GET /${path} returned an empty page with a next link`, 'netbox', 'transient', { operation, method: 'GET' });
      }
    }
    if (expected !== null && items.length !== expected) {
      throw new UpstreamError(
        `NetBox GET /${path} returned ${items.length} items but announced ${expected}: refusing a partial listing`,
        'netbox', 'transient', { operation, method: 'GET' });
    }
    return items;
  }

  // The view filter goes to NetBox only when every scope has the same one; otherwise targets filter.
  const views = new Set(opts.scopes.map((s) => s.viewId));
  const commonView = views.size === 1 ? [...views][0] : undefined;
  function zoneQuery(): URLSearchParams {
    const query = new URLSearchParams();
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
      return listAll<NetboxZone>('listNetboxZones', 'zones', `${PLUGIN_PATH}/zones/`, zoneQuery());
    },

    async findZones(names) {
      const wanted = new Set(names.map((n) => n.replace(/\.$/, '').toLowerCase()));
      const query = zoneQuery();
      for (const name of wanted) query.append('name__ie', name);
      const zones = await listAll<NetboxZone>('findNetboxZone', 'zones', `${PLUGIN_PATH}/zones/`, query);
      return zones.filter((z) => wanted.has(z.name.replace(/\.$/, '').toLowerCase()));
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
          const query = new URLSearchParams({ active: 'true', fields: RECORD_FIELDS });
          for (const id of chunk) query.append('zone_id', String(id));
          const records = await listAll<NetboxRecord>('listNetboxRecords', 'records', `${PLUGIN_PATH}/records/`, query);
          for (const record of records) result.get(record.zone?.id)?.push(slimRecord(record));
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, chunks.length) }, worker));
      return result;
    },
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
