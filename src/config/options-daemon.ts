/**
 * Options for the daemon's own surfaces: HTTP endpoints, MQTT intake (external or embedded broker),
 * the work queue and logging. Upper-case names in the docs are the original connector's.
 */
import type { OptionSchema } from './option.js';

const TOPIC_PREFIX = {
  pattern: '^[^#+/]([^#+]*[^#+/])?$',
  'x-allowed': 'must be an MQTT topic prefix without wildcards (+, #) or a leading/trailing /',
} as const;
const FILE = { type: 'string', minLength: 1 } as const;

export const DAEMON_OPTIONS = {
  // --- http ---
  http_host: {
    type: 'string', minLength: 1, default: '0.0.0.0', 'x-group': 'http',
    description: 'Address the HTTP server (/health, /status, /metrics, /sync, /webhook) listens on.',
  },
  http_port: {
    type: 'integer', minimum: 0, maximum: 65535, default: 8000, 'x-group': 'http',
    description: 'HTTP port (0 picks a free port).',
  },
  http_tls_cert_file: {
    ...FILE, 'x-group': 'http',
    description: 'PEM certificate (chain) for HTTPS on the HTTP port (needs http_tls_key_file); re-read on SIGHUP. Unset: plain HTTP.',
  },
  http_tls_key_file: {
    ...FILE, 'x-group': 'http',
    description: 'PEM private key of http_tls_cert_file; re-read on SIGHUP.',
  },
  api_key: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'http',
    description: 'Key required by POST /sync (X-API-Key or Bearer); unset disables POST /sync.',
  },
  api_key_name: {
    type: 'string', minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$', default: 'api-key', 'x-group': 'http',
    'x-allowed': 'must be 1-64 letters, digits, ., _, @ or -',
    description: 'Name of the API key: approvals made with it (POST /approve, the status page) are logged and audited as approved by this name.',
  },
  status_page_refresh: {
    type: 'integer', minimum: 1, maximum: 3600, default: 10, 'x-group': 'http',
    description: 'Seconds between the status page\'s (GET /) own refreshes of its content.',
  },
  status_token: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'http',
    description: 'Bearer token GET /status and GET /metrics require when set (the API key works too); /health stays open. '
      + 'GET /status?zone= always needs this or the API key.',
  },
  webhook_secret: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'http',
    description: 'NetBox webhook secret: POST /webhook checks the X-Hook-Signature HMAC-SHA512.',
  },
  webhook_max_body_bytes: {
    type: 'integer', minimum: 1024, default: 1048576, 'x-group': 'http',
    description: 'Largest accepted POST /webhook body.',
  },
  webhook_max_age: {
    type: 'integer', minimum: 0, default: 900, 'x-group': 'http',
    description: 'Replay window of POST /webhook, in seconds: a body whose NetBox `timestamp` is older (or over 60 s ahead), '
      + 'or that repeats one accepted within the window, is refused and counted; 0 turns both checks off.',
  },
  http_rate_limit: {
    type: 'integer', minimum: 1, default: 60, 'x-group': 'http',
    description: 'Requests per minute per client address on POST /sync.',
  },
  webhook_rate_limit: {
    type: 'integer', minimum: 1, default: 6000, 'x-group': 'http',
    description: 'Requests per minute per client address on POST /webhook (NetBox sends one per changed object and does not retry a 429 by default).',
  },

  // --- mqtt ---
  mqtt_enabled: {
    type: 'boolean', default: true, 'x-group': 'mqtt',
    description: 'Subscribe to zone change events over MQTT.',
  },
  mqtt_broker_url: {
    type: 'string', pattern: '^(embedded$|[Mm][Qq][Tt][Tt][Ss]?://|[Ww][Ss][Ss]?://)', default: 'mqtt://localhost:1883',
    'x-allowed': 'must be an mqtt://, mqtts://, ws:// or wss:// URL, or "embedded"', 'x-group': 'mqtt',
    description: 'MQTT broker URL, or `embedded` to run a built-in broker (see embedded_broker_*).',
  },
  mqtt_client_id: {
    type: 'string', minLength: 1, default: 'netbox-pdns', 'x-group': 'mqtt',
    description: 'Fixed client id: with a persistent session the broker keeps events while we are down.',
  },
  mqtt_topic_prefix: {
    type: 'string', ...TOPIC_PREFIX, default: 'dns/zones', 'x-group': 'mqtt',
    description: 'Prefix of compact zone messages: `<prefix>/<zone>/<create|update|delete>`.',
  },
  mqtt_events_prefix: {
    type: 'string', ...TOPIC_PREFIX, default: 'netbox', 'x-group': 'mqtt',
    description: 'Prefix of NetBox webhook envelopes: `<prefix>/<app_label>/<model>/<event>`.',
  },
  mqtt_qos: {
    type: 'integer', enum: [0, 1, 2], default: 1, 'x-group': 'mqtt',
    description: 'Subscription QoS (1 or 2 so events survive a restart).',
  },
  mqtt_keepalive: {
    type: 'integer', minimum: 0, maximum: 65535, default: 60, 'x-group': 'mqtt',
    description: 'MQTT keepalive interval, in seconds.',
  },
  mqtt_reconnect_delay: {
    type: 'number', exclusiveMinimum: 0, default: 5, 'x-group': 'mqtt',
    description: 'First reconnect delay, in seconds; doubles up to mqtt_reconnect_max_delay.',
  },
  mqtt_reconnect_max_delay: {
    type: 'number', exclusiveMinimum: 0, default: 60, 'x-group': 'mqtt',
    description: 'Largest reconnect delay, in seconds.',
  },
  mqtt_username: {
    type: 'string', minLength: 1, 'x-group': 'mqtt',
    description: 'MQTT user name. With the embedded broker: the one account it accepts from other clients (with mqtt_password).',
  },
  mqtt_password: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'mqtt',
    description: 'MQTT password (needs mqtt_username). With the embedded broker, setting both makes every other client authenticate.',
  },
  mqtt_ca_file: {
    ...FILE, 'x-group': 'mqtt',
    description: 'PEM file of CA certificates for an mqtts:// or wss:// broker.',
  },
  mqtt_cert_file: {
    ...FILE, 'x-group': 'mqtt',
    description: 'PEM client certificate for mutual TLS (needs mqtt_key_file).',
  },
  mqtt_key_file: {
    ...FILE, 'x-group': 'mqtt',
    description: 'PEM private key of the client certificate.',
  },
  mqtt_tls_verify: {
    type: 'boolean', default: true, 'x-group': 'mqtt',
    description: 'Verify the broker TLS certificate.',
  },
  mqtt_protocol_version: {
    type: 'integer', enum: [4, 5], default: 5, 'x-group': 'mqtt',
    description: 'MQTT protocol: 4 (3.1.1) or 5.',
  },
  mqtt_session_expiry: {
    type: 'integer', minimum: 0, maximum: 4294967295, default: 86400, 'x-group': 'mqtt',
    description: 'MQTT 5 session expiry, in seconds: how long the broker keeps our session and events.',
  },
  mqtt_max_payload_bytes: {
    type: 'integer', minimum: 1024, default: 1048576, 'x-group': 'mqtt',
    description: 'Messages larger than this are dropped unparsed.',
  },
  embedded_broker_host: {
    type: 'string', minLength: 1, default: '127.0.0.1', 'x-group': 'mqtt',
    description: 'Address the embedded broker listens on (when MQTT_BROKER_URL is `embedded`).',
  },
  embedded_broker_port: {
    type: 'integer', minimum: 0, maximum: 65535, default: 1883, 'x-group': 'mqtt',
    description: 'Port of the embedded broker.',
  },

  // --- queue ---
  workers: {
    type: 'integer', minimum: 1, maximum: 64, default: 4, 'x-group': 'queue',
    description: 'Zones reconciled in parallel.',
  },
  lock_warn_seconds: {
    type: 'number', exclusiveMinimum: 0, default: 1, 'x-group': 'queue',
    description: 'Log a warning when waiting this long for a zone lock.',
  },
  lock_timeout_seconds: {
    type: 'number', exclusiveMinimum: 0, default: 30, 'x-group': 'queue',
    description: 'Give up (error, task fails) after waiting this long for a zone lock.',
  },
  requeue_base_delay: {
    type: 'number', exclusiveMinimum: 0, default: 5, 'x-group': 'queue',
    description: 'First delay before a zone that failed transiently is retried, in seconds.',
  },
  requeue_max_delay: {
    type: 'number', exclusiveMinimum: 0, default: 300, 'x-group': 'queue',
    description: 'Largest per-zone requeue delay, in seconds.',
  },
  reconcile_retry_delay: {
    type: 'number', exclusiveMinimum: 0, default: 30, 'x-group': 'queue',
    description: 'First delay before a failed full reconcile is run again (doubling up to reconcile_retry_max_delay), in seconds.',
  },
  reconcile_retry_max_delay: {
    type: 'number', exclusiveMinimum: 0, default: 600, 'x-group': 'queue',
    description: 'Largest delay between retries of a failed full reconcile, in seconds.',
  },
  heap_growth_percent: {
    type: 'integer', minimum: 0, maximum: 300, default: 50, 'x-group': 'queue',
    description: 'How far the JavaScript heap may grow above what is live before a full garbage collection, in percent (0: V8 decides, which lets it reach about 4×). 50 keeps peak memory of a full reconcile about 40 % lower for a few percent more of its time.',
  },
  shutdown_timeout: {
    type: 'number', exclusiveMinimum: 0, default: 20, 'x-group': 'queue',
    description: 'Seconds to let running zone tasks finish on shutdown (keep below TimeoutStopSec).',
  },
  initial_sync_warning_seconds: {
    type: 'number', exclusiveMinimum: 0, default: 300, 'x-group': 'queue',
    description: 'Health turns `Warning` when the initial full reconcile has not finished after this.',
  },

  // --- audit ---
  audit_file: {
    ...FILE, 'x-group': 'logging',
    description: 'JSON-lines audit file: one line per rrset written to PowerDNS (before → after, trigger, NetBox user and request); '
      + 'unset: the audit lines go to the log only. Read by `netbox-pdns history`.',
  },
  audit_file_max_bytes: {
    type: 'integer', minimum: 4096, default: 10485760, 'x-group': 'logging',
    description: 'Size at which the audit file is rotated (renamed to FILE.1, FILE.1 to FILE.2, …).',
  },
  audit_file_keep: {
    type: 'integer', minimum: 1, maximum: 100, default: 5, 'x-group': 'logging',
    description: 'Rotated audit files kept (FILE.1 … FILE.N); older ones are deleted.',
  },

  // --- logging ---
  log_level: {
    type: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info', 'x-group': 'logging',
    'x-allowed': 'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL',
    description: 'Log level: DEBUG, INFO, WARNING, ERROR, CRITICAL (any case; CRITICAL logs as error).',
  },
  log_format: {
    type: 'string', enum: ['auto', 'json', 'pretty', 'journald'], default: 'auto', 'x-group': 'logging',
    description: 'Log line format; `auto` picks pretty on a terminal and JSON otherwise.',
  },
} as const satisfies Record<string, OptionSchema>;
