/**
 * MQTT event intake: one persistent session to the broker, every message interpreted and handed to
 * `onMessage` (which queues zone keys) *before* it is acknowledged. Overriding mqtt.js's
 * `handleMessage` gives exactly that: the QoS 1 PUBACK is sent only after it calls back, so a crash
 * between receipt and enqueue leaves the event with the broker (at-least-once into the queue).
 *
 * Design principle 5 applies here: nothing a broker or publisher sends may crash the daemon. Bad
 * messages are counted and logged once per reason and topic a minute; handler exceptions are caught
 * and the message is still acked (redelivering a message that throws would loop forever).
 */
import { connect, ErrorWithReasonCode, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { EventInterpreter, Interpretation } from './events/index.js';
import { buildClientOptions, redactBrokerUrl, V5_UNSUPPORTED_CODES, type MqttConnectionSettings } from './mqtt-options.js';
import { backoffDelay } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';

export { redactBrokerUrl } from './mqtt-options.js';

/** Hooks for metrics; every method must be cheap and must not throw (a throw is caught anyway). */
export interface MqttIntakeObserver {
  connected(up: boolean): void;
  reconnecting(): void;
  received(source: string): void;
  rejected(reason: string): void;
  ignored(reason: string): void;
}

export interface MqttMessageInfo {
  topic: string;
  /** `clock.monotonic()` at receipt, so queue latency can be measured from here. */
  receivedAt: number;
}

export interface MqttIntakeOptions extends MqttConnectionSettings {
  /** Cap of the doubling reconnect delay. */
  reconnectMaxDelayMs: number;
  interpreter: Pick<EventInterpreter, 'subscriptions' | 'interpret'>;
  /** Synchronous: queues the zone keys. The message is acked when it returns (or throws). */
  onMessage: (interpretation: Interpretation, info: MqttMessageInfo) => void;
  logger: Logger;
  clock: Clock;
  observer?: MqttIntakeObserver;
  /** True for a message that is our own webhook coming back from the broker: counted as a webhook. */
  isEcho?: (payload: Buffer) => boolean;
}

export interface MqttIntakeStatus {
  enabled: true;
  connected: boolean;
  /** Without user info. */
  broker_url: string;
  client_id: string;
  /** The topic filters we subscribe to (events prefix and compact prefix). */
  subscriptions: string[];
  qos: 0 | 1 | 2;
  /** Protocol actually in use: 4 after a fallback from a broker that refused MQTT 5. */
  protocol_version: 4 | 5;
  last_message_at: string | null;
  reconnects: number;
}

export interface MqttIntake {
  /** Connects in the background; never throws for broker trouble (it retries with backoff). */
  start(): void;
  /** Clean disconnect; a v5 session survives it for the session expiry interval. */
  stop(): Promise<void>;
  status(): MqttIntakeStatus;
  /** QoS 1 publish on our connection (POST /webhook republishing); rejects when not connected. */
  publish(topic: string, payload: Buffer | string): Promise<void>;
}

/** Identical rejection warnings (same reason and topic) are logged at most once per this window. */
const REJECT_LOG_WINDOW_MS = 60_000;
/** Bound on remembered (reason, topic) pairs, so a flood of distinct topics cannot grow memory. */
const REJECT_LOG_MAX_KEYS = 1_000;
/** Delay before retrying with MQTT 3.1.1 after a broker refused v5: no reason to wait. */
const FALLBACK_RETRY_MS = 10;

const noopObserver: MqttIntakeObserver = {
  connected: () => undefined, reconnecting: () => undefined, received: () => undefined,
  rejected: () => undefined, ignored: () => undefined,
};

export function createMqttIntake(opts: MqttIntakeOptions): MqttIntake {
  const { interpreter, onMessage, logger, clock } = opts;
  const observer = opts.observer ?? noopObserver;
  const brokerUrl = redactBrokerUrl(opts.brokerUrl);
  const baseDelay = Math.max(1, opts.reconnectDelayMs);
  // Doubling from the configured delay to its cap; mqtt.js waits `reconnectPeriod` before each attempt.
  const reconnectBackoff = { baseDelayMs: baseDelay, factor: 2, maxDelayMs: Math.max(baseDelay, opts.reconnectMaxDelayMs), jitter: false };
  let client: MqttClient | null = null;
  let connected = false;
  let stopping = false;
  let protocolVersion: 4 | 5 = opts.protocolVersion;
  let everConnected = false;
  /** True once a SUBACK arrived in this process: only then can a resumed session be trusted. */
  let subscribedHere = false;
  let reconnects = 0;
  /** Failed connection attempts since the last successful connect. */
  let failedAttempts = 0;
  let delay = baseDelay;
  let lastMessageAt: number | null = null;
  const rejectLog = new Map<string, { until: number; suppressed: number }>();

  function safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      logger.error(`MQTT observer ${what} failed: ${errorMessage(err)}`);
    }
  }

  /** Warn about a dropped message once per reason+topic per window; count what was held back. */
  function warnRejected(topic: string, reason: string, detail: string): void {
    const now = clock.monotonic();
    const key = `${reason}\u0000${topic}`;
    const seen = rejectLog.get(key);
    if (seen && now < seen.until) {
      seen.suppressed += 1;
      return;
    }
    if (rejectLog.size >= REJECT_LOG_MAX_KEYS) {
      for (const [k, v] of rejectLog) if (now >= v.until) rejectLog.delete(k);
      if (rejectLog.size >= REJECT_LOG_MAX_KEYS) rejectLog.clear();
    }
    const suppressed = seen?.suppressed ?? 0;
    rejectLog.set(key, { until: now + REJECT_LOG_WINDOW_MS, suppressed: 0 });
    logger.warn(`MQTT message dropped (${reason}): ${detail}`, {
      topic, reason, ...(suppressed > 0 ? { suppressed_since_last_warning: suppressed } : {}),
    });
  }

  function handle(packet: IPublishPacket): void {
    const receivedAt = clock.monotonic();
    lastMessageAt = clock.now();
    const topic = packet.topic;
    try {
      const interpretation = interpreter.interpret(topic, packet.payload);
      switch (interpretation.kind) {
        case 'rejected':
          safely('rejected', () => observer.rejected(interpretation.reason));
          warnRejected(topic, interpretation.reason, interpretation.detail);
          break;
        case 'ignored':
          safely('ignored', () => observer.ignored(interpretation.reason));
          logger.debug(`MQTT message ignored (${interpretation.reason}): ${interpretation.detail}`, { topic });
          break;
        default:
          safely('received', () => observer.received(opts.isEcho?.(packet.payload as Buffer) === true ? 'webhook' : interpretation.source));
          logger.debug(`MQTT ${interpretation.model} ${interpretation.event} event`, {
            topic, ...(interpretation.kind === 'zones' ? { zones: interpretation.zones.map((z) => z.zone) } : { full: interpretation.reason }),
          });
      }
      onMessage(interpretation, { topic, receivedAt });
    } catch (err) {
      safely('rejected', () => observer.rejected('internal'));
      warnRejected(topic, 'internal', `handler failed: ${errorMessage(err)}`);
    }
  }

  function subscribe(c: MqttClient): void {
    const filters = interpreter.subscriptions();
    c.subscribe(filters, { qos: opts.qos }, (err, granted) => {
      if (err) {
        logger.error(`MQTT subscribe failed: ${errorMessage(err)}; retrying on the next connect`, { topics: filters });
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128);
      if (refused.length > 0) {
        logger.error('MQTT broker refused subscriptions', { topics: refused.map((g) => g.topic) });
        return;
      }
      subscribedHere = true;
      logger.info('MQTT subscribed', { topics: filters, qos: opts.qos });
    });
  }

  function onConnect(c: MqttClient, connack: IConnackPacket): void {
    connected = true;
    everConnected = true;
    failedAttempts = 0;
    delay = baseDelay;
    c.options.reconnectPeriod = baseDelay;
    const sessionPresent = connack.sessionPresent;
    logger.info(`MQTT connected to ${brokerUrl}`, { client_id: opts.clientId, protocol_version: protocolVersion, session_present: sessionPresent });
    safely('connected', () => observer.connected(true));
    // A fresh session has no subscriptions. A resumed one has them only if we made them: on our first
    // connect the stored session may predate a change of topic prefixes, so subscribe once anyway.
    if (!sessionPresent || !subscribedHere) subscribe(c);
  }

  /** Decide, on a connection error, whether to retry with MQTT 3.1.1. */
  function maybeFallBack(c: MqttClient, err: Error): boolean {
    if (protocolVersion !== 5 || everConnected) return false;
    if (!(err instanceof ErrorWithReasonCode) || !V5_UNSUPPORTED_CODES.has(err.code)) return false;
    protocolVersion = 4;
    c.options.protocolVersion = 4;
    delete c.options.properties;
    c.options.reconnectPeriod = FALLBACK_RETRY_MS;
    logger.warn(`MQTT broker ${brokerUrl} refused MQTT 5 (${err.message}); falling back to MQTT 3.1.1, `
      + 'where the session lasts as long as the broker keeps persistent sessions');
    return true;
  }

  function onError(c: MqttClient, err: Error): void {
    if (stopping) return;
    if (maybeFallBack(c, err)) return;
    const retry = `retrying in ${(c.options.reconnectPeriod ?? delay) / 1000}s`;
    if (err instanceof ErrorWithReasonCode && /^Connection refused/.test(err.message)) {
      logger.error(`MQTT broker ${brokerUrl} refused the connection: ${err.message} (code ${err.code}); ${retry}`, { client_id: opts.clientId });
    } else {
      logger.warn(`MQTT connection to ${brokerUrl} failed: ${errorMessage(err)}; ${retry}`);
    }
  }

  function attach(c: MqttClient): void {
    c.handleMessage = (packet, callback) => {
      handle(packet);
      callback();
    };
    c.on('connect', (connack) => onConnect(c, connack));
    c.on('error', (err) => onError(c, err));
    c.on('reconnect', () => {
      reconnects += 1;
      safely('reconnecting', () => observer.reconnecting());
      logger.debug(`MQTT reconnecting to ${brokerUrl} (attempt ${reconnects})`);
      // Applies to the wait before the next attempt, should this one fail.
      failedAttempts += 1;
      delay = backoffDelay(reconnectBackoff, failedAttempts + 1);
      c.options.reconnectPeriod = delay;
    });
    c.on('close', () => {
      if (!connected) return;
      connected = false;
      safely('connected', () => observer.connected(false));
      if (!stopping) logger.warn(`MQTT connection to ${brokerUrl} lost; reconnecting`);
    });
    c.on('disconnect', (packet) => {
      logger.warn(`MQTT broker sent DISCONNECT (reason ${packet.reasonCode ?? 0})`);
    });
  }

  return {
    start() {
      if (client) return;
      stopping = false;
      client = connect(opts.brokerUrl, buildClientOptions({ ...opts, reconnectDelayMs: baseDelay }));
      attach(client);
    },

    async stop() {
      const c = client;
      if (!c) return;
      stopping = true;
      client = null;
      // Clean DISCONNECT when connected; force-close a pending attempt instead of waiting for it.
      const ended = c.endAsync(!c.connected);
      let cancel: () => void = () => undefined;
      const timedOut = new Promise<'timeout'>((resolve) => { cancel = clock.setTimer(() => resolve('timeout'), 5_000); });
      const outcome = await Promise.race([ended.then(() => 'ended' as const), timedOut]);
      cancel();
      if (outcome === 'timeout') {
        logger.warn('MQTT disconnect did not finish in 5 s; closing the socket');
        c.stream.destroy();
      }
      if (connected) {
        connected = false;
        safely('connected', () => observer.connected(false));
      }
      logger.info('MQTT intake stopped');
    },

    status() {
      return {
        enabled: true,
        connected,
        broker_url: brokerUrl,
        client_id: opts.clientId,
        subscriptions: interpreter.subscriptions(),
        qos: opts.qos,
        protocol_version: protocolVersion,
        last_message_at: lastMessageAt === null ? null : new Date(lastMessageAt).toISOString(),
        reconnects,
      };
    },

    async publish(topic, payload) {
      const c = client;
      if (!c || !connected) throw new Error(`MQTT broker ${brokerUrl} not connected`);
      await c.publishAsync(topic, payload, { qos: 1 });
    },
  };
}
