/**
 * DNSSEC between the zone task and PowerDNS: read a zone's signing state (keys, NSEC3, CDS metadata
 * and our key records) and carry out a checked signing plan, in its order, mapping the new keys'
 * planned refs to the ids PowerDNS gives them, then rectifying (keys added through the API leave the
 * zone's ordering and NSEC chain stale until then, pitfall 16).
 */
import { randomBytes } from 'node:crypto';
import { formatKeyRecords, parseKeyRecords, SIGNING_METADATA } from '../core/dnssec/records.js';
import type { ActualSigning, KeyRecord, SigningPlan } from '../core/dnssec/types.js';
import type { ZoneName } from '../core/types.js';
import type { PdnsApi, PdnsZone } from '../pdns/types.js';
import type { Logger } from '../util/log.js';

/** What the signing planner needs from outside: the parent's DS answer, and salt. */
export interface SigningDeps {
  /** DS rdata published for the zone (lower case), or null when it cannot be checked. */
  parentDs(zone: ZoneName): Promise<string[] | null>;
  /** Random bytes as hex, for NSEC3 salts. */
  salt?(bytes: number): string;
}

export const randomSalt = (bytes: number): string => randomBytes(bytes).toString('hex');

export async function readSigning(pdns: PdnsApi, zone: PdnsZone): Promise<ActualSigning> {
  const [keys, metadata] = await Promise.all([pdns.listCryptokeys(zone.name), pdns.getMetadata(zone.name)]);
  const meta = (kind: string): string[] | undefined => metadata.find((m) => m.kind.toUpperCase() === kind)?.metadata;
  const ours = meta(SIGNING_METADATA);
  return {
    dnssec: zone.dnssec === true,
    nsec3param: zone.nsec3param ?? '',
    keys: keys.map((k) => ({ id: k.id, flags: k.flags, algorithm: k.algorithm.toUpperCase(), bits: k.bits, active: k.active, published: k.published, dnskey: k.dnskey, ds: k.ds ?? [] })),
    cds: meta('PUBLISH-CDS')?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '') ?? [],
    cdnskey: meta('PUBLISH-CDNSKEY') ?? [],
    records: ours === undefined ? null : parseKeyRecords(ours),
  };
}

/** Applies `plan` in order. Throws on the first failure: what is done is in PowerDNS, the rest is planned again next run. */
export async function applySigning(pdns: PdnsApi, zone: ZoneName, plan: SigningPlan, log: Logger): Promise<void> {
  const ids = new Map<string, number>();
  for (const c of plan.changes) {
    switch (c.op) {
      case 'add-key': {
        const key = await pdns.createCryptokey(zone, { keytype: c.role, active: c.active, published: c.published, algorithm: c.algorithm, ...(c.bits ? { bits: c.bits } : {}) });
        ids.set(c.ref, key.id);
        // Written at once, so a run interrupted after this call still knows the key is ours.
        if (plan.records) await writeRecords(pdns, zone, plan, ids, true);
        log.info(`dnssec: added ${c.role.toUpperCase()} ${c.algorithm} key ${key.id}: ${c.why}`);
        break;
      }
      case 'set-key':
        await pdns.setCryptokey(zone, c.id, { active: c.active, published: c.published });
        log.info(`dnssec: key ${c.id} now ${c.active ? 'active' : 'inactive'} and ${c.published ? 'published' : 'unpublished'}: ${c.why}`);
        break;
      case 'delete-key':
        await pdns.deleteCryptokey(zone, c.id);
        log.warn(`dnssec: deleted key ${c.id}: ${c.why}`);
        break;
      case 'nsec3param':
        // nsec3narrow false: narrow zones refuse AXFR (pitfall 19); a PUT without it resets it anyway.
        await pdns.setSigning(zone, { nsec3param: c.to, nsec3narrow: false });
        break;
      case 'metadata':
        await pdns.setMetadata(zone, c.kind, c.to.length > 0 ? [c.to.join(',')] : []);
        break;
      case 'disable':
        await pdns.setSigning(zone, { dnssec: false });
        log.warn(`dnssec: signing turned off, every key deleted: ${c.why}`);
        break;
    }
  }
  await writeRecords(pdns, zone, plan, ids, false);
  if (plan.changes.some((c) => c.op !== 'metadata' && c.op !== 'disable')) await pdns.rectify(zone);
}

/** Our key records: the planned ones with refs resolved (unresolved new keys left out while partial). */
async function writeRecords(pdns: PdnsApi, zone: ZoneName, plan: SigningPlan, ids: ReadonlyMap<string, number>, partial: boolean): Promise<void> {
  if (plan.records === null) {
    await pdns.setMetadata(zone, SIGNING_METADATA, []);
    return;
  }
  if (!partial && !plan.recordsChanged && ids.size === 0) return;
  const records: KeyRecord[] = plan.records.flatMap((r) => {
    const id = typeof r.id === 'number' ? r.id : ids.get(r.id);
    return id === undefined ? [] : [{ ...r, id }];
  });
  // An empty list would delete the kind, and with it our claim on the zone's signing.
  await pdns.setMetadata(zone, SIGNING_METADATA, records.length > 0 ? formatKeyRecords(records) : ['none']);
}
