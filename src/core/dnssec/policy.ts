/**
 * A NetBox DNSSEC policy → the signing PowerDNS 4.7 can do for one zone, and what it cannot, in words
 * (mapping: replication-dnssec.md §3.4). Null timings take the plugin's own fallbacks.
 */
import { POLICY_ALGORITHMS, type DesiredSigning, type KeyRole, type SourceDnssecPolicy, type WantedKey } from './types.js';

/** RSA keys need a size; the plugin allows null. RFC 8624 era default. */
export const DEFAULT_RSA_BITS = 2048;
/** PowerDNS's default `max-nsec3-iterations`. */
export const MAX_NSEC3_ITERATIONS = 100;

const DIGESTS: Record<string, string> = { SHA256: '2', SHA384: '4' };

/** What PowerDNS does about signatures: fixed 3-week validity renewed weekly (not configurable per zone). */
const SIGNATURE_FIELDS = ['signatures_jitter', 'signatures_refresh', 'signatures_validity', 'signatures_validity_dnskey'] as const;

export function desiredSigning(policy: SourceDnssecPolicy, zone: { soaMinimum: number }): { desired: DesiredSigning | null; errors: string[] } {
  const errors: string[] = [];
  const unsupported: string[] = [];
  const keys: WantedKey[] = [];
  for (const t of policy.key_templates) {
    const role = t.type.toLowerCase() as KeyRole;
    if (!['csk', 'ksk', 'zsk'].includes(role)) {
      errors.push(`key template ${t.name}: unknown type ${t.type}`);
      continue;
    }
    const algorithm = t.algorithm.toUpperCase();
    if (!(POLICY_ALGORITHMS as readonly string[]).includes(algorithm)) {
      errors.push(`key template ${t.name}: algorithm ${t.algorithm} is not one PowerDNS signs with here`);
      continue;
    }
    const rsa = algorithm === 'RSASHA256';
    if (rsa && t.key_size === null) unsupported.push(`key template ${t.name} [${t.type}]: no key size, ${DEFAULT_RSA_BITS} bits used`);
    keys.push({ role, algorithm, ...(rsa ? { bits: t.key_size ?? DEFAULT_RSA_BITS } : {}), lifetime: t.lifetime && t.lifetime > 0 ? t.lifetime : null });
  }
  const roles = keys.map((k) => k.role).sort().join('+');
  if (!['csk', 'ksk+zsk'].includes(roles)) errors.push(`policy ${policy.name}: needs one CSK, or one KSK and one ZSK (has ${roles || 'no key templates'})`);
  if (roles === 'ksk+zsk' && keys[0]?.algorithm !== keys[1]?.algorithm) errors.push(`policy ${policy.name}: the KSK and ZSK must share an algorithm`);

  let nsec3: DesiredSigning['nsec3'] = null;
  if (policy.use_nsec3) {
    const iterations = policy.nsec3_iterations ?? 0;
    if (iterations > MAX_NSEC3_ITERATIONS) errors.push(`policy ${policy.name}: ${iterations} NSEC3 iterations, PowerDNS allows at most ${MAX_NSEC3_ITERATIONS}`);
    const saltBytes = policy.nsec3_salt_size ?? 0;
    if (saltBytes > 255) errors.push(`policy ${policy.name}: NSEC3 salt of ${saltBytes} bytes, at most 255`);
    nsec3 = { optOut: policy.nsec3_opt_out === true, iterations, saltBytes };
  }
  const cdsDigests: string[] = [];
  for (const d of policy.cds_digest_types) {
    const n = DIGESTS[d.toUpperCase()];
    if (n === undefined) unsupported.push(`CDS digest type ${d} not supported (SHA256, SHA384)`);
    else if (!cdsDigests.includes(n)) cdsDigests.push(n);
  }

  const dnskeyTtl = policy.dnskey_ttl ?? 3600;
  if (policy.dnskey_ttl !== null && policy.dnskey_ttl !== zone.soaMinimum) {
    unsupported.push(`dnskey_ttl ${policy.dnskey_ttl}: PowerDNS serves DNSKEY with the zone's SOA minimum (${zone.soaMinimum}); set the SOA minimum in NetBox to change it`);
  }
  for (const f of SIGNATURE_FIELDS) {
    if (policy[f] !== null) unsupported.push(`${f}: PowerDNS signs with a fixed 3-week validity renewed weekly`);
  }
  if (!policy.inline_signing) unsupported.push('inline_signing off: PowerDNS signs online (answers are signed as they are served)');
  if (policy.status !== 'active') unsupported.push(`status ${policy.status}: the plugin gives it no meaning; the zone is signed as the policy says`);
  if (policy.purge_keys !== null) unsupported.push('purge_keys: PowerDNS keeps no removed keys; a key is deleted when it leaves the DNSKEY set');

  if (errors.length > 0) return { desired: null, errors };
  return {
    desired: {
      policyId: policy.id,
      policyName: policy.name,
      keys,
      nsec3,
      cdsDigests,
      cdnskey: policy.create_cdnskey,
      dsDigests: cdsDigests.length > 0 ? cdsDigests : ['2'],
      timings: {
        // PowerDNS serves DNSKEY with the SOA minimum, so that is the TTL caches hold it for.
        dnskeyTtl: Math.max(zone.soaMinimum, policy.dnskey_ttl === null ? 0 : dnskeyTtl),
        publishSafety: policy.publish_safety ?? 3600,
        retireSafety: policy.retire_safety ?? 3600,
        maxZoneTtl: policy.max_zone_ttl ?? 86400,
        zonePropagationDelay: policy.zone_propagation_delay ?? 300,
        parentDsTtl: policy.parent_ds_ttl ?? 86400,
        parentPropagationDelay: policy.parent_propagation_delay ?? 3600,
      },
      unsupported,
    },
    errors,
  };
}
