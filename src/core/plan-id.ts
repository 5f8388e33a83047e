/**
 * Stable plan ids, so an operator approves exactly the plan they looked at. The id is a hash of
 * everything the plan would write and of the state it was computed from: the target, the zone
 * action, the setting changes (with their old values), the rrsets created, the updates (before and
 * after), the deletes (as PowerDNS holds them) and the zone's rrset count. Anything that would make
 * the zone's writes differ (NetBox changed, PowerDNS changed by hand, another server) changes the id.
 * What is kept, and the words of a reason, do not: they write nothing. A signed zone's key, NSEC3
 * and CDS changes count (without their reasons, and an NSEC3 salt only by its size: it is drawn anew on
 * each run); the daemon's key records (timestamps) and what a rollover waits for do not.
 */
import { createHash } from 'node:crypto';
import { describeZonePlan } from './plan-text.js';
import type { ZonePlan } from './plan.js';
import type { SigningChange } from './dnssec/types.js';
import type { RRset } from './types.js';

/** Hex digits of the id: 12 (48 bits) is plenty to tell the plans of one zone apart, and short to type. */
const ID_CHARS = 12;

const rrset = (r: RRset): [string, string, number, string[]] => [r.name, r.type, r.ttl, r.records];

/** A signing change as it writes, stable across runs. */
function signingChange(c: SigningChange): unknown[] {
  switch (c.op) {
    case 'add-key': return [c.op, c.ref, c.role, c.algorithm, c.bits ?? null, c.active, c.published];
    case 'set-key': return [c.op, c.id, c.active, c.published];
    case 'delete-key': return [c.op, c.id, c.active];
    case 'nsec3param': {
      const [alg, flags, iterations, salt = '-'] = c.to.split(' ');
      return [c.op, c.from, c.to === '' ? '' : [alg, flags, iterations, salt === '-' ? 0 : salt.length / 2]];
    }
    case 'metadata': return [c.op, c.kind, c.from, c.to];
    case 'disable': return [c.op];
  }
}

/** The id of `plan` on the target named `target`. */
export function planId(plan: ZonePlan, target: string): string {
  const content = [
    1, target, plan.zone, plan.action, plan.existingCount,
    plan.settings.map((s) => [s.field, s.from, s.to]),
    plan.creates.map(rrset),
    plan.updates.map((u) => [rrset(u.before), rrset(u.after)]),
    plan.deletes.map(rrset),
    ...(plan.signing && plan.signing.changes.length > 0 ? [plan.signing.changes.map(signingChange)] : []),
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, ID_CHARS);
}

/** True for something that looks like a plan id (what `approve` and `POST /approve` accept). */
export function isPlanId(text: string): boolean {
  return new RegExp(`^[0-9a-f]{${ID_CHARS}}$`).test(text);
}

/**
 * What differs between the plan that was approved and the plan of now, one line each: `was:` lines
 * only the approved plan had, `now:` lines only the current one has (same notation as `plan`).
 */
export function describePlanChange(approved: ZonePlan, current: ZonePlan): string[] {
  const before = describeZonePlan(approved);
  const after = describeZonePlan(current);
  const lines = [
    ...(approved.action !== current.action ? [`was: zone action ${approved.action}`, `now: zone action ${current.action}`] : []),
    ...before.filter((l) => !after.includes(l)).map((l) => `was: ${l}`),
    ...after.filter((l) => !before.includes(l)).map((l) => `now: ${l}`),
  ];
  return lines.length > 0 ? lines : ['the PowerDNS state the plan was computed from changed (same writes, different rrset count)'];
}
