/**
 * The PowerDNS Authoritative API client (`PdnsApi` over HTTP). Every call goes through the shared
 * retrier under a descriptive operation name; the HTTP layer (http.ts) classifies failures; each
 * write attempt passes the server's write gate (write-concurrency.ts: serialised on sqlite, n at once
 * on PostgreSQL/MySQL); bodies are kept below the request-size limit (chunk.ts).
 * Behaviour of each endpoint: shared/reference/powerdns-api.md §3 and §8.
 */
import type { ZoneName } from '../core/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { UpstreamError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { UpstreamObserver } from '../upstream/observer.js';
import type { Retrier } from '../upstream/retry.js';
import type { Scrubber } from '../upstream/scrub.js';
import { patchBodyBytes, splitChanges } from './chunk.js';
import { createSigningCalls } from './dnssec-client.js';
import { createPdnsHttp, type PdnsRequest, type PdnsResponse } from './http.js';
import type { PdnsApi, PdnsMetadata, PdnsRRsetChange, PdnsTsigKey, PdnsZone, PdnsZoneCreate, PdnsZoneSummary } from './types.js';
import { pdnsZoneId } from './zone-id.js';
import type { ConcurrentWritesSetting } from './backend.js';
import { createPdnsWrites, type PdnsWrites } from './write-concurrency.js';

export { pdnsZoneId } from './zone-id.js';

export interface PdnsClientOptions {
  /** e.g. `http://127.0.0.1:8081`, with or without `/api/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Usually `localhost`. */
  serverId: string;
  /** Per-request timeout (each attempt). */
  timeoutMs: number;
  /** Largest request body sent; keep well under pdns `webserver-max-bodysize` (2 MB). Default 1 000 000. */
  maxBodyBytes?: number;
  /** Verify the API's TLS certificate (https only). Default true. */
  tlsVerify?: boolean;
  /** PEM CA bundle for a private CA. */
  ca?: string;
  retrier: Retrier;
  logger: Logger;
  observer?: UpstreamObserver;
  /** Scrubs every configured secret from error texts (defaults to one knowing the API key). */
  scrub?: Scrubber;
  /** The target's configured name, reported with each request (metrics). */
  target?: string;
  /** Changes in flight at once: `auto` (default) reads the backend from PowerDNS's config. */
  concurrentWrites?: ConcurrentWritesSetting;
  /** For the backend re-read delay; the system clock by default. */
  clock?: Clock;
}

/** The client, plus its write gate's state (for /status and tests). */
export interface PdnsClient extends PdnsApi {
  readonly writes: Pick<PdnsWrites, 'detect' | 'state'>;
}

export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/** Lower-case absolute name, for comparing names the way PowerDNS does (it lower-cases them). */
function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** PowerDNS's id of a TSIG key: its name with a trailing dot. */
function tsigId(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** Parses a JSON success body; a broken one is a transport problem (cut-off response), so transient. */
function parseJson<T>(operation: string, method: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new UpstreamError(`PowerDNS ${operation}: response body is not complete JSON`, 'pdns', 'transient', {
      operation, method, code: 'bad_json',
    }, { cause: err });
  }
}

