/**
 * The diff: desired (NetBox) against actual (PowerDNS) → a plan of whole-rrset creates, updates and
 * deletes. Pure, deterministic and JSON-serialisable.
 *
 * The daemon owns the serial (zones are created with `soa_edit_api: ""`, powerdns-api.md §4, §8.8):
 * the apex SOA is compared without its serial; when anything else changes the SOA is rewritten with
 * NetBox's serial if it is newer than PowerDNS's, else PowerDNS's + 1, so the serial never goes back.
 */
import { compareRRsets, compareStrings, sameRecords } from './rrset.js';
import { nextSerial, serialGreater } from './serial.js';
import { soaSerial, withoutSerial, withSerial } from './soa.js';
import type { ActualZone, DesiredZone, RRset, RRsetDiff, RRsetUpdate } from './types.js';

/** Computes what must change in PowerDNS; `actual` null means the zone does not exist there yet. */
export function diffZone(desired: DesiredZone, actual: ActualZone | null): RRsetDiff {
  if (actual === null) {
    return { zone: desired.name, creates: desired.rrsets.map(copyRRset).sort(compareRRsets), updates: [], deletes: [], existingCount: 0 };
  }
  return withSoa(diffRRsets(desired, actual), actual.serial);
}

/** The rrset changes apart from the apex SOA, which is paired up for `withSoa` to decide on. */
export interface RRsetChanges extends RRsetDiff {
  soa: { want?: RRset; have?: RRset };
}

/**
 * Every rrset change but the apex SOA's. Both lists are sorted by compareRRsets (desired.ts,
 * actual.ts): one merge walk pairs them without building keyed maps, which matters for a full
 * reconcile over 100k rrsets.
 */
export function diffRRsets(desired: DesiredZone, actual: ActualZone): RRsetChanges {
  const zone = desired.name;
  const isApexSoa = (r: Pick<RRset, 'name' | 'type'>): boolean => r.type === 'SOA' && r.name === zone;
  const want = desired.rrsets;
  const have = actual.rrsets;
  const creates: RRset[] = [];
  const updates: RRsetUpdate[] = [];
  const deletes: RRset[] = [];
  const soa: RRsetChanges['soa'] = {};
  let existingCount = 0;
  let i = 0;
  let j = 0;
  while (i < want.length || j < have.length) {
    const w = want[i];
    const h = have[j];
    const order = w === undefined ? 1 : h === undefined ? -1 : compareRRsets(w, h);
    if (order < 0 && w) {
      if (isApexSoa(w)) soa.want = w;
      else creates.push(copyRRset(w));
      i++;
    } else if (order > 0 && h) {
      if (isApexSoa(h)) soa.have = h;
      else {
        deletes.push(copyRRset(h));
        existingCount++;
      }
      j++;
    } else if (w && h) {
      if (isApexSoa(w)) {
        soa.want = w;
        soa.have = h;
      } else {
        existingCount++;
        if (differs(w, h)) updates.push({ before: copyRRset(h), after: copyRRset(w) });
      }
      i++;
      j++;
    }
  }
  return { zone, creates, updates, deletes, existingCount, soa };
}

/**
 * Adds the apex SOA change the other changes call for (see the module comment) and returns the
 * final diff in its deterministic order. `zoneSerial` is PowerDNS's serial of the zone.
 */
export function withSoa(changes: RRsetChanges, zoneSerial: number, servedChange = false): RRsetDiff {
  const creates = [...changes.creates];
  const updates = [...changes.updates];
  // `servedChange`: something outside the rrsets (keys, NSEC3) changes what the zone serves.
  const otherChanges = servedChange || creates.length + updates.length + changes.deletes.length > 0;
  const soa = planSoa(changes.soa.want, changes.soa.have, otherChanges, zoneSerial);
  if (soa?.before) updates.push({ before: soa.before, after: soa.after });
  else if (soa) creates.push(soa.after);
  return {
    zone: changes.zone,
    creates: creates.sort(compareRRsets),
    updates: updates.sort((a, b) => compareRRsets(a.after, b.after)),
    deletes: [...changes.deletes].sort(compareRRsets),
    existingCount: changes.existingCount,
  };
}

