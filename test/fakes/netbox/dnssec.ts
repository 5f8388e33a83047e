/**
 * netbox-plugin-dns's DNSSEC objects in the fake (replication-dnssec.md §3): key templates and
 * policies with the plugin's validation (one template per type, CSK excludes KSK/ZSK, KSK and ZSK
 * share an algorithm, key size only for RSASHA256, SHA256/SHA384 CDS digests, ISO-8601 durations in,
 * seconds out), their REST and brief forms, their model dumps, and PROTECT on a policy in use.
 */
import type { Db } from './db.js';
import type { Engine } from './engine.js';
import { FakeNetboxError, validationError, type KeyTemplateInput, type KeyTemplateRow, type PolicyFields, type PolicyInput, type PolicyRow } from './model.js';
import { restTime, type Json } from './serialize.js';

const API = '/api/plugins/netbox-dns';
export const KEY_ALGORITHMS = ['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519', 'ED448'];
const RSA_SIZES = [512, 1024, 2048, 3072, 4096];
const DURATIONS = ['dnskey_ttl', 'purge_keys', 'publish_safety', 'retire_safety', 'signatures_jitter', 'signatures_refresh', 'signatures_validity',
  'signatures_validity_dnskey', 'max_zone_ttl', 'zone_propagation_delay', 'parent_ds_ttl', 'parent_propagation_delay'] as const;

/** `TimePeriodField`: seconds, or an ISO-8601 duration with D/H/M/S (no W/M/Y, as the plugin). */
export function duration(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
    if (m && value !== 'P' && value !== 'PT') return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  }
  throw validationError(field, 'Enter a valid duration.');
}

function nullableInt(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw validationError(field, 'A valid integer is required.');
}

export function keyTemplateRow(e: Engine, input: KeyTemplateInput, existing?: KeyTemplateRow): KeyTemplateRow {
  const type = input.type.toUpperCase();
  if (!['CSK', 'KSK', 'ZSK'].includes(type)) throw validationError('type', `"${input.type}" is not a valid choice.`);
  const algorithm = input.algorithm ?? existing?.algorithm ?? 'ECDSAP256SHA256';
  if (!KEY_ALGORITHMS.includes(algorithm)) throw validationError('algorithm', `"${algorithm}" is not a valid choice.`);
  let keySize = input.key_size === undefined ? existing?.keySize ?? null : input.key_size;
  // The model clears a size for non-RSA algorithms and accepts only the listed RSA sizes.
  if (algorithm !== 'RSASHA256') keySize = null;
  else if (keySize !== null && !RSA_SIZES.includes(keySize)) throw validationError('key_size', `"${keySize}" is not a valid choice.`);
  for (const other of e.db.keyTemplates.values()) {
    if (other.id !== existing?.id && other.name === input.name && other.type === type) throw validationError('__all__', 'DNSSEC Key Template with this Name and Type already exists.');
  }
  const now = e.now();
  return {
    id: existing?.id ?? e.db.allocate('keyTemplate', input.id),
    name: input.name, type: type as KeyTemplateRow['type'], algorithm, keySize,
    lifetime: input.lifetime === undefined ? existing?.lifetime ?? null : duration('lifetime', input.lifetime),
    description: input.description ?? existing?.description ?? '', created: existing?.created ?? now, lastUpdated: now,
  };
}

/** The m2m rules the plugin's signal enforces (the request aborts). */
function checkTemplates(db: Db, ids: number[]): void {
  const rows = ids.map((id) => {
    const row = db.keyTemplates.get(id);
    if (!row) throw validationError('key_templates', `Invalid pk "${id}" - object does not exist.`);
    return row;
  });
  const types = rows.map((r) => r.type);
  if (new Set(types).size !== types.length) throw validationError('key_templates', 'Only one key template per type is allowed.');
  if (types.includes('CSK') && types.length > 1) throw validationError('key_templates', 'A CSK template cannot be combined with KSK or ZSK templates.');
  const ksk = rows.find((r) => r.type === 'KSK');
  const zsk = rows.find((r) => r.type === 'ZSK');
  if (ksk && zsk && ksk.algorithm !== zsk.algorithm) throw validationError('key_templates', 'KSK and ZSK templates must use the same algorithm.');
}

