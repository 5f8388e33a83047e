/**
 * The fake NetBox's DNSSEC key template and policy operations (one request each, with the plugin's
 * rules from dnssec.ts and their events), kept apart from store.ts, which delegates to them.
 */
import { checkPolicyUnused, keyTemplateDump, keyTemplateRest, keyTemplateRow, policyDump, policyRest, policyRow } from './dnssec.js';
import { FakeNetboxError, type KeyTemplateInput, type PolicyInput } from './model.js';
import type { Json } from './serialize.js';
import type { FakeNetboxStore } from './store.js';

const API = '/api/plugins/netbox-dns';

export function createKeyTemplate(store: FakeNetboxStore, input: KeyTemplateInput): Json {
  return store.request({ method: 'POST', path: `${API}/dnsseckeytemplates/` }, () => {
    const row = keyTemplateRow(store.engine, input);
    store.db.keyTemplates.set(row.id, row);
    store.engine.queue?.add('netbox_dns.dnsseckeytemplate', row.id, 'created', null);
    return keyTemplateRest(store.db, row, '');
  });
}

export function updateKeyTemplate(store: FakeNetboxStore, id: number, patch: Partial<KeyTemplateInput>): Json {
  return store.request({ method: 'PATCH', path: `${API}/dnsseckeytemplates/${id}/` }, () => {
    const old = store.db.keyTemplates.get(id);
    if (!old) throw new FakeNetboxError(404, { detail: 'No DNSSEC Key Template matches the given query.' });
    const row = keyTemplateRow(store.engine, { name: old.name, type: old.type, ...patch }, old);
    const users = [...store.db.policies.values()].filter((p) => p.keyTemplateIds.includes(id));
    // The policy's template rules still hold after the change (the plugin validates on save).
    store.db.keyTemplates.set(id, row);
    try {
      for (const p of users) policyRow(store.engine, {}, p);
    } catch (err) {
      store.db.keyTemplates.set(id, old);
      throw err;
    }
    store.engine.queue?.add('netbox_dns.dnsseckeytemplate', id, 'updated', keyTemplateDump(old));
    return keyTemplateRest(store.db, row, '');
  });
}

/** Deleting a template removes it from its policies (M2M, no PROTECT). */
export function deleteKeyTemplate(store: FakeNetboxStore, id: number): void {
  store.request({ method: 'DELETE', path: `${API}/dnsseckeytemplates/${id}/` }, () => {
    const row = store.db.keyTemplates.get(id);
    if (!row) throw new FakeNetboxError(404, { detail: 'No DNSSEC Key Template matches the given query.' });
    store.engine.queue?.add('netbox_dns.dnsseckeytemplate', id, 'deleted', keyTemplateDump(row), keyTemplateRest(store.db, row, ''));
    for (const p of store.db.policies.values()) p.keyTemplateIds = p.keyTemplateIds.filter((t) => t !== id);
    store.db.keyTemplates.delete(id);
  });
}

export function createDnssecPolicy(store: FakeNetboxStore, input: PolicyInput): Json {
  return store.request({ method: 'POST', path: `${API}/dnssecpolicies/` }, () => {
    const row = policyRow(store.engine, input);
    store.db.policies.set(row.id, row);
    store.engine.queue?.add('netbox_dns.dnssecpolicy', row.id, 'created', null);
    return policyRest(store.db, row, '');
  });
}

export function updateDnssecPolicy(store: FakeNetboxStore, id: number, patch: Partial<PolicyInput>): Json {
  return store.request({ method: 'PATCH', path: `${API}/dnssecpolicies/${id}/` }, () => {
    const old = store.db.policies.get(id);
    if (!old) throw new FakeNetboxError(404, { detail: 'No DNSSEC Policy matches the given query.' });
    const prechange = policyDump(old);
    const row = policyRow(store.engine, patch, old);
    store.db.policies.set(id, row);
    store.db.version++;
    store.engine.queue?.add('netbox_dns.dnssecpolicy', id, 'updated', prechange);
    return policyRest(store.db, row, '');
  });
}

/** `on_delete=PROTECT` on zones: 409 while a zone uses it. */
export function deleteDnssecPolicy(store: FakeNetboxStore, id: number): void {
  store.request({ method: 'DELETE', path: `${API}/dnssecpolicies/${id}/` }, () => {
    const row = store.db.policies.get(id);
    if (!row) throw new FakeNetboxError(404, { detail: 'No DNSSEC Policy matches the given query.' });
    checkPolicyUnused(store.db, id);
    store.engine.queue?.add('netbox_dns.dnssecpolicy', id, 'deleted', policyDump(row), policyRest(store.db, row, ''));
    store.db.policies.delete(id);
  });
}