/** True when the plan needs no write at all (every PATCH bumps or rewrites the serial). */
export function isEmptyPlan(plan: RRsetDiff): boolean {
  return plan.creates.length === 0 && plan.updates.length === 0 && plan.deletes.length === 0;
}

/** Counts of the plan's entries, the apex SOA included (a serial-only change counts as one update). */
export function planSummary(plan: RRsetDiff): { creates: number; updates: number; deletes: number } {
  return { creates: plan.creates.length, updates: plan.updates.length, deletes: plan.deletes.length };
}

function differs(want: RRset, have: RRset): boolean {
  return want.ttl !== have.ttl || have.hasDisabled === true || !sameRecords(want.records, have.records);
}

function copyRRset(r: RRset): RRset {
  const copy: RRset = { name: r.name, type: r.type, ttl: r.ttl, records: [...r.records] };
  if (r.hasDisabled === true) copy.hasDisabled = true;
  if (r.marked === true) copy.marked = true;
  return copy;
}

/** The apex SOA change, if any, following the serial rule in the module comment. */
function planSoa(want: RRset | undefined, have: RRset | undefined, otherChanges: boolean, zoneSerial: number): { before?: RRset; after: RRset } | null {
  if (want === undefined) return null;
  const wantContent = want.records[0] ?? '';
  const netboxSerial = soaSerial(wantContent) ?? 1;
  if (have === undefined) return { after: copyRRset(want) };
  const haveContent = have.records[0] ?? '';
  const pdnsSerial = soaSerial(haveContent) ?? zoneSerial;
  const soaDiffers =
    want.ttl !== have.ttl || have.hasDisabled === true || have.records.length !== 1 || withoutSerial(wantContent) !== withoutSerial(haveContent);
  let serial: number;
  if (otherChanges || soaDiffers) serial = serialGreater(netboxSerial, pdnsSerial) ? netboxSerial : nextSerial(pdnsSerial);
  else if (serialGreater(netboxSerial, pdnsSerial)) serial = netboxSerial;
  else return null;
  return { before: copyRRset(have), after: { name: want.name, type: 'SOA', ttl: want.ttl, records: [withSerial(wantContent, serial)] } };
}

/**
 * Human-readable plan lines for the CLI `plan` command and logs:
 * `+ www.example.com. 300 A 192.0.2.1`, `- old.example.com. 300 A 192.0.2.9`, `~ mail.example.com. MX 3600 → 300`,
 * `~ www.example.com. A - 192.0.2.1` / `~ www.example.com. A + 192.0.2.2` for changed records.
 * One line per deleted record, then per created record, then updates.
 */
export function describePlan(plan: RRsetDiff): string[] {
  const lines: string[] = [];
  for (const rrset of plan.deletes) {
    for (const record of rrset.records) lines.push(`- ${rrset.name} ${rrset.ttl} ${rrset.type} ${record}`);
  }
  for (const rrset of plan.creates) {
    for (const record of rrset.records) lines.push(`+ ${rrset.name} ${rrset.ttl} ${rrset.type} ${record}`);
  }
  for (const update of plan.updates) lines.push(...describeUpdate(update));
  return lines;
}

function describeUpdate({ before, after }: RRsetUpdate): string[] {
  const prefix = `~ ${after.name} ${after.type}`;
  const lines: string[] = [];
  if (before.ttl !== after.ttl) lines.push(`${prefix} ${before.ttl} → ${after.ttl}`);
  const old = new Set(before.records);
  const wanted = new Set(after.records);
  const removed = before.records.filter((r) => !wanted.has(r)).sort(compareStrings);
  const added = after.records.filter((r) => !old.has(r)).sort(compareStrings);
  for (const record of removed) lines.push(`${prefix} - ${record}`);
  for (const record of added) lines.push(`${prefix} + ${record}`);
  if (lines.length === 0 && before.hasDisabled === true) lines.push(`${prefix} re-enable disabled records`);
  return lines;
}
