/**
 * A PowerDNS primary beside a secondary that consumes its catalog zone (RFC 9432), for tests and the
 * benchmark. Config per shared/reference/replication-dnssec.md §1: NOTIFY only to the secondary (the
 * test zones' NS names are fake), short xfr cycles, no metadata cache (else metadata changes show up
 * only after up to 60 s).
 *
 * The zone helpers are test arrangement done through each server's own API (the daemon never
 * creates Consumer zones or sends NOTIFYs on its own behalf here).
 */
import { soaSerial } from './dns.js';
import { pdnsCall, type PdnsTarget } from './pdns-api.js';
import type { PdnsBackendKind } from './pdns-backend.js';
import { startPdns, type PdnsServer } from './pdns-server.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import { waitFor, type WaitOptions } from './wait.js';

export const CATALOG = 'catalog.invalid.';

export interface PrimaryConfOptions {
  /** `IP:port` targets for every zone's NOTIFY (global `also-notify`); none by default. */
  alsoNotify?: string[];
  /** Seconds between serial/catalog-hash checks (default 2; PowerDNS's own default is 60). */
  xfrCycleInterval?: number;
  /** Who may AXFR without TSIG (default `127.0.0.0/8`; `''` for TSIG or per-zone ACL tests). */
  allowAxfrIps?: string;
}

export interface SecondaryConfOptions {
  /** Seconds between refresh checks of due zones (default 2). */
  xfrCycleInterval?: number;
  /** Source ACL for NOTIFY (default `127.0.0.0/8`). */
  allowNotifyFrom?: string;
}

/** pdns.conf lines for a primary (extraConf for startPdns). */
export function primaryConf(o: PrimaryConfOptions = {}): string[] {
  return [
    'primary=yes',
    'secondary=no',
    // Empty: no NOTIFYs derived from NS names; targets come from also-notify / ALSO-NOTIFY metadata.
    'only-notify=',
    ...(o.alsoNotify && o.alsoNotify.length > 0 ? [`also-notify=${o.alsoNotify.join(',')}`] : []),
    `xfr-cycle-interval=${o.xfrCycleInterval ?? 2}`,
    `allow-axfr-ips=${o.allowAxfrIps ?? '127.0.0.0/8'}`,
    'zone-metadata-cache-ttl=0',
  ];
}

/** pdns.conf lines for a secondary / catalog consumer (extraConf for startPdns). */
export function secondaryConf(o: SecondaryConfOptions = {}): string[] {
  return [
    'secondary=yes',
    `allow-notify-from=${o.allowNotifyFrom ?? '127.0.0.0/8'}`,
    `xfr-cycle-interval=${o.xfrCycleInterval ?? 2}`,
    'zone-metadata-cache-ttl=0',
  ];
}

export interface ReplicationPairOptions {
  backend?: PdnsBackendKind;
  /** pgsql: cluster for both databases; without it one is started and stopped with the pair. */
  postgres?: PostgresCluster;
  dnssec?: boolean;
  apiKey?: string;
  primary?: Omit<PrimaryConfOptions, 'alsoNotify'> & {
    /** Global also-notify to the secondary (default true); false leaves it to ALSO-NOTIFY metadata. */
    notifySecondary?: boolean;
    extraConf?: string[];
  };
  secondary?: SecondaryConfOptions & { extraConf?: string[] };
}

export interface ReplicationPair {
  primary: PdnsServer;
  secondary: PdnsServer;
  /** `127.0.0.1:<port>` of each DNS listener (NOTIFY targets, Consumer masters). */
  primaryDns: string;
  secondaryDns: string;
  /** The cluster the pair runs on (pgsql only). */
  postgres?: PostgresCluster;
  /** Stops the primary, then the secondary, then a cluster started for the pair. */
  stop(): Promise<void>;
}

