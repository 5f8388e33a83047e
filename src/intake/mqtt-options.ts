/**
 * Turns the daemon's MQTT settings into mqtt.js client options. Kept apart from the intake so the
 * session rules (persistent session, v5 session expiry, TLS from files) are in one small place.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

export interface MqttConnectionSettings {
  /** mqtt://, mqtts://, ws:// or wss:// URL. May carry user info; it is never logged. */
  brokerUrl: string;
  /** Fixed, so the broker can keep our session (and the events in it) while we are down. */
  clientId: string;
  qos: 0 | 1 | 2;
  keepaliveSeconds: number;
  /** First reconnect delay; the intake doubles it per failed attempt. */
  reconnectDelayMs: number;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  tlsVerify: boolean;
  protocolVersion: 4 | 5;
  /** MQTT 5 only: how long the broker keeps the session after we disconnect. */
  sessionExpirySeconds: number;
}

/** The broker URL without user info, for logs and /status. */
export function redactBrokerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL we can parse: cut anything that looks like user info rather than risk a leak.
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function isTlsUrl(url: string): boolean {
  return /^(mqtts|wss):/i.test(url);
}

/**
 * mqtt.js options for our session. `clean: false` + fixed client id + (v5) a session expiry make the
 * broker queue QoS 1 events while we are away; `resubscribe: false` because the intake decides
 * itself when to subscribe (it checks `sessionPresent`); `reconnectOnConnackError` so a refused
 * CONNACK (bad credentials, broker not ready) keeps retrying instead of silently giving up.
 * TLS material is read here, once, so a missing file fails at start and not on every reconnect.
 */
export function buildClientOptions(s: MqttConnectionSettings): IClientOptions {
  const options: IClientOptions = {
    clientId: s.clientId,
    clean: false,
    protocolVersion: s.protocolVersion,
    keepalive: s.keepaliveSeconds,
    reconnectPeriod: s.reconnectDelayMs,
    reconnectOnConnackError: true,
    resubscribe: false,
    queueQoSZero: false,
    connectTimeout: 30_000,
    // mqtt-packet otherwise preallocates a Buffer for every 16-bit number (65,536 of them, ~6 MB of
    // heap) to save an allocation per packet id; at our message rates the allocation is nothing.
    // The setting is mqtt-packet's, so it also holds for the embedded broker (same module).
    writeCache: false,
  };
  if (s.protocolVersion === 5) options.properties = { sessionExpiryInterval: s.sessionExpirySeconds };
  if (s.username !== undefined) options.username = s.username;
  if (s.password !== undefined) options.password = s.password;
  if (isTlsUrl(s.brokerUrl)) {
    options.rejectUnauthorized = s.tlsVerify;
    if (s.caFile !== undefined) options.ca = readFileSync(s.caFile);
    if (s.certFile !== undefined) options.cert = readFileSync(s.certFile);
    if (s.keyFile !== undefined) options.key = readFileSync(s.keyFile);
  }
  return options;
}

/**
 * CONNACK codes meaning "this broker does not speak MQTT 5": 1 is the 3.1.1 "unacceptable protocol
 * version" a v3-only broker answers with (read as a v5 reason code), 132 the v5 "unsupported protocol
 * version", 130 a v5 "protocol error".
 */
export const V5_UNSUPPORTED_CODES: ReadonlySet<number> = new Set([1, 130, 132]);
