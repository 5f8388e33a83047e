/**
 * One key role's lifecycle step (RFC 7583), from the daemon's records of its keys and the clock:
 * - first key: created active;
 * - ZSK, pre-publication: at `lifetime - Tpub` a successor is published inactive; after Tpub
 *   (DNSKEY TTL + publish safety + zone propagation) it signs and the old key stops signing but stays
 *   published; after max zone TTL + zone propagation + retire safety (old signatures left caches) it goes;
 * - KSK/CSK, double signature: at `lifetime - Tpub` a successor is published and active (both sign the
 *   DNSKEY set); after Tpub it waits until the parent publishes its DS (a DS query, or the operator's
 *   approval), then parent DS TTL + parent propagation; then the old key is withdrawn and later deleted.
 * PowerDNS's flags are repaired to what the state says, so a hand edit or an interrupted run converges.
 */
import type { ActualKey, KeyRecord, KeyState, PlannedRecord, SigningChange, SigningTimings, WantedKey } from './types.js';

export interface RolloverContext {
  now: number;
  timings: SigningTimings;
  parentDs: readonly string[] | null;
  approved: boolean;
  dsDigests: readonly string[];
}

export interface RolloverStep {
  changes: SigningChange[];
  records: PlannedRecord[];
  waiting: string[];
  /** A KSK/CSK rollover waits for the parent's DS of the new key (an operator's matter). */
  waitingForDs?: boolean;
}

/** PowerDNS flags each state means, per role. */
function flagsFor(role: KeyRecord['role'], state: KeyState): { active: boolean; published: boolean } {
  if (state === 'active') return { active: true, published: true };
  if (state === 'published') return { active: role !== 'zsk', published: true };
  return { active: false, published: role === 'zsk' };
}

const iso = (s: number): string => new Date(s * 1000).toISOString();

/** The DS rdata of a key in the digests the parent needs (lower case). */
export function keyDs(key: ActualKey, digests: readonly string[]): string[] {
  return key.ds.map((d) => d.toLowerCase()).filter((d) => digests.includes(d.split(/\s+/)[2] ?? ''));
}

export function keyRollover(
  wanted: WantedKey, own: PlannedRecord[], keys: ReadonlyMap<number, ActualKey>, ctx: RolloverContext, newRef: () => string,
): RolloverStep {
  const { now, timings: t } = ctx;
  const role = wanted.role;
  const label = role.toUpperCase();
  const changes: SigningChange[] = [];
  const waiting: string[] = [];
  const out: PlannedRecord[] = [];
  const tPub = t.dnskeyTtl + t.publishSafety + t.zonePropagationDelay;
  const tRetire = role === 'zsk' ? t.maxZoneTtl + t.zonePropagationDelay + t.retireSafety : t.dnskeyTtl + t.zonePropagationDelay + t.retireSafety;
  const set = (r: PlannedRecord, state: KeyState, why: string): void => {
    r.state = state;
    r.since = now;
    changes.push({ op: 'set-key', id: r.id as number, role, ...flagsFor(role, state), why });
  };

  for (const r of own.filter((x) => x.state === 'retired')) {
    if (now >= r.since + tRetire) changes.push({ op: 'delete-key', id: r.id as number, role, active: false, why: `retired ${label} removed (${tRetire} s after retirement)` });
    else out.push(r);
  }
  const active = own.filter((r) => r.state === 'active').sort((a, b) => a.created - b.created);
  const successors = own.filter((r) => r.state === 'published').sort((a, b) => a.created - b.created);
  // Repairs first: more than one of a state keeps the newest.
  while (active.length > 1) {
    const older = active.shift() as PlannedRecord;
    set(older, 'retired', `more than one active ${label}: the older retires`);
    out.push(older);
  }
  while (successors.length > 1) {
    const extra = successors.shift() as PlannedRecord;
    changes.push({ op: 'delete-key', id: extra.id as number, role, active: keys.get(extra.id as number)?.active ?? false, why: `a second ${label} successor: removed` });
  }
  let current = active[0];
  let successor = successors[0];
  if (current === undefined && successor !== undefined) {
    set(successor, 'active', `no active ${label}: the successor signs now`);
    current = successor;
    successor = undefined;
  }
  if (current === undefined) {
    const ref = newRef();
    changes.push({ op: 'add-key', ref, role, algorithm: wanted.algorithm, ...(wanted.bits ? { bits: wanted.bits } : {}), active: true, published: true, why: `the policy asks for a ${wanted.algorithm} ${label}` });
    out.push({ id: ref, role, state: 'active', created: now, since: now, dsSeen: 0 });
    return { changes, records: out, waiting };
  }
  out.push(current);
  if (successor) out.push(successor);
  // Flags PowerDNS holds that the state does not mean (hand edits, an interrupted run).
  for (const r of [current, ...(successor ? [successor] : [])]) {
    const key = keys.get(r.id as number);
    const want = flagsFor(role, r.state);
    if (key && (key.active !== want.active || key.published !== want.published)) {
      changes.push({ op: 'set-key', id: r.id as number, role, ...want, why: `PowerDNS flags repaired to the ${r.state} state` });
    }
  }

  if (successor === undefined) {
    if (wanted.lifetime !== null && now >= current.created + wanted.lifetime - tPub) {
      const ref = newRef();
      const flags = flagsFor(role, 'published');
      changes.push({ op: 'add-key', ref, role, algorithm: wanted.algorithm, ...(wanted.bits ? { bits: wanted.bits } : {}), ...flags, why: `${label} ${current.id} reaches its lifetime: successor pre-published` });
      out.push({ id: ref, role, state: 'published', created: now, since: now, dsSeen: 0 });
    }
    return { changes, records: out, waiting };
  }
  if (now < successor.since + tPub) {
    waiting.push(`new ${label} ${successor.id} is in the DNSKEY set; it takes over at ${iso(successor.since + tPub)}`);
    return { changes, records: out, waiting };
  }
  if (role === 'zsk') {
    set(successor, 'active', `new ZSK ${successor.id} propagated (${tPub} s): it signs now`);
    set(current, 'retired', `replaced by ZSK ${successor.id}: stops signing, stays published until its signatures expire from caches`);
    return { changes, records: out, waiting };
  }
  const key = typeof successor.id === 'number' ? keys.get(successor.id) : undefined;
  const needed = key ? keyDs(key, ctx.dsDigests) : [];
  if (successor.dsSeen === 0) {
    const published = ctx.parentDs !== null && needed.some((d) => ctx.parentDs?.includes(d));
    if (published || ctx.approved) successor.dsSeen = now;
    else {
      const why = ctx.parentDs === null ? 'the parent\'s DS could not be checked' : 'the parent does not publish it yet';
      waiting.push(`${label} rollover waits for the parent's DS of the new key (${needed[0] ?? '?'}): ${why}; approve with sync --zone --force once it is there`);
      return { changes, records: out, waiting, waitingForDs: true };
    }
  }
  const until = successor.dsSeen + t.parentDsTtl + t.parentPropagationDelay;
  if (now < until) {
    waiting.push(`the parent publishes the new ${label}'s DS; the old ${label} ${current.id} is withdrawn at ${iso(until)}`);
    return { changes, records: out, waiting };
  }
  set(successor, 'active', `the parent's DS for ${label} ${successor.id} propagated`);
  set(current, 'retired', `replaced by ${label} ${successor.id}: withdrawn from the DNSKEY set (remove its DS at the parent)`);
  return { changes, records: out, waiting };
}