/** Creates the client. Construction does no I/O. */
export function createPdnsClient(opts: PdnsClientOptions): PdnsClient {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const http = createPdnsHttp(opts);
  const { retrier, logger } = opts;
  const retried = (req: PdnsRequest, attempt: () => Promise<PdnsResponse>) => retrier.run(req.operation, attempt, req.zone ? { zone: req.zone } : {});
  const writes = createPdnsWrites({
    setting: opts.concurrentWrites ?? 'auto', logger, clock: opts.clock ?? systemClock,
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    // The answer lists every setting, backend passwords too: it is parsed here and only `launch` kept.
    readConfig: async () => {
      const req: PdnsRequest = { operation: 'serverConfig', method: 'GET', path: 'config', endpoint: 'config', accept: [200] };
      return parseJson<unknown>('serverConfig', 'GET', (await retried(req, () => http.send(req))).body);
    },
  });
  // Reads are never gated; each write attempt is (a retry's backoff sleep holds no slot).
  const run = async (req: PdnsRequest): Promise<PdnsResponse> => {
    if (req.method === 'GET') return retried(req, () => http.send(req));
    await writes.ready();
    const kind = req.method === 'POST' ? 'create' : 'change';
    return retried(req, () => writes.run(kind, () => http.send(req)));
  };
  const zonePath = (zone: ZoneName): string => `zones/${pdnsZoneId(zone)}`;

  async function patchRRsets(zone: ZoneName, changes: PdnsRRsetChange[]): Promise<void> {
    const chunks = splitChanges(changes, maxBodyBytes);
    if (chunks.length > 1) {
      logger.info(`pdns: PATCH of ${changes.length} rrsets for ${zone} split into ${chunks.length} requests`, {
        zone, rrsets: changes.length, requests: chunks.length,
      });
    }
    // Strictly one after another: later chunks may depend on earlier DELETEs (A→CNAME swaps).
    for (const chunk of chunks) {
      await run({
        operation: 'patchZone', method: 'PATCH', path: zonePath(zone), zone, endpoint: 'zone',
        body: JSON.stringify({ rrsets: chunk }), accept: [204],
      });
    }
  }

  return {
    ...createSigningCalls(run, zonePath),
    writes: { detect: () => writes.detect(), state: () => writes.state() },

    async serverInfo() {
      const res = await run({ operation: 'serverInfo', method: 'GET', path: '', endpoint: 'server', accept: [200] });
      const info = parseJson<{ version?: unknown }>('serverInfo', 'GET', res.body);
      return { version: typeof info.version === 'string' ? info.version : 'unknown' };
    },

    async listZones() {
      const res = await run({
        operation: 'listZones', method: 'GET', path: 'zones', endpoint: 'zones',
        searchParams: new URLSearchParams({ dnssec: 'false' }), accept: [200],
      });
      return parseJson<PdnsZoneSummary[]>('listZones', 'GET', res.body);
    },

    async getZone(zone) {
      const res = await run({ operation: 'getZone', method: 'GET', path: zonePath(zone), zone, endpoint: 'zone', accept: [200, 404] });
      if (res.status === 404) return null;
      return parseJson<PdnsZone>('getZone', 'GET', res.body);
    },

    async createZone(spec: PdnsZoneCreate) {
      let body = JSON.stringify(spec);
      let rest: PdnsRRsetChange[] = [];
      if (Buffer.byteLength(body) > maxBodyBytes) {
        // Too big for one request: create the zone with its apex SOA and NS, then PATCH the rest in
        // chunks. The zone is briefly incomplete, which the next reconcile would repair anyway.
        const apex = canonical(spec.name);
        const isApexCore = (c: PdnsRRsetChange): boolean =>
          canonical(c.name) === apex && (c.type === 'SOA' || c.type === 'NS');
        rest = spec.rrsets.filter((c) => !isApexCore(c));
        body = JSON.stringify({ ...spec, rrsets: spec.rrsets.filter(isApexCore) });
        logger.info(`pdns: zone ${spec.name} is ${patchBodyBytes(spec.rrsets)} bytes of rrsets; creating it with SOA/NS and patching ${rest.length} rrsets after`, {
          zone: spec.name, rrsets: spec.rrsets.length,
        });
      }
      const res = await run({ operation: 'createZone', method: 'POST', path: 'zones', endpoint: 'zones', body, accept: [201, 409], zone: spec.name });
      if (res.status === 409) {
        // Also what a retried POST sees when the first attempt did succeed: the zone is there.
        logger.warn(`pdns: zone ${spec.name} already exists (409 Conflict); treating as existing`, { zone: spec.name });
        return 'exists';
      }
      if (rest.length > 0) await patchRRsets(spec.name, rest);
      return 'created';
    },

    patchRRsets,

    async updateZone(zone, fields) {
      await run({
        operation: 'updateZone', method: 'PUT', path: zonePath(zone), zone, endpoint: 'zone',
        body: JSON.stringify(fields), accept: [204],
      });
    },

    async deleteZone(zone) {
      const res = await run({ operation: 'deleteZone', method: 'DELETE', path: zonePath(zone), zone, endpoint: 'zone', accept: [204, 404] });
      // Idempotent: after a timed-out attempt that did succeed, the retry finds nothing to delete.
      if (res.status === 404) logger.info(`pdns: zone ${zone} was already gone on delete (404)`, { zone });
    },

    async getMetadata(zone) {
      const res = await run({ operation: 'getMetadata', method: 'GET', path: `${zonePath(zone)}/metadata`, zone, endpoint: 'zone_metadata', accept: [200] });
      return parseJson<PdnsMetadata[]>('getMetadata', 'GET', res.body);
    },

    async setMetadata(zone, kind, values) {
      const path = `${zonePath(zone)}/metadata/${encodeURIComponent(kind)}`;
      if (values.length === 0) {
        await run({ operation: 'deleteMetadata', method: 'DELETE', path, zone, endpoint: 'zone_metadata', accept: [200, 204, 404] });
        return;
      }
      await run({ operation: 'setMetadata', method: 'PUT', path, zone, endpoint: 'zone_metadata', body: JSON.stringify({ kind, metadata: values }), accept: [200, 204] });
    },

    async getTsigKey(name) {
      const res = await run({ operation: 'getTsigKey', method: 'GET', path: `tsigkeys/${encodeURIComponent(tsigId(name))}`, endpoint: 'tsigkey', accept: [200, 404] });
      if (res.status === 404) return null;
      const key = parseJson<Partial<PdnsTsigKey>>('getTsigKey', 'GET', res.body);
      return { name: String(key.name ?? name), algorithm: String(key.algorithm ?? ''), key: String(key.key ?? '') };
    },

    async putTsigKey(key, exists) {
      // The body holds the secret: the exchange never logs bodies, and the scrubber knows the secret.
      const body = JSON.stringify({ name: key.name, algorithm: key.algorithm, key: key.key });
      if (exists) {
        await run({ operation: 'updateTsigKey', method: 'PUT', path: `tsigkeys/${encodeURIComponent(tsigId(key.name))}`, endpoint: 'tsigkey', body, accept: [200, 204] });
      } else {
        await run({ operation: 'createTsigKey', method: 'POST', path: 'tsigkeys', endpoint: 'tsigkeys', body, accept: [201, 409] });
      }
    },

    async bumpSerial(zone) {
      await run({ operation: 'bumpSerial', method: 'PATCH', path: zonePath(zone), zone, endpoint: 'zone', body: '{"rrsets":[]}', accept: [204] });
    },

    async notify(zone) {
      await run({ operation: 'notifyZone', method: 'PUT', path: `${zonePath(zone)}/notify`, zone, endpoint: 'zone_notify', accept: [200, 204] });
    },
  };
}
