/**
 * The signing plan of one zone: the key, NSEC3 and CDS/CDNSKEY writes that make PowerDNS hold exactly
 * what the zone's DNSSEC policy asks for, and the next steps of each key's lifecycle (PowerDNS has none,
 * so the daemon runs RFC 7583's: ZSK pre-publication, KSK/CSK double signature waiting for the parent's
 * DS). Pure: time, the parent's DS answer and the salt source are inputs, so rollovers run in
 * fast-forward in tests and every step is in the plan before anything is written.
 */
import { keyRollover, type RolloverContext } from './rollover.js';
import type { ActualKey, ActualSigning, DesiredSigning, PlannedRecord, SigningChange, SigningPlan, WantedKey } from './types.js';

export interface SigningInput {
  desired: DesiredSigning | null;
  /** null: the zone is being created. */
  actual: ActualSigning | null;
  /** Epoch seconds. */
  now: number;
  /** DS rdata the parent publishes for the zone (`tag alg type hex`, lower case), or null when unknown. */
  parentDs: readonly string[] | null;
  /** The operator approved (sync --force): the parent's DS counts as published. */
  approved: boolean;
  /** Random salt of `bytes` bytes, hex. */
  salt: (bytes: number) => string;
}

const EMPTY: ActualSigning = { dnssec: false, nsec3param: '', keys: [], cds: [], cdnskey: [], records: null };

export function flagsOf(role: WantedKey['role']): number {
  return role === 'zsk' ? 256 : 257;
}

function matches(key: ActualKey, wanted: WantedKey): boolean {
  return key.flags === flagsOf(wanted.role) && key.algorithm.toUpperCase() === wanted.algorithm && (wanted.bits === undefined || key.bits === wanted.bits);
}