export function policyRow(e: Engine, input: Partial<PolicyInput>, existing?: PolicyRow): PolicyRow {
  const name = input.name ?? existing?.name;
  if (!name) throw validationError('name', 'This field is required.');
  for (const other of e.db.policies.values()) if (other.id !== existing?.id && other.name === name) throw validationError('name', 'DNSSEC Policy with this Name already exists.');
  const pick = <K extends keyof PolicyFields>(k: K, fallback: PolicyFields[K]): unknown => (input[k] === undefined ? existing?.[k] ?? fallback : input[k]);
  const status = String(pick('status', 'active'));
  if (!['active', 'inactive'].includes(status)) throw validationError('status', `"${status}" is not a valid choice.`);
  const cds = pick('cds_digest_types', []);
  if (!Array.isArray(cds) || cds.some((d) => !['SHA256', 'SHA384'].includes(String(d)))) throw validationError('cds_digest_types', 'Select a valid choice (SHA256, SHA384).');
  const keyTemplateIds = input.key_templates ?? existing?.keyTemplateIds ?? [];
  checkTemplates(e.db, keyTemplateIds);
  const durations = Object.fromEntries(DURATIONS.map((k) => [k, duration(k, pick(k, null))])) as Pick<PolicyFields, (typeof DURATIONS)[number]>;
  const now = e.now();
  return {
    id: existing?.id ?? e.db.allocate('policy', input.id),
    name, description: String(pick('description', '')), status: status as PolicyFields['status'],
    inline_signing: pick('inline_signing', true) === true, ...durations,
    create_cdnskey: pick('create_cdnskey', true) === true, cds_digest_types: cds.map(String),
    use_nsec3: pick('use_nsec3', true) === true,
    nsec3_iterations: nullableInt('nsec3_iterations', pick('nsec3_iterations', null)),
    nsec3_opt_out: pick('nsec3_opt_out', null) === null ? null : pick('nsec3_opt_out', null) === true,
    nsec3_salt_size: nullableInt('nsec3_salt_size', pick('nsec3_salt_size', null)),
    keyTemplateIds: [...keyTemplateIds], created: existing?.created ?? now, lastUpdated: now,
  };
}

/** `on_delete=PROTECT`: NetBox answers 409 for a policy zones still use. */
export function checkPolicyUnused(db: Db, id: number): void {
  const users = [...db.zones.values()].filter((z) => z.dnssecPolicyId === id).length;
  if (users > 0) throw new FakeNetboxError(409, { detail: `Unable to delete object. ${users} dependent objects were found: zones` });
}

export function keyTemplateBrief(t: KeyTemplateRow, base: string): Json {
  return {
    id: t.id, url: `${base}${API}/dnsseckeytemplates/${t.id}/`, display: `${t.name} [${t.type}]`, name: t.name, type: t.type,
    lifetime: t.lifetime, algorithm: t.algorithm, key_size: t.keySize, description: t.description,
  };
}

export function policyBrief(p: PolicyRow, base: string): Json {
  return { id: p.id, url: `${base}${API}/dnssecpolicies/${p.id}/`, display: p.name, name: p.name, description: p.description, status: p.status, inline_signing: p.inline_signing };
}

export function keyTemplateRest(db: Db, t: KeyTemplateRow, base: string): Json {
  const policies = [...db.policies.values()].filter((p) => p.keyTemplateIds.includes(t.id)).map((p) => policyBrief(p, base));
  return { ...keyTemplateBrief(t, base), policies, comments: '', tags: [], tenant: null, custom_fields: {}, created: restTime(t.created), last_updated: restTime(t.lastUpdated) };
}

export function policyRest(db: Db, p: PolicyRow, base: string): Json {
  const { id: _id, keyTemplateIds, created, lastUpdated, ...fields } = p;
  const zones = [...db.zones.values()].filter((z) => z.dnssecPolicyId === p.id).map((z) => ({ id: z.id, url: `${base}${API}/zones/${z.id}/`, name: z.name, status: z.status }));
  return {
    ...policyBrief(p, base), ...fields,
    key_templates: keyTemplateIds.flatMap((id) => {
      const t = db.keyTemplates.get(id);
      return t ? [keyTemplateBrief(t, base)] : [];
    }),
    zones, zone_templates: [], comments: '', tags: [], tenant: null, custom_fields: {}, created: restTime(created), last_updated: restTime(lastUpdated),
  };
}

export function keyTemplateDump(t: KeyTemplateRow): Json {
  return { created: new Date(t.created).toISOString(), description: t.description, comments: '', tenant: null, owner: null, custom_fields: {}, tags: [], name: t.name, type: t.type, algorithm: t.algorithm, key_size: t.keySize, lifetime: t.lifetime };
}

export function policyDump(p: PolicyRow): Json {
  const { id: _id, keyTemplateIds, created, lastUpdated: _l, ...fields } = p;
  return { created: new Date(created).toISOString(), comments: '', tenant: null, owner: null, custom_fields: {}, tags: [], ...fields, key_templates: [...keyTemplateIds].sort((a, b) => a - b) };
}