export async function startReplicationPair(opts: ReplicationPairOptions = {}): Promise<ReplicationPair> {
  const ownCluster = opts.backend === 'pgsql' && opts.postgres === undefined;
  const postgres = ownCluster ? await startPostgres() : opts.postgres;
  const common = { backend: opts.backend, postgres, dnssec: opts.dnssec, apiKey: opts.apiKey };
  const started: PdnsServer[] = [];
  try {
    // The secondary first: its DNS port goes into the primary's config, and startPdns may move to
    // other ports on a bind failure, so only a started server's port is final.
    const secondary = await startPdns({ ...common, extraConf: [...secondaryConf(opts.secondary), ...(opts.secondary?.extraConf ?? [])] });
    started.push(secondary);
    const secondaryDns = `127.0.0.1:${secondary.dnsPort}`;
    const { notifySecondary = true, extraConf = [], ...primaryOpts } = opts.primary ?? {};
    const primary = await startPdns({
      ...common, extraConf: [...primaryConf({ ...primaryOpts, alsoNotify: notifySecondary ? [secondaryDns] : [] }), ...extraConf],
    });
    started.push(primary);
    return {
      primary, secondary, primaryDns: `127.0.0.1:${primary.dnsPort}`, secondaryDns, postgres,
      async stop() {
        await primary.stop();
        await secondary.stop();
        if (ownCluster) await postgres?.stop();
      },
    };
  } catch (err) {
    for (const server of started.reverse()) await server.stop();
    if (ownCluster) await postgres?.stop();
    throw err;
  }
}

/**
 * A Producer zone on the primary: EPOCH serials, so `bumpSerial` (an empty PATCH) moves the serial to
 * now and the consumer sees a change at once instead of at the primary's next cycle.
 */
export async function createProducerZone(primary: PdnsTarget, name = CATALOG): Promise<void> {
  await pdnsCall(primary, 'POST', '/zones', {
    name, kind: 'Producer', soa_edit_api: 'EPOCH',
    rrsets: [
      { name, type: 'SOA', ttl: 0, records: [{ content: 'invalid. invalid. 1 60 10 1209600 0', disabled: false }] },
      { name, type: 'NS', ttl: 0, records: [{ content: 'invalid.', disabled: false }] },
    ],
  }, 201);
}

/** A Consumer zone on the secondary that transfers `name` from `primaryDns` (`IP:port`). */
export async function createConsumerZone(secondary: PdnsTarget, primaryDns: string, name = CATALOG): Promise<void> {
  // No `nameservers` key: for Slave/Consumer zones it gives 422 and a half-created zone.
  await pdnsCall(secondary, 'POST', '/zones', { name, kind: 'Consumer', masters: [primaryDns] }, 201);
}

/** Sets the zone's ALSO-NOTIFY metadata (NOTIFY targets as `IP:port`). */
export async function setAlsoNotify(server: PdnsTarget, zone: string, targets: string[]): Promise<void> {
  await pdnsCall(server, 'PUT', `/zones/${zone}/metadata/ALSO-NOTIFY`, { kind: 'ALSO-NOTIFY', metadata: targets }, 200);
}

/** Applies SOA-EDIT-API to the serial without changing data (PATCH with no rrsets). */
export async function bumpSerial(server: PdnsTarget, zone: string): Promise<void> {
  await pdnsCall(server, 'PATCH', `/zones/${zone}`, { rrsets: [] }, 204);
}

/** Queues NOTIFYs for the zone now (the API itself never notifies; only the primary's cycle does). */
export async function notifyZone(server: PdnsTarget, zone: string): Promise<void> {
  await pdnsCall(server, 'PUT', `/zones/${zone}/notify`, undefined, 200);
}

/** The serial the API reports for a zone. */
export async function apiSerial(server: PdnsTarget, zone: string): Promise<number> {
  const body = (await pdnsCall(server, 'GET', `/zones/${zone}?rrsets=false`, undefined, 200)) as { serial?: unknown };
  if (typeof body.serial !== 'number') throw new Error(`GET /zones/${zone}: no numeric serial`);
  return body.serial;
}

/** Polls the DNS SOA of `zone` on 127.0.0.1:`dnsPort` until its serial is at least `serial`. */
export async function waitForSoaSerial(dnsPort: number, zone: string, serial: number, opts: WaitOptions = {}): Promise<number> {
  return waitFor(async () => {
    const seen = await soaSerial(dnsPort, zone);
    return seen !== undefined && seen >= serial ? seen : undefined;
  }, { intervalMs: 50, message: `${zone} SOA serial ≥ ${serial} on DNS port ${dnsPort}`, ...opts });
}
