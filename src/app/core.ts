/**
 * Composition of the reconcile core from configuration: retriers, the NetBox and PowerDNS clients,
 * the zone lock and the engine. Shared by the CLI commands and the daemon; no logic of its own.
 */
import { readFileSync } from 'node:fs';
import { secretValues, type Config, type TargetConfig } from '../config/index.js';
import { createScrubber } from '../upstream/scrub.js';
import { createNetboxClient } from '../netbox/client.js';
import { createPdnsClient, type PdnsClient } from '../pdns/client.js';
import { createRetrier } from '../upstream/retry.js';
import { createZoneLock, type ZoneLockObserver } from '../reconcile/zone-lock.js';
import { createEngine, type Engine } from '../reconcile/engine.js';
import type { EngineObserver, Target } from '../reconcile/types.js';
import type { TaskMeta } from '../reconcile/runner.js';
import type { WorkQueueObserver } from '../reconcile/queue.js';
import type { FullReconcileResult } from '../reconcile/full.js';
import { parseProtectRules } from '../core/protect.js';
import { tsigKeyId, type TransferPolicy } from '../core/transfer.js';
import { formatHostPort, parseCidrs, parseHostPorts } from '../config/replication.js';
import type { NetboxSource } from '../netbox/source.js';
import type { PdnsApi } from '../pdns/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { nullObserver, type UpstreamObserver } from '../upstream/observer.js';
import { parseResolver, queryDs, type DsResolver } from '../upstream/dns-ds.js';

/** The parent's DS, asked of the configured server (a failure is "unknown", never "absent"). */
const dsQuery = (resolver: DsResolver) => (zone: string): Promise<string[] | null> => queryDs(resolver, zone);
import { createAuditTrail, type AuditTrail } from '../observability/audit-trail.js';

export interface CoreDeps {
  logger: Logger;
  clock: Clock;
  upstreamObserver?: UpstreamObserver;
  engineObserver?: EngineObserver;
  queueObserver?: WorkQueueObserver<TaskMeta>;
  lockObserver?: ZoneLockObserver;
  onFullReconcile?: (result: FullReconcileResult, info: { complete: boolean }) => void;
  /** The daemon retries zones a full reconcile failed on; a one-shot command must not. */
  retryFailedZones?: boolean;
  /** Lets retries stop early during shutdown. */
  isStopping?: () => boolean;
}

export interface Core {
  netbox: NetboxSource;
  targets: Target[];
  engine: Engine;
  /** Every write to PowerDNS, recorded (log, optional audit file, recent entries). */
  audit: AuditTrail;
  lockStats(): { contentionEvents: number };
  /** Each target's write gate by target name: its backend, concurrency and writes in flight. */
  pdnsWrites: ReadonlyMap<string, PdnsClient['writes']>;
}

/**
 * The transfer settings every zone we own carries, when any replication option is set (then they
 * are kept in step both ways: an option emptied removes what we wrote); none otherwise.
 */
export function transferPolicyOf(config: Config): TransferPolicy | undefined {
  const configured = [config.also_notify, config.allow_axfr_from, config.tsig_key_name].some((v) => v !== undefined) || config.targets.some((t) => t.catalogZone);
  if (!configured) return undefined;
  return {
    alsoNotify: (parseHostPorts(config.also_notify ?? '') ?? []).map(formatHostPort),
    allowAxfrFrom: parseCidrs(config.allow_axfr_from ?? '') ?? [],
    tsigKeys: config.tsig_key_name !== undefined ? [tsigKeyId(config.tsig_key_name)] : [],
  };
}

/** One engine target from its configuration and client; policy and thresholds are the daemon's. */
export function targetOf(config: Config, target: TargetConfig, pdns: PdnsApi): Target {
  const transfer = transferPolicyOf(config);
  return {
    name: target.name,
    pdns,
    policy: {
      ownerId: config.owner_id,
      adoption: config.adopt_zones,
      zoneKind: target.zoneKind,
      protect: parseProtectRules(config.protected_rrsets),
      recordOwnership: config.record_ownership,
      ...(target.catalogZone !== undefined ? { catalog: target.catalogZone } : {}),
      ...(transfer ? { transfer } : {}),
    },
    thresholds: {
      maxChangeRatio: config.max_rrset_change_ratio,
      minRrsetsForThreshold: config.min_rrsets_for_threshold,
      maxZoneDeleteRatio: config.max_zone_delete_ratio,
    },
    notify: target.notify,
    scope: { nameserverId: target.nbNsId, ...(target.nbViewId !== undefined ? { viewId: target.nbViewId } : {}) },
    ...(config.tsig_key_name !== undefined && config.tsig_secret !== undefined
      ? { tsigKey: { name: tsigKeyId(config.tsig_key_name), algorithm: config.tsig_algorithm, key: config.tsig_secret } } : {}),
  };
}

