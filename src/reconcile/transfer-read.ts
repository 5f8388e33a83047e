/**
 * Reads what PowerDNS holds of a zone's catalog membership and transfer settings, in the planner's
 * terms. The metadata costs one more GET per zone, so it is read only while a transfer policy is
 * configured.
 */
import type { ActualZone } from '../core/types.js';
import { actualFromPdns } from '../pdns/actual.js';
import type { PdnsApi, PdnsZone } from '../pdns/types.js';
import type { Target } from './types.js';

/** The zone as the planner sees it, with its membership and (when configured) transfer settings. */
export async function readActual(target: Target, zone: PdnsZone | null): Promise<ActualZone | null> {
  if (zone === null) return null;
  const actual = actualFromPdns(zone, target.policy.ownerId);
  if (target.policy.transfer === undefined) return actual;
  return { ...actual, transfer: await readTransfer(target.pdns, zone) };
}

export async function readTransfer(pdns: PdnsApi, zone: PdnsZone): Promise<NonNullable<ActualZone['transfer']>> {
  const metadata = await pdns.getMetadata(zone.name);
  const of = (kind: string): string[] => metadata.filter((m) => m.kind.toUpperCase() === kind).flatMap((m) => m.metadata);
  return { alsoNotify: of('ALSO-NOTIFY'), allowAxfrFrom: of('ALLOW-AXFR-FROM'), tsigKeys: zone.master_tsig_key_ids ?? [] };
}
