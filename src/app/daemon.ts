/**
 * The composition root of the long-running service: wires config, metrics, the reconcile core,
 * event intake (MQTT, webhook, embedded broker), the cron reconcile and the HTTP endpoints. It holds
 * no logic of its own beyond start/stop ordering and routing events into the zone runner.
 */
import { Registry } from 'prom-client';
import { Cron } from 'croner';
import type { Config } from '../config/index.js';
import { buildCore, type Core } from './core.js';
import type { BuildInfo } from './version.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createEventInterpreter, validateWebhookEnvelope, webhookTopic, type Interpretation } from '../intake/events/index.js';
import { createMqttIntake } from '../intake/mqtt.js';
import { redactBrokerUrl } from '../intake/mqtt-options.js';
import { startEmbeddedBroker } from '../intake/embedded-broker.js';
import { createEchoFilter } from '../intake/echo.js';
import { createHttpServer } from '../http/server.js';
import { handleWebhook } from '../intake/webhook.js';
import { approvalAnswer } from '../http/approval-answer.js';
import { isPlanId } from '../core/plan-id.js';
import { toZoneName, zoneNameProblem } from '../core/names.js';
import { pendingView } from '../observability/pending-view.js';
import { createReplayGuard } from '../intake/replay-guard.js';
import { createStatusStore, type StatusDocument } from '../observability/status-store.js';
import type { ReplicationStatus } from '../observability/status-types.js';
import { formatHostPort, parseHostPorts } from '../config/replication.js';
import { buildSecondaryChecker } from './replication.js';
import { createObservers } from '../observability/wiring.js';
import type { Clock } from '../util/clock.js';
import type { FullReconcileResult } from '../reconcile/full.js';
import type { EventOrigin, Trigger } from '../reconcile/types.js';
import { backoffDelay } from '../util/backoff.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

export interface DaemonDeps {
  logger: Logger;
  clock: Clock;
  build: BuildInfo;
  /** Injected so tests can read metrics; a fresh one per daemon otherwise. */
  registry?: Registry;
  /** Metrics created by the caller (so the logger's line counter can feed them). */
  metrics?: Metrics;
}

export interface Daemon {
  start(): Promise<{ httpPort: number; brokerUrl: string | null }>;
  /** Stops intake and cron, lets running zone tasks finish within the deadline, closes everything. */
  stop(): Promise<void>;
  /** Queues a full reconcile (SIGHUP, POST /sync). */
  requestFullReconcile(trigger: Trigger): void;
  /** Re-reads the HTTPS certificate and key (SIGHUP); false when TLS is off or the files are unusable. */
  reloadTls(): boolean;
  core: Core;
  metrics: Metrics;
}

/** What the status page shows of the audit trail. */
const PAGE_AUDIT_ENTRIES = 50;

