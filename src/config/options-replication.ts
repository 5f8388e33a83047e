/**
 * Options for replication to secondaries: the catalog zone (RFC 9432) the daemon produces, and the
 * transfer settings it keeps in step on every zone it owns (NOTIFY targets, transfer ACL, TSIG).
 * Behaviour of PowerDNS 4.7 behind each: shared/reference/replication-dnssec.md §1.
 */
import type { OptionSchema } from './option.js';

const ZONE = '^([A-Za-z0-9_]([A-Za-z0-9_-]{0,62})\\.)*[A-Za-z0-9_][A-Za-z0-9_-]{0,62}\\.?$';

export const REPLICATION_OPTIONS = {
  catalog_zone: {
    type: 'string', pattern: ZONE, 'x-group': 'replication',
    'x-allowed': 'must be a DNS zone name, e.g. catalog.invalid.',
    description: 'Catalog zone (RFC 9432) the daemon creates as a PowerDNS Producer and owns; every zone it creates or adopts becomes a member (kind Master, the default when this is set). Unset: no catalog. A target may override it with `catalog_zone` in PDNS_TARGETS ("" for none).',
  },
  also_notify: {
    type: 'string', 'x-group': 'replication',
    'x-allowed': 'must be a comma-separated list of IP or IP:port ([IPv6]:port)',
    description: 'NOTIFY targets (`IP[:port]`, comma-separated) written as ALSO-NOTIFY on every zone we own, the catalog included; empty: none (and any we wrote are removed).',
  },
  allow_axfr_from: {
    type: 'string', 'x-group': 'replication',
    'x-allowed': 'must be a comma-separated list of IP addresses or CIDR prefixes',
    description: 'Who may transfer our zones without TSIG (comma-separated IPs/CIDRs), written as ALLOW-AXFR-FROM on every zone we own; empty: none (PowerDNS `allow-axfr-ips` and TSIG still apply).',
  },
  tsig_key_name: {
    type: 'string', pattern: ZONE, 'x-group': 'replication',
    'x-allowed': 'must be a TSIG key name (a DNS name, e.g. xfr-key)',
    description: 'TSIG key that secondaries sign transfers with: kept in PowerDNS (TSIG-keys API) from `tsig_secret` and allowed on every zone we own (TSIG-ALLOW-AXFR).',
  },
  tsig_algorithm: {
    type: 'string', enum: ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'], default: 'hmac-sha256', 'x-group': 'replication',
    description: 'Algorithm of the TSIG key.',
  },
  tsig_secret: {
    type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', 'x-secret': true, 'x-group': 'replication',
    'x-allowed': 'must be base64 (e.g. `openssl rand -base64 32`)',
    description: 'The TSIG key material (base64), never logged.',
  },
  secondaries: {
    type: 'string', 'x-group': 'replication',
    'x-allowed': 'must be a comma-separated list of IP or IP:port ([IPv6]:port)',
    description: 'Secondaries whose SOA serial of each of our zones is checked over DNS (`IP[:port]`, comma-separated) for /status and the lag metric; default: the `also_notify` targets.',
  },
  secondary_check_interval: {
    type: 'number', minimum: 0, default: 30, 'x-group': 'replication',
    description: 'Seconds between SOA serial checks of the secondaries; 0 turns the checks off.',
  },
} as const satisfies Record<string, OptionSchema>;