export function buildCore(config: Config, deps: CoreDeps): Core {
  const observer = deps.upstreamObserver ?? nullObserver;
  const retryPolicy = {
    attempts: config.retry_attempts,
    baseDelayMs: config.retry_base_delay * 1000,
    factor: config.retry_factor,
    maxDelayMs: config.retry_max_delay * 1000,
    jitter: config.retry_jitter,
    logger: deps.logger,
    clock: deps.clock,
    observer,
    ...(deps.isStopping ? { isStopping: deps.isStopping } : {}),
  };
  const readCa = (path: string | undefined): string | undefined => (path ? readFileSync(path, 'utf8') : undefined);
  // One scrubber knowing every configured secret, for every text an upstream sends back.
  const scrub = createScrubber(secretValues(config));
  const netbox = createNetboxClient({
    baseUrl: config.nb_url,
    token: config.nb_token,
    authScheme: config.nb_auth_scheme,
    scopes: config.targets.map((t) => ({ nameserverId: t.nbNsId, ...(t.nbViewId !== undefined ? { viewId: t.nbViewId } : {}) })),
    pageSize: config.nb_page_size,
    timeoutMs: config.nb_timeout * 1000,
    tlsVerify: config.nb_tls_verify,
    ca: readCa(config.nb_ca_file),
    concurrency: config.reconcile_concurrency,
    retrier: createRetrier({ ...retryPolicy, upstream: 'netbox' }),
    logger: deps.logger.child({ component: 'netbox' }),
    observer,
    scrub,
  });
  // One client per target: each with its own write gate and retrier, so one server's trouble stays its own.
  const clients = config.targets.map((t) => createPdnsClient({
    baseUrl: t.url,
    apiKey: t.token,
    serverId: t.serverId,
    timeoutMs: config.pdns_timeout * 1000,
    maxBodyBytes: config.pdns_max_body_bytes,
    tlsVerify: config.pdns_tls_verify,
    ca: readCa(config.pdns_ca_file),
    retrier: createRetrier({ ...retryPolicy, upstream: 'pdns' }),
    logger: deps.logger.child(config.targets.length > 1 ? { component: 'pdns', target: t.name } : { component: 'pdns' }),
    observer,
    scrub,
    target: t.name,
    concurrentWrites: t.concurrentWrites,
    clock: deps.clock,
  }));
  const lock = createZoneLock({
    clock: deps.clock,
    logger: deps.logger.child({ component: 'lock' }),
    warnAfterMs: config.lock_warn_seconds * 1000,
    timeoutMs: config.lock_timeout_seconds * 1000,
    ...(deps.lockObserver ? { observer: deps.lockObserver } : {}),
  });
  const targets = config.targets.map((t, i) => targetOf(config, t, clients[i] as PdnsApi));
  const audit = createAuditTrail({
    logger: deps.logger,
    ...(config.audit_file ? { file: { path: config.audit_file, maxBytes: config.audit_file_max_bytes, keep: config.audit_file_keep } } : {}),
  });
  const engine = createEngine({
    netbox, targets, lock,
    settings: { dryRun: config.dry_run },
    logger: deps.logger,
    clock: deps.clock,
    workers: config.workers,
    requeueBackoff: { baseDelayMs: config.requeue_base_delay * 1000, factor: 2, maxDelayMs: config.requeue_max_delay * 1000, jitter: false },
    retryFailedZones: deps.retryFailedZones ?? false,
    audit,
    ...(deps.engineObserver ? { observer: deps.engineObserver } : {}),
    ...(deps.queueObserver ? { queueObserver: deps.queueObserver } : {}),
    ...(deps.onFullReconcile ? { onFullReconcile: deps.onFullReconcile } : {}),
    ...(config.dnssec_ds_resolver ? { signing: { parentDs: dsQuery(parseResolver(config.dnssec_ds_resolver)) } } : {}),
  });
  const pdnsWrites = new Map(config.targets.map((t, i) => [t.name, (clients[i] as PdnsClient).writes]));
  return { netbox, targets, engine, audit, lockStats: () => lock.stats(), pdnsWrites };
}