export function createDaemon(config: Config, deps: DaemonDeps): Daemon {
  const { logger, clock } = deps;
  const log = logger.child({ component: 'daemon' });
  const servers = config.targets.map((t) => t.name);
  const secondaryAddresses = parseHostPorts(config.secondaries ?? config.also_notify ?? '') ?? [];
  const metrics = deps.metrics ?? createMetrics(deps.registry ?? new Registry(), deps.build, servers, secondaryAddresses.map(formatHostPort));
  const status = createStatusStore({ clock, initialSyncWarningMs: config.initial_sync_warning_seconds * 1000, targets: servers });
  let stopping = false;
  const observers = createObservers({ metrics, status, clock });
  const core = buildCore(config, {
    logger, clock, isStopping: () => stopping,
    upstreamObserver: observers.upstream,
    engineObserver: observers.engine,
    queueObserver: observers.queue,
    lockObserver: observers.lock,
    onFullReconcile: observers.fullReconcile,
    retryFailedZones: true,
  });
  const runner = core.engine.runner;
  const secondaries = buildSecondaryChecker(config, core, secondaryAddresses, { clock, logger });
  metrics.bindGauges({
    secondaryLagging: (address) => secondaries?.lagging(address) ?? 0,
    pending: () => runner.pending(),
    running: () => runner.running(),
    zones: (server) => status.counts(server),
    rrsetsRejected: (server) => core.engine.rejectedRrsets(server),
    up: (server) => status.snapshotTarget(server)?.reachable ?? true,
    writeConcurrency: (server) => core.pdnsWrites.get(server)?.state().concurrency ?? 1,
    writesInFlight: (server) => core.pdnsWrites.get(server)?.state().inFlight ?? 0,
  });

  const interpreter = createEventInterpreter({
    eventsPrefix: config.mqtt_events_prefix,
    compactPrefix: config.mqtt_topic_prefix,
    nameserverId: config.nb_ns_id,
    scopes: core.targets.map((t) => t.scope),
    maxPayloadBytes: config.mqtt_max_payload_bytes,
  });

  function onInterpretation(interpretation: Interpretation, receivedAt: number): void {
    if (interpretation.kind !== 'zones' && interpretation.kind !== 'full') return;
    // Who made the change in NetBox, carried to the audit records of the writes it causes.
    const origin: EventOrigin | undefined = interpretation.username !== undefined || interpretation.requestId !== undefined ? {
      ...(interpretation.username !== undefined ? { username: interpretation.username } : {}),
      ...(interpretation.requestId !== undefined ? { requestId: interpretation.requestId } : {}),
    } : undefined;
    if (interpretation.kind === 'zones') {
      for (const key of interpretation.zones) runner.enqueue(key.zone, 'event', receivedAt, key.removed === true, origin);
    } else {
      log.info(`full reconcile requested by a ${interpretation.model} ${interpretation.event} event: ${interpretation.reason}`);
      requestFullReconcile('event', origin);
    }
  }

  let broker: Awaited<ReturnType<typeof startEmbeddedBroker>> | null = null;
  let intake: ReturnType<typeof createMqttIntake> | null = null;
  const mqttEnabled = config.mqtt_enabled;

  /** Where POST /webhook puts accepted bodies: the broker, or straight into the queue without one. */
  const echo = createEchoFilter(clock);
  async function publish(topic: string, payload: Buffer): Promise<void> {
    try {
      if (broker || intake) echo.published(payload);
      if (broker) return await broker.publish(topic, payload, 1);
      if (intake) return await intake.publish(topic, payload);
    } catch (err) {
      // NetBox does not retry a failed webhook by default: rather than lose the change, apply it
      // here (other daemons sharing the broker catch up on their next reconcile).
      log.warn(`could not publish webhook to the broker (${errorMessage(err)}): applying it locally`, { topic });
    }
    const interpretation = interpreter.interpret(topic, payload);
    observers.interpretation(interpretation);
    onInterpretation(interpretation, clock.monotonic());
  }

  const replayGuard = createReplayGuard({ maxAgeMs: config.webhook_max_age * 1000, clock });

  const http = createHttpServer({
    host: config.http_host,
    port: config.http_port,
    logger: logger.child({ component: 'http' }),
    clock,
    maxBodyBytes: config.webhook_max_body_bytes,
    rateLimitPerMinute: config.http_rate_limit,
    webhookRateLimitPerMinute: config.webhook_rate_limit,
    webhookObserver: observers.webhook,
    ...(config.api_key ? { apiKey: config.api_key } : {}),
    apiKeyName: config.api_key_name,
    ...(config.status_token ? { statusToken: config.status_token } : {}),
    ...(config.http_tls_cert_file && config.http_tls_key_file ? { tls: { certFile: config.http_tls_cert_file, keyFile: config.http_tls_key_file } } : {}),
    handlers: {
      status: (zone) => (zone === undefined ? snapshot() : status.zoneStatus(zone)),
      metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metricsText() }),
      sync: async () => {
        requestFullReconcile('api');
        return { queued: true };
      },
      page: () => ({
        doc: snapshot(), audit: core.audit.recent(PAGE_AUDIT_ENTRIES), version: deps.build.version, approveEnabled: config.api_key !== undefined,
        refreshSeconds: config.status_page_refresh, now: new Date(clock.now()).toISOString(),
      }),
      approve: async (request, by) => {
        const problem = zoneNameProblem(request.zone)
          ?? (isPlanId(request.planId) ? null : 'plan_id is not a plan id (12 hex digits)')
          ?? (request.target === undefined || servers.includes(request.target) ? null : `target ${JSON.stringify(request.target)} is not configured`);
        if (problem !== null) return { status: 400, body: { error: 'bad_request', detail: problem } };
        if (stopping) return { status: 503, body: { error: 'stopping' } };
        const outcome = await core.engine.approve(toZoneName(request.zone), { planId: request.planId, by, via: 'http' },
          request.target === undefined ? undefined : [request.target]);
        return approvalAnswer(outcome);
      },
      webhook: (rawBody, headers, client) => handleWebhook({ rawBody, headers, client }, {
        ...(config.webhook_secret ? { secret: config.webhook_secret } : {}),
        ...(config.api_key ? { apiKey: config.api_key } : {}),
        validate: validateWebhookEnvelope,
        topicFor: (envelope) => webhookTopic(config.mqtt_events_prefix, envelope),
        publish,
        replayGuard,
        logger: logger.child({ component: 'webhook' }),
        observer: observers.webhook,
      }),
    },
  });

  const cron = new Cron(config.sync_crontab, { protect: true, paused: true, catch: (e) => log.error(`cron callback failed: ${errorMessage(e)}`) },
    async () => { await runFullReconcile('cron'); });
  // The quick reconcile: only zones whose listings moved; protect: never two of its own at once.
  const quickCron = config.quick_sync_crontab === 'off' ? null : new Cron(config.quick_sync_crontab, {
    protect: true, paused: true, catch: (e) => log.error(`quick reconcile callback failed: ${errorMessage(e)}`),
  }, async () => {
    if (stopping) return;
    await core.engine.quickReconcile('quick', config.quick_sync_skew * 1000);
  });

  function snapshot(): StatusDocument {
    const next = cron.nextRun();
    return status.snapshot({
      scheduler: {
        running: !stopping && cron.isRunning(), next_run: next ? next.toISOString() : null,
        next_quick_run: quickCron?.nextRun()?.toISOString() ?? null,
      },
      mqtt: intake ? intake.status() : { enabled: false },
      queue: { pending: runner.pending(), running: runner.running() },
      lock_contention_events: core.lockStats().contentionEvents,
      writes: Object.fromEntries([...core.pdnsWrites].map(([name, w]) => {
        const s = w.state();
        return [name, { backend: s.backend, concurrency: s.concurrency, source: s.source, inFlight: s.inFlight }];
      })),
      ...replicationStatus(),
      pending_approvals: pendingView(core.engine.pendingApprovals()),
    });
  }

  function replicationStatus(): { replication?: ReplicationStatus } {
    const catalogs = core.engine.catalogs();
    if (Object.keys(catalogs).length === 0 && secondaries === null) return {};
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      replication: {
        catalogs: Object.fromEntries(Object.entries(catalogs).map(([name, c]) => [name, { ...c, last_change: iso(c.last_change) }])),
        secondaries: secondaries?.status() ?? [],
      },
    };
  }

  // A failed full reconcile (NetBox or PowerDNS unreachable) is retried with a growing delay rather
  // than left until the next cron run, so a daemon started during an outage converges soon after it.
  let reconcileFailures = 0;
  let cancelRetry: (() => void) | null = null;
  const reconcileRetry = { baseDelayMs: config.reconcile_retry_delay * 1000, factor: 2, maxDelayMs: config.reconcile_retry_max_delay * 1000, jitter: false };

  async function runFullReconcile(trigger: Trigger, origin?: EventOrigin): Promise<FullReconcileResult | null> {
    if (stopping) return null;
    const result = await core.engine.fullReconcile(trigger, origin ? { origins: [origin] } : {});
    cancelRetry?.();
    cancelRetry = null;
    if (result.outcome !== 'failure') {
      reconcileFailures = 0;
    } else if (!stopping) {
      reconcileFailures += 1;
      const delayMs = backoffDelay(reconcileRetry, reconcileFailures);
      log.warn(`full reconcile failed (${reconcileFailures} in a row): retrying in ${delayMs / 1000}s`, { error: result.error });
      cancelRetry = clock.setTimer(() => {
        cancelRetry = null;
        requestFullReconcile('retry');
      }, delayMs);
    }
    return result;
  }

  function requestFullReconcile(trigger: Trigger, origin?: EventOrigin): void {
    void runFullReconcile(trigger, origin).catch((e: unknown) => log.error(`full reconcile failed: ${errorMessage(e)}`));
  }

  return {
    core,
    metrics,
    requestFullReconcile,
    reloadTls: () => http.reloadTls(),
    async start() {
      // HTTP first, so /health answers while the rest comes up; nothing here waits for upstreams.
      const address = await http.start();
      let brokerUrl: string | null = null;
      if (mqttEnabled) {
        if (config.mqtt_broker_url === 'embedded') {
          broker = await startEmbeddedBroker({
            host: config.embedded_broker_host,
            port: config.embedded_broker_port,
            logger: logger.child({ component: 'broker' }),
            daemonClientId: config.mqtt_client_id,
            // The configured MQTT account is the one the embedded broker accepts from everyone else.
            ...(config.mqtt_username && config.mqtt_password ? { account: { username: config.mqtt_username, password: config.mqtt_password } } : {}),
          });
          brokerUrl = broker.url;
        } else {
          brokerUrl = config.mqtt_broker_url;
        }
        intake = createMqttIntake({
          brokerUrl,
          clientId: config.mqtt_client_id,
          qos: config.mqtt_qos,
          keepaliveSeconds: config.mqtt_keepalive,
          reconnectDelayMs: config.mqtt_reconnect_delay * 1000,
          reconnectMaxDelayMs: config.mqtt_reconnect_max_delay * 1000,
          // Our own client proves itself to the embedded broker with its in-process token.
          ...(broker ? broker.daemonCredentials : {
            ...(config.mqtt_username ? { username: config.mqtt_username } : {}),
            ...(config.mqtt_password ? { password: config.mqtt_password } : {}),
          }),
          ...(config.mqtt_ca_file ? { caFile: config.mqtt_ca_file } : {}),
          ...(config.mqtt_cert_file ? { certFile: config.mqtt_cert_file } : {}),
          ...(config.mqtt_key_file ? { keyFile: config.mqtt_key_file } : {}),
          tlsVerify: config.mqtt_tls_verify,
          // aedes speaks MQTT 3.1.1 only: ask for it directly rather than fall back on every start.
          protocolVersion: broker ? 4 : config.mqtt_protocol_version,
          sessionExpirySeconds: config.mqtt_session_expiry,
          interpreter,
          // The intake counts rejected/ignored messages itself through `observer`.
          onMessage: (interpretation, info) => onInterpretation(interpretation, info.receivedAt),
          logger: logger.child({ component: 'mqtt' }),
          clock,
          observer: observers.mqtt,
          isEcho: (payload) => echo.isEcho(payload),
        });
        intake.start();
      }
      // Each server's backend decides its write concurrency; read now so the log and /status say it
      // at once (a write would wait for it anyway). It logs what it found.
      for (const writes of core.pdnsWrites.values()) void writes.detect();
      cron.resume();
      secondaries?.start();
      quickCron?.resume();
      if (config.sync_on_startup) {
        status.initialSyncStarted();
        void runFullReconcile('startup').then((result) => {
          if (result) status.initialSyncFinished(result.outcome === 'failure' ? result.error ?? 'failed' : undefined);
        });
      }
      log.info('netbox-pdns started', { http_port: address.port, broker: brokerUrl ? redactBrokerUrl(brokerUrl) : null, version: deps.build.version });
      return { httpPort: address.port, brokerUrl };
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info('stopping: intake and cron first, then running zone tasks');
      cron.stop();
      secondaries?.stop();
      quickCron?.stop();
      cancelRetry?.();
      await intake?.stop();
      const drained = await core.engine.drain(config.shutdown_timeout * 1000);
      if (!drained.completed) log.warn('shutdown deadline reached with zone tasks still running', { abandoned: drained.abandoned });
      await http.stop();
      await broker?.close();
      log.info('stopped');
    },
  };
}