/** The NSEC3PARAM string PowerDNS stores, when `actual` already satisfies the wanted settings. */
function nsec3Satisfied(actual: string, wanted: NonNullable<DesiredSigning['nsec3']>): boolean {
  const [alg, flags, iterations, salt] = actual.trim().split(/\s+/);
  const saltBytes = salt === undefined || salt === '-' ? 0 : salt.length / 2;
  return alg === '1' && Number(flags) === (wanted.optOut ? 1 : 0) && Number(iterations) === wanted.iterations && saltBytes === wanted.saltBytes;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join(',') === [...b].sort().join(',');

export function planSigning(input: SigningInput): SigningPlan {
  const { desired, now } = input;
  const actual = input.actual ?? EMPTY;
  const changes: SigningChange[] = [];
  const unsafe: string[] = [];

  if (desired === null) {
    if (actual.records === null) return { policy: null, changes: [], records: null, recordsChanged: false, unsupported: [], waiting: [], waitingForDs: false, unsafe: null };
    changes.push({ op: 'disable', why: 'the zone has no DNSSEC policy in NetBox any more' });
    if (actual.cds.length > 0) changes.push({ op: 'metadata', kind: 'PUBLISH-CDS', from: actual.cds, to: [] });
    if (actual.cdnskey.length > 0) changes.push({ op: 'metadata', kind: 'PUBLISH-CDNSKEY', from: actual.cdnskey, to: [] });
    const active = actual.keys.filter((k) => k.active).length;
    return {
      policy: null, changes, records: null, recordsChanged: true, unsupported: [], waiting: [], waitingForDs: false,
      unsafe: `turning DNSSEC off deletes ${actual.keys.length} key(s) (${active} active) for good; while the parent still publishes a DS the zone is bogus to validating resolvers: remove the DS at the parent first, wait its TTL, then approve`,
    };
  }

  // Our records of keys PowerDNS still holds; a zone signed by hand has its matching keys adopted.
  const byId = new Map(actual.keys.map((k) => [k.id, k]));
  let records: PlannedRecord[] = (actual.records ?? []).filter((r) => byId.has(r.id)).map((r) => ({ ...r }));
  if (actual.records === null) {
    for (const wanted of desired.keys) {
      const key = actual.keys.find((k) => k.active && matches(k, wanted) && !records.some((r) => r.id === k.id));
      if (key) records.push({ id: key.id, role: wanted.role, state: 'active', created: now, since: now, dsSeen: 0 });
    }
  }
  // A CSK ⇄ KSK change of policy keeps the flags-257 key: only its role changes.
  const roles = new Set(desired.keys.map((k) => k.role));
  for (const r of records) {
    if (r.role === 'csk' && !roles.has('csk') && roles.has('ksk')) r.role = 'ksk';
    else if (r.role === 'ksk' && !roles.has('ksk') && roles.has('csk')) r.role = 'csk';
  }

  const keep = new Set<number | string>();
  const ctx: RolloverContext = { now, timings: desired.timings, parentDs: input.parentDs, approved: input.approved, dsDigests: desired.dsDigests };
  const waiting: string[] = [];
  let waitingForDs = false;
  let refs = 0;
  for (const wanted of desired.keys) {
    const own = records.filter((r) => r.role === wanted.role && typeof r.id === 'number' && matches(byId.get(r.id) as ActualKey, wanted));
    const step = keyRollover(wanted, own, byId, ctx, () => `new-${++refs}`);
    changes.push(...step.changes);
    waiting.push(...step.waiting);
    waitingForDs ||= step.waitingForDs === true;
    for (const r of step.records) keep.add(r.id);
    // Keys the lifecycle removes are handled: not deleted a second time below.
    for (const c of step.changes) if (c.op === 'delete-key') keep.add(c.id);
    records = [...records.filter((r) => !own.includes(r)), ...step.records];
  }

  // Everything else PowerDNS holds is not what the policy asks for.
  for (const key of actual.keys) {
    if (keep.has(key.id)) continue;
    const record = records.find((r) => r.id === key.id);
    const role = record?.role ?? (key.flags === 256 ? 'zsk' : 'ksk');
    const why = record ? `the policy no longer asks for this ${key.algorithm} ${role.toUpperCase()}` : `key ${key.id} (${key.algorithm}, flags ${key.flags}) is not one the policy asks for`;
    changes.push({ op: 'delete-key', id: key.id, role, active: key.active, why });
    if (key.active) unsafe.push(`deleting active key ${key.id} (${key.algorithm}, flags ${key.flags}): ${why}; signatures by it vanish at once`);
  }
  const deleted = new Set(changes.flatMap((c) => (c.op === 'delete-key' ? [c.id] : [])));
  records = records.filter((r) => keep.has(r.id) && !deleted.has(r.id as number));

  const nsec3 = desired.nsec3;
  if (nsec3 === null && actual.nsec3param !== '') changes.push({ op: 'nsec3param', from: actual.nsec3param, to: '' });
  if (nsec3 !== null && !nsec3Satisfied(actual.nsec3param, nsec3)) {
    const salt = nsec3.saltBytes > 0 ? input.salt(nsec3.saltBytes) : '-';
    changes.push({ op: 'nsec3param', from: actual.nsec3param, to: `1 ${nsec3.optOut ? 1 : 0} ${nsec3.iterations} ${salt}` });
  }
  if (!sameList(actual.cds, desired.cdsDigests)) changes.push({ op: 'metadata', kind: 'PUBLISH-CDS', from: actual.cds, to: desired.cdsDigests });
  const cdnskey = desired.cdnskey ? ['1'] : [];
  if (!sameList(actual.cdnskey, cdnskey)) changes.push({ op: 'metadata', kind: 'PUBLISH-CDNSKEY', from: actual.cdnskey, to: cdnskey });

  const sorted = records.sort((a, b) => String(a.id).localeCompare(String(b.id), 'en', { numeric: true }));
  const recordsChanged = actual.records === null || JSON.stringify(sorted) !== JSON.stringify(actual.records);
  return {
    policy: desired.policyName, changes: order(changes), records: sorted, recordsChanged, unsupported: desired.unsupported, waiting, waitingForDs,
    unsafe: unsafe.length > 0 ? unsafe.join('; ') : null,
  };
}

/** New keys first, activations before deactivations, deletions last: never a moment without a signing key. */
function order(changes: SigningChange[]): SigningChange[] {
  const rank = (c: SigningChange): number => {
    if (c.op === 'add-key') return 0;
    if (c.op === 'set-key') return c.active ? 1 : 2;
    if (c.op === 'delete-key') return 3;
    return 4;
  };
  return changes.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

/** True when the plan changes what PowerDNS serves (keys, NSEC3, CDS): the serial must move for secondaries. */
export function signingChangesZone(plan: SigningPlan | undefined): boolean {
  return plan !== undefined && plan.changes.length > 0;
}
