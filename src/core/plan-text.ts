/**
 * A zone plan in words, one line per write and per rrset kept, for `plan`, `sync` and logs:
 *   example.com.: create zone (kind Native, account netbox-pdns)
 *   * kind: Master → Native
 *   - old.example.com. 300 A 192.0.2.9
 *   + www.example.com. 300 A 192.0.2.1
 *   ~ mail.example.com. MX 3600 → 300
 *   = _acme-challenge.www.example.com. TXT kept (protected): protected by the rule _acme-challenge.*:TXT
 */
import { describePlan } from './diff.js';
import type { SigningChange, SigningPlan } from './dnssec/types.js';
import type { ZonePlan } from './plan.js';

/** The headline: what happens to the zone as a whole. */
export function describeZoneAction(plan: ZonePlan): string {
  const setting = (field: string): string | undefined => plan.settings.find((s) => s.field === field)?.to;
  switch (plan.action) {
    case 'create':
      return `create zone (kind ${setting('kind') ?? '?'}, account ${setting('account') ?? '?'})`;
    case 'adopt': {
      const account = plan.settings.find((s) => s.field === 'account');
      return `adopt zone (account "${account?.from ?? ''}" → "${account?.to ?? ''}")`;
    }
    case 'delete':
      return `delete zone with its ${plan.deletes.length} rrset(s) (${plan.reason ?? 'gone from NetBox'})`;
    case 'skip':
      return `left alone: ${plan.reason ?? ''}`;
    case 'update':
      return 'update zone';
  }
}

/** Every line of the plan below the headline. A deleted zone lists the rrsets it takes with it. */
export function describeZonePlan(plan: ZonePlan): string[] {
  const lines: string[] = [];
  // A create's kind and account are in its headline; what else it sets (catalog, transfer settings) is listed.
  const inHeadline = new Set(['kind', 'account', 'soa_edit_api']);
  for (const s of plan.settings) {
    // SOA-EDIT-API "" is every zone's default; another one (the catalog's EPOCH) is worth a line.
    if (plan.action === 'create' && inHeadline.has(s.field) && !(s.field === 'soa_edit_api' && s.to !== '')) continue;
    lines.push(`* ${s.field}: ${s.from === null ? '(none)' : JSON.stringify(s.from)} → ${JSON.stringify(s.to)}${s.field === 'catalog' ? ' (then the catalog serial is bumped and NOTIFYed)' : ''}`);
  }
  lines.push(...describePlan(plan));
  for (const k of plan.kept) lines.push(`= ${k.name} ${k.type} kept (${k.reason}): ${k.detail}`);
  if (plan.signing) lines.push(...describeSigning(plan.signing));
  return lines;
}

/** One signing change in words (`+ key KSK ECDSAP256SHA256 (active, published): …`). */
export function describeSigningChange(c: SigningChange): string {
  const flags = (active: boolean, published: boolean): string => `${active ? 'active' : 'inactive'}, ${published ? 'published' : 'unpublished'}`;
  switch (c.op) {
    case 'add-key':
      return `+ key ${c.role.toUpperCase()} ${c.algorithm}${c.bits ? ` ${c.bits} bits` : ''} (${flags(c.active, c.published)}): ${c.why}`;
    case 'set-key':
      return `~ key ${c.id} ${c.role.toUpperCase()} → ${flags(c.active, c.published)}: ${c.why}`;
    case 'delete-key':
      return `- key ${c.id} ${c.role.toUpperCase()}${c.active ? ' (active)' : ''}: ${c.why}`;
    case 'nsec3param':
      return `* nsec3param: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}${c.to === '' ? ' (NSEC)' : ''}`;
    case 'metadata':
      return `* ${c.kind}: ${JSON.stringify(c.from.join(','))} → ${JSON.stringify(c.to.join(','))}`;
    case 'disable':
      return `- DNSSEC off, every key deleted: ${c.why}`;
  }
}

/** The signing lines: `dnssec` first, so they read apart from the rrsets. */
export function describeSigning(signing: SigningPlan): string[] {
  const lines = signing.changes.map((c) => `dnssec ${describeSigningChange(c)}`);
  for (const w of signing.waiting) lines.push(`dnssec waiting: ${w}`);
  for (const u of signing.unsupported) lines.push(`dnssec not supported by PowerDNS: ${u}`);
  return lines;
}
