/**
 * Options for the two upstreams and for how we reconcile them: NetBox, PowerDNS, sync schedule,
 * safety rails and the call-level retry policy. Keys are the env names without `NETBOX_PDNS_`,
 * lower-cased; the upper-case ones in the docs are the original Python connector's names, kept so an
 * old env file works unchanged.
 */
import type { OptionSchema } from './option.js';

const HTTP_URL = { pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', 'x-allowed': 'must be an http:// or https:// URL' } as const;
const FILE = { type: 'string', minLength: 1 } as const;

export const UPSTREAM_OPTIONS = {
  // --- netbox ---
  nb_url: {
    type: 'string', ...HTTP_URL, 'x-group': 'netbox',
    description: 'URL of the NetBox instance running netbox-plugin-dns (without /api).',
  },
  nb_token: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'netbox',
    description: 'NetBox API token: a v1 token or a v2 `nbt_<key>.<secret>` token (read-only is enough).',
  },
  nb_ns_id: {
    type: 'integer', minimum: 1, 'x-group': 'netbox',
    description: 'ID of the NetBox DNS nameserver object this PowerDNS serves; only its zones are synced.',
  },
  nb_view_id: {
    type: 'integer', minimum: 1, 'x-group': 'netbox',
    description: 'Only sync zones of this NetBox DNS view (default: zones of every view).',
  },
  nb_auth_scheme: {
    type: 'string', enum: ['auto', 'token', 'bearer'], default: 'auto', 'x-group': 'netbox',
    description: 'Authorization scheme: `auto` sends `Bearer` for `nbt_` (v2) tokens and `Token` otherwise.',
  },
  nb_page_size: {
    type: 'integer', minimum: 1, maximum: 1000, default: 1000, 'x-group': 'netbox',
    description: 'Page size for NetBox list requests (NetBox caps it at MAX_PAGE_SIZE, 1000 by default).',
  },
  nb_timeout: {
    type: 'number', exclusiveMinimum: 0, default: 30, 'x-group': 'netbox',
    description: 'Timeout of one NetBox request, in seconds.',
  },
  nb_tls_verify: {
    type: 'boolean', default: true, 'x-group': 'netbox',
    description: 'Verify the NetBox TLS certificate.',
  },
  nb_ca_file: {
    ...FILE, 'x-group': 'netbox',
    description: 'PEM file of extra CA certificates for NetBox (private CA).',
  },

  // --- powerdns ---
  pdns_url: {
    type: 'string', ...HTTP_URL, 'x-group': 'powerdns',
    description: 'URL of the PowerDNS Authoritative API (webserver), with or without /api/v1 (required unless PDNS_TARGETS lists the servers).',
  },
  pdns_token: {
    type: 'string', minLength: 1, 'x-secret': true, 'x-group': 'powerdns',
    description: 'PowerDNS API key (sent as X-API-Key; required unless PDNS_TARGETS lists the servers).',
  },
  pdns_server_id: {
    type: 'string', pattern: '^[A-Za-z0-9._-]+$', default: 'localhost', 'x-group': 'powerdns',
    'x-allowed': 'must be a PowerDNS server id (letters, digits, ., _, -)',
    description: 'PowerDNS server id in API paths; `localhost` for a single server.',
  },
  pdns_timeout: {
    type: 'number', exclusiveMinimum: 0, default: 10, 'x-group': 'powerdns',
    description: 'Timeout of one PowerDNS request, in seconds.',
  },
  pdns_zone_kind: {
    type: 'string', enum: ['Native', 'Master', 'Primary'], default: 'Native', 'x-group': 'powerdns',
    description: 'Kind of the zones we create. Master/Primary send NOTIFY to secondaries. Default Native, or Master when a catalog zone is configured (catalog members must be Master).',
  },
  pdns_notify: {
    type: 'boolean', default: true, 'x-group': 'powerdns',
    description: 'Send NOTIFY after changing a zone whose kind is Master or Primary.',
  },
  pdns_max_body_bytes: {
    type: 'integer', minimum: 1000, maximum: 2000000, default: 1000000, 'x-group': 'powerdns',
    description: 'Largest PATCH body; bigger change sets are split (PowerDNS rejects bodies over 2 MB).',
  },
  pdns_tls_verify: {
    type: 'boolean', default: true, 'x-group': 'powerdns',
    description: 'Verify the PowerDNS API TLS certificate.',
  },
  pdns_ca_file: {
    ...FILE, 'x-group': 'powerdns',
    description: 'PEM file of extra CA certificates for the PowerDNS API.',
  },
  pdns_concurrent_writes: {
    type: 'string', pattern: '^(auto|[1-9]|[1-5][0-9]|6[0-4])$', default: 'auto', 'x-group': 'powerdns',
    'x-allowed': 'must be auto or an integer between 1 and 64',
    description: 'PATCH/PUT/DELETE requests in flight at once per PowerDNS server: `auto` reads the backend from its /config (`launch`): 1 on gsqlite3 (concurrent writes fail there) or anything unknown, 8 on gpgsql/gmysql; a number is used as it is (a warning when the backend is sqlite). Zone creates run up to 8 at once either way.',
  },
  pdns_targets: {
    type: 'string', minLength: 1, 'x-group': 'powerdns',
    'x-allowed': 'must be a JSON list of {name, url, server_id?, zone_kind?, notify?, nb_ns_id?, nb_view_id?, concurrent_writes?, catalog_zone?}',
    description: 'Several PowerDNS servers from one daemon (instead of PDNS_URL/PDNS_TOKEN): a JSON list of targets, each with a name (a label in metrics and /status), its URL and optionally its server id, zone kind, NOTIFY, write concurrency (`concurrent_writes`: auto or 1-64), NetBox nameserver/view filter and catalog zone (defaults: the single-server settings). Each key comes from `NETBOX_PDNS_PDNS_TOKEN_<NAME>` (or `_FILE`, or the credential `pdns_token_<name>`).',
  },

  // --- sync ---
  sync_crontab: {
    type: 'string', minLength: 1, default: '*/15 * * * *', 'x-group': 'sync',
    description: 'Cron schedule of the full (deep) reconcile, which reads every zone on both sides and repairs any drift (5 fields, or 6 with seconds first).',
  },
  quick_sync_crontab: {
    type: 'string', minLength: 1, default: '* * * * *', 'x-group': 'sync',
    description: 'Cron schedule of the quick reconcile, or `off`: it lists zones on both sides (and NetBox records changed since the last complete run) and reads and reconciles only the zones that moved, so changes that no event delivered are applied within a minute at the cost of three listings. It does not see edits made in PowerDNS behind our back: the full reconcile (`sync_crontab`) repairs those.',
  },
  quick_sync_skew: {
    type: 'integer', minimum: 0, maximum: 86400, default: 300, 'x-group': 'sync',
    description: 'Seconds the quick reconcile looks back beyond the start of the last complete run, for NetBox changes stamped by a clock behind ours or committed late.',
  },
  sync_on_startup: {
    type: 'boolean', default: true, 'x-group': 'sync',
    description: 'Run a full reconcile in the background at startup.',
  },
  dnssec_ds_resolver: {
    type: 'string', minLength: 1, 'x-group': 'sync',
    pattern: '^(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?$',
    'x-allowed': 'must be IPv4[:port] or [IPv6][:port]',
    description: 'DNS server asked for the DS records the parent publishes for each signed zone (a validating resolver, or the '
      + 'parent\'s authoritative server), e.g. `127.0.0.1:53`. A pending KSK/CSK rollover waits until it answers with the new DS. '
      + 'Unset: the parent is not asked, and such a rollover waits for `sync --zone Z --force`.',
  },
  reconcile_concurrency: {
    type: 'integer', minimum: 1, maximum: 32, default: 4, 'x-group': 'sync',
    description: 'Concurrent NetBox record requests during a full reconcile (PowerDNS work runs on the `workers`).',
  },

  // --- safety ---
  owner_id: {
    type: 'string', minLength: 1, default: 'netbox-pdns', 'x-group': 'safety',
    description: 'Marker written to the PowerDNS zone `account`; only zones carrying it are ever deleted.',
  },
  adopt_zones: {
    type: 'string', enum: ['safe', 'always', 'never'], default: 'safe', 'x-group': 'safety',
    'x-allowed': 'must be one of safe, always, never (true means safe, false means never)',
    description: 'Existing PowerDNS zones NetBox serves for us but without our marker: `safe` adopts them when that only adds rrsets (or sets the apex SOA/NS) and refuses otherwise until approved; `always` adopts and replaces their content; `never` leaves them alone.',
  },
  protected_rrsets: {
    type: 'string', minLength: 1, default: '_acme-challenge.*:TXT', 'x-group': 'safety',
    'x-allowed': 'must be comma-separated NAME-GLOB or NAME-GLOB:TYPE[+TYPE...] rules, or none',
    description: 'Rrsets written beside NetBox that are never deleted unless NetBox holds them (default: ACME DNS-01 challenges). `*` matches any characters; `none` protects nothing.',
  },
  record_ownership: {
    type: 'boolean', default: false, 'x-group': 'safety',
    description: 'Mark every rrset we write with a PowerDNS comment (account = owner_id) and never change or delete an rrset without it; unmarked ones are kept and reported.',
  },
  max_rrset_change_ratio: {
    type: 'number', minimum: 0, maximum: 1, default: 0.3, 'x-group': 'safety',
    description: 'Refuse a zone plan that deletes or changes more than this share of its rrsets.',
  },
  min_rrsets_for_threshold: {
    type: 'integer', minimum: 0, default: 10, 'x-group': 'safety',
    description: 'The change ratio is only enforced on zones with at least this many rrsets.',
  },
  max_zone_delete_ratio: {
    type: 'number', minimum: 0, maximum: 1, default: 0.1, 'x-group': 'safety',
    description: 'Refuse a full reconcile that would delete more than this share of our zones.',
  },
  dry_run: {
    type: 'boolean', default: false, 'x-group': 'safety',
    description: 'Plan and log changes but never write to PowerDNS.',
  },

  // --- retry ---
  retry_attempts: {
    type: 'integer', minimum: 1, maximum: 20, default: 3, 'x-group': 'retry',
    description: 'Attempts per upstream call (transient errors only: network, timeout, 429, 5xx).',
  },
  retry_base_delay: {
    type: 'number', exclusiveMinimum: 0, default: 1, 'x-group': 'retry',
    description: 'Delay before the first retry, in seconds.',
  },
  retry_factor: {
    type: 'number', minimum: 1, default: 2, 'x-group': 'retry',
    description: 'Multiplier of the delay after each retry.',
  },
  retry_max_delay: {
    type: 'number', exclusiveMinimum: 0, default: 60, 'x-group': 'retry',
    description: 'Upper bound of one retry delay, in seconds.',
  },
  retry_jitter: {
    type: 'boolean', default: true, 'x-group': 'retry',
    description: 'Randomise each delay (50-100 %) so instances do not retry in lockstep.',
  },
} as const satisfies Record<string, OptionSchema>;

/** Options without a default that must be set (PDNS_URL and PDNS_TOKEN too, unless PDNS_TARGETS is: semantics.ts). */
export const UPSTREAM_REQUIRED = ['nb_url', 'nb_token', 'nb_ns_id'] as const;
