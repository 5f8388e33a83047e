/**
 * Carries out a checked plan on one target, and only the plan: zone create, setting changes, rrset
 * changes, zone delete, then NOTIFY. Data PowerDNS refuses never loses the rest: a 422 on a create
 * falls back to creating the zone with its SOA and NS, and a 422 on a PATCH is isolated by splitting
 * the change list (by owner name, so a DELETE and the REPLACE it makes room for stay together) until
 * the refused rrset stands alone; everything else is applied and each refusal is reported with
 * PowerDNS's own message. A 422 means nothing of that request was applied (a PATCH is atomic), and
 * REPLACE/DELETE are idempotent, so re-sending parts is safe.
 */
import { canonicalKind, type SettingChange, type ZonePlan } from '../core/plan.js';
import { listOf } from '../core/transfer.js';
import { compareRRsets } from '../core/rrset.js';
import { buildZoneCreate, ownershipComment, planToChanges } from '../pdns/patch.js';
import type { PdnsApi, PdnsComment, PdnsRRsetChange, PdnsZoneCreate, PdnsZoneFields } from '../pdns/types.js';
import { UpstreamError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { applySigning } from './signing.js';
import type { RejectedRRset, Target } from './types.js';

export interface ApplyOutcome {
  /** 'exists': the zone appeared in PowerDNS between our read and our create (409); nothing was written. */
  status: 'applied' | 'exists';
  rejected: RejectedRRset[];
}

const NOTIFY_KINDS = new Set(['Master']);

/** A 422: PowerDNS refused the data of this request and applied none of it. */
function isDataRefusal(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && err.details.status === 422;
}

function refusalOf(err: UpstreamError): string {
  return err.details.body ?? errorMessage(err);
}

/** Groups the ordered changes by owner name, keeping order; the apex SOA REPLACE stays last, alone. */
function groupByName(changes: PdnsRRsetChange[], zone: string): PdnsRRsetChange[][] {
  const groups = new Map<string, PdnsRRsetChange[]>();
  const soa: PdnsRRsetChange[] = [];
  for (const change of changes) {
    if (change.type === 'SOA' && change.name === zone) {
      soa.push(change);
      continue;
    }
    const group = groups.get(change.name) ?? [];
    group.push(change);
    groups.set(change.name, group);
  }
  // Within a name, DELETEs keep their place before REPLACEs (planToChanges put them first).
  return [...[...groups.values()].map((g) => [...g].sort((a, b) => (a.changetype === b.changetype ? 0 : a.changetype === 'DELETE' ? -1 : 1))), ...(soa.length > 0 ? [soa] : [])];
}

/** PATCHes `changes`, isolating whatever PowerDNS refuses; returns the refused changes with PowerDNS's message. */
export async function patchIsolating(pdns: PdnsApi, zone: string, changes: PdnsRRsetChange[]): Promise<RejectedRRset[]> {
  const rejected: RejectedRRset[] = [];
  const run = async (groups: PdnsRRsetChange[][]): Promise<void> => {
    if (groups.length === 0) return;
    try {
      await pdns.patchRRsets(zone, groups.flat());
      return;
    } catch (err) {
      if (!isDataRefusal(err)) throw err;
      if (groups.length > 1) {
        const half = Math.ceil(groups.length / 2);
        await run(groups.slice(0, half));
        await run(groups.slice(half));
        return;
      }
      const [only = []] = groups;
      if (only.length === 1) {
        const change = only[0] as PdnsRRsetChange;
        rejected.push({ name: change.name, type: change.type, error: refusalOf(err) });
        return;
      }
      // One name, several changes (e.g. DELETE A + REPLACE CNAME): each on its own, in order.
      for (const change of only) await run([[change]]);
    }
  };
  await run(groupByName(changes, zone));
  return rejected;
}

export interface ApplyContext {
  target: Target;
  log: Logger;
}

/** Applies `plan` (already checked) to the target. Throws on transient and auth failures. */
export async function applyPlan(plan: ZonePlan, ctx: ApplyContext): Promise<ApplyOutcome> {
  const { target, log } = ctx;
  const { pdns, policy } = target;
  const zone = plan.zone;
  const marker: PdnsComment | undefined = policy.recordOwnership ? ownershipComment(policy.ownerId) : undefined;
  const kind = canonicalKind(policy.zoneKind);

  switch (plan.action) {
    case 'skip':
      return { status: 'applied', rejected: [] };
    case 'delete':
      await pdns.deleteZone(zone);
      return { status: 'applied', rejected: [] };
    case 'create': {
      const fields = zoneFields(plan, ['catalog', 'tsig_allow_axfr']);
      const outcome = await createZone(pdns, plan, { kind, account: policy.ownerId, ...(marker ? { marker } : {}), fields }, log);
      if (outcome.status !== 'applied') return outcome;
      await writeMetadata(pdns, plan);
      if (plan.signing) await applySigning(pdns, zone, plan.signing, log);
      await notify(target, zone, kind, log);
      return outcome;
    }
    case 'adopt':
    case 'update': {
      // soa_edit_api and kind before the rrsets (the serial we write must be kept as written);
      // the account marker last, so an interrupted adoption is planned as an adoption again.
      // Kind before catalog in one PUT: PowerDNS lists only Master zones as members.
      const before = zoneFields(plan, ['soa_edit_api', 'kind', 'catalog', 'tsig_allow_axfr']);
      if (Object.keys(before).length > 0) await pdns.updateZone(zone, before);
      // Keys before the rrsets: the PATCH carrying the serial bump then rectifies the signed zone.
      if (plan.signing) await applySigning(pdns, zone, plan.signing, log);
      const changes = planToChanges(plan, marker);
      const rejected = changes.length > 0 ? await patchIsolating(pdns, zone, changes) : [];
      await writeMetadata(pdns, plan);
      const after = zoneFields(plan, ['account']);
      if (Object.keys(after).length > 0) await pdns.updateZone(zone, after);
      if (changes.length > rejected.length) await notify(target, zone, kind, log);
      return { status: 'applied', rejected };
    }
  }
}

/** The plan's setting changes that are `PUT /zones/{id}` fields, in PowerDNS's field names. */
export function zoneFields(plan: ZonePlan, fields: ReadonlyArray<SettingChange['field']>): PdnsZoneFields {
  const out: PdnsZoneFields = {};
  for (const c of plan.settings) {
    if (!fields.includes(c.field)) continue;
    if (c.field === 'tsig_allow_axfr') out.master_tsig_key_ids = listOf(c.to);
    else if (c.field === 'account' || c.field === 'soa_edit_api' || c.field === 'kind' || c.field === 'catalog') out[c.field] = c.to;
  }
  return out;
}

const METADATA_KINDS: Partial<Record<SettingChange['field'], string>> = { also_notify: 'ALSO-NOTIFY', allow_axfr_from: 'ALLOW-AXFR-FROM' };

/** The plan's transfer metadata changes (ALSO-NOTIFY, ALLOW-AXFR-FROM); an empty list removes the kind. */
export async function writeMetadata(pdns: PdnsApi, plan: ZonePlan): Promise<void> {
  for (const c of plan.settings) {
    const kind = METADATA_KINDS[c.field];
    if (kind !== undefined) await pdns.setMetadata(plan.zone, kind, listOf(c.to));
  }
}

/** The `POST /zones` body of a catalog plan: kind Producer, EPOCH serials, its SOA and NS. */
export function buildCatalogCreate(plan: ZonePlan, account: string): PdnsZoneCreate {
  return { ...buildZoneCreate({ name: plan.zone, rrsets: plan.creates }, { kind: 'Producer', account }), soa_edit_api: 'EPOCH' };
}

async function createZone(
  pdns: PdnsApi, plan: ZonePlan, opts: { kind: string; account: string; marker?: PdnsComment; fields: PdnsZoneFields }, log: Logger,
): Promise<ApplyOutcome> {
  const zone = plan.zone;
  const spec = { ...buildZoneCreate({ name: zone, rrsets: plan.creates }, opts), ...opts.fields };
  try {
    return { status: (await pdns.createZone(spec)) === 'exists' ? 'exists' : 'applied', rejected: [] };
  } catch (err) {
    if (!isDataRefusal(err)) throw err;
    log.warn(`PowerDNS refused the zone as a whole (${refusalOf(err)}): creating it with its SOA and NS, then the rest rrset by rrset`);
  }
  // The apex SOA and NS are the zone: if PowerDNS refuses them, the create fails as a whole.
  const isCore = (c: PdnsRRsetChange): boolean => c.name === zone && (c.type === 'SOA' || c.type === 'NS');
  if ((await pdns.getZone(zone)) === null) {
    const created = await pdns.createZone({ ...spec, rrsets: spec.rrsets.filter(isCore) });
    if (created === 'exists') return { status: 'exists', rejected: [] };
  }
  const rest = spec.rrsets.filter((c) => !isCore(c)).sort(compareRRsets);
  return { status: 'applied', rejected: await patchIsolating(pdns, zone, rest) };
}

async function notify(target: Target, zone: string, kind: string, log: Logger): Promise<void> {
  if (!target.notify || !NOTIFY_KINDS.has(kind)) return;
  try {
    await target.pdns.notify(zone);
  } catch (err) {
    // The change is applied; secondaries still catch up on their SOA refresh.
    log.warn(`NOTIFY failed: ${errorMessage(err)}`);
  }
}
