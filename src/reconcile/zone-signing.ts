/**
 * The zone task's DNSSEC part: what a zone's NetBox policy means for its desired rrsets, and the signing
 * plan and DS report for one target (its keys and metadata read from PowerDNS, the parent's DS asked).
 */
import { dsReport, type ZoneDnssec } from '../core/dnssec/ds.js';
import { planSigning } from '../core/dnssec/plan.js';
import { desiredSigning } from '../core/dnssec/policy.js';
import type { DesiredSigning, SigningPlan, SourceDnssecPolicy } from '../core/dnssec/types.js';
import type { KeptRRset } from '../core/plan.js';
import type { DesiredZone, ZoneName } from '../core/types.js';
import type { PdnsApi, PdnsZone } from '../pdns/types.js';
import { randomSalt, readSigning, type SigningDeps } from './signing.js';

/** Types PowerDNS synthesises for a signed zone: NetBox's copies at the apex are not served beside them. */
const SIGNING_TYPES = new Set(['DNSKEY', 'CDS', 'CDNSKEY', 'NSEC3PARAM']);

export interface SigningView {
  /** The policy in PowerDNS's terms; null: unsigned. */
  signing: DesiredSigning | null;
  /** The policy cannot be carried out: signing is left as it is. */
  blocked: boolean;
  /** NetBox rrsets not sent because PowerDNS serves its own for a signed zone. */
  invalid: KeptRRset[];
  warnings: string[];
  /** Problems that leave the policy unapplied (each worth a warning line). */
  errors: string[];
}

/** Reads the policy for `desired` and takes the rrsets PowerDNS synthesises out of it (mutates `desired.rrsets`). */
export function signingView(desired: DesiredZone, policy: SourceDnssecPolicy | undefined): SigningView {
  if (!policy) return { signing: null, blocked: false, invalid: [], warnings: [], errors: [] };
  const { desired: signing, errors } = desiredSigning(policy, { soaMinimum: desired.soa.minimum });
  // PowerDNS serves its own DNSKEY/CDS/CDNSKEY/NSEC3PARAM for a signed zone (pitfall 20).
  const synthesised = desired.rrsets.filter((r) => r.name === desired.name && SIGNING_TYPES.has(r.type));
  desired.rrsets = desired.rrsets.filter((r) => !synthesised.includes(r));
  const invalid: KeptRRset[] = synthesised.map((r) => ({
    name: r.name, type: r.type, reason: 'invalid', detail: `${r.type} at the apex of a signed zone: PowerDNS serves its own from the zone's keys`, wanted: r,
  }));
  const warnings = [...errors.map((e) => `DNSSEC policy not applied, signing left as it is: ${e}`), ...(signing?.unsupported ?? []).map((u) => `DNSSEC: ${u}`)];
  return { signing, blocked: errors.length > 0, invalid, warnings, errors };
}

export interface TargetSigningInput {
  zone: ZoneName;
  pdns: PdnsApi;
  pdnsZone: PdnsZone | null;
  view: Pick<SigningView, 'signing' | 'blocked'>;
  deps?: SigningDeps;
  /** Epoch seconds. */
  now: number;
  approved: boolean;
}

/** The signing plan and DS report for one target, when the zone has a policy or its signing is ours; else undefined. */
export async function planTargetSigning(input: TargetSigningInput): Promise<{ plan: SigningPlan; report?: ZoneDnssec } | undefined> {
  const { view, pdnsZone } = input;
  if (view.blocked) return undefined;
  if (view.signing === null && pdnsZone?.dnssec !== true) return undefined;
  const actual = pdnsZone ? await readSigning(input.pdns, pdnsZone) : null;
  // Signed by hand, no policy: not ours to turn off.
  if (view.signing === null && actual?.records === null) return undefined;
  const parentDs = view.signing && pdnsZone && input.deps ? await input.deps.parentDs(input.zone) : null;
  const plan = planSigning({
    desired: view.signing, actual, now: input.now, parentDs, approved: input.approved, salt: input.deps?.salt ?? randomSalt,
  });
  if (view.signing === null || actual === null) return { plan };
  const report: ZoneDnssec = {
    policy: view.signing.policyName, ...dsReport(actual, view.signing.dsDigests, parentDs),
    waiting: plan.waiting, waiting_for_ds: plan.waitingForDs, unsupported: plan.unsupported,
  };
  return { plan, report };
}
