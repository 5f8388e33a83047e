/**
 * Contract tests for the fake NetBox's DNSSEC objects against netbox-plugin-dns 1.5 (reference
 * replication-dnssec.md §3): key templates and policies over real HTTP, the plugin's validation,
 * ISO-8601 durations in and seconds out, the zone's nested policy brief, PROTECT, and their events.
 */
import { expect } from 'chai';
import { FAKE_NETBOX_TOKEN, startFakeNetbox, type FakeNetbox, type WebhookEnvelope } from '../fakes/netbox/index.js';

const API = '/api/plugins/netbox-dns';

async function call(nb: FakeNetbox, path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${nb.url}${API}${path}`, {
    method, headers: { Authorization: `Token ${FAKE_NETBOX_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe('fake NetBox: DNSSEC policies and key templates', () => {
  let nb: FakeNetbox;
  let events: WebhookEnvelope[];
  beforeEach(async () => {
    nb = await startFakeNetbox();
    events = [];
    nb.onEvent((e) => events.push(e));
    nb.store.createNameserver({ name: 'ns1.example.net' });
  });
  afterEach(async () => nb.close());

  it('creates key templates over HTTP with the plugin\'s rules and shapes', async () => {
    const ksk = await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'corp', type: 'KSK', algorithm: 'RSASHA256', key_size: 2048, lifetime: 'P365D' });
    expect(ksk.status).to.equal(201);
    expect(ksk.body).to.include({ display: 'corp [KSK]', type: 'KSK', algorithm: 'RSASHA256', key_size: 2048, lifetime: 31536000 });
    // Same name, other type: allowed; same name and type: refused.
    expect((await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'corp', type: 'ZSK', algorithm: 'RSASHA256' })).status).to.equal(201);
    expect((await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'corp', type: 'KSK' })).status).to.equal(400);
    // A key size only means something for RSA; a bad RSA size and an unknown algorithm are refused.
    const ec = await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'ec', type: 'CSK', algorithm: 'ED25519', key_size: 2048 });
    expect(ec.body.key_size).to.equal(null);
    expect((await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'bad', type: 'CSK', algorithm: 'RSASHA256', key_size: 1000 })).status).to.equal(400);
    expect((await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'bad', type: 'CSK', algorithm: 'RSASHA1' })).status).to.equal(400);
    expect((await call(nb, '/dnsseckeytemplates/', 'POST', { name: 'bad', type: 'CSK', lifetime: 'P1W' })).status).to.equal(400);
  });

  it('creates policies: one template per type, CSK alone, KSK and ZSK sharing an algorithm; durations in seconds; zones refer to them', async () => {
    const s = nb.store;
    const csk = Number(s.createKeyTemplate({ name: 'c', type: 'CSK', algorithm: 'ECDSAP256SHA256' }).id);
    const ksk = Number(s.createKeyTemplate({ name: 'k', type: 'KSK', algorithm: 'ED25519' }).id);
    const zsk = Number(s.createKeyTemplate({ name: 'z', type: 'ZSK', algorithm: 'ECDSAP256SHA256' }).id);
    expect((await call(nb, '/dnssecpolicies/', 'POST', { name: 'mixed', key_templates: [csk, ksk] })).status).to.equal(400);
    expect((await call(nb, '/dnssecpolicies/', 'POST', { name: 'algs', key_templates: [ksk, zsk] })).status).to.equal(400);
    expect((await call(nb, '/dnssecpolicies/', 'POST', { name: 'cds', key_templates: [csk], cds_digest_types: ['SHA1'] })).status).to.equal(400);
    const created = await call(nb, '/dnssecpolicies/', 'POST', { name: 'p', key_templates: [{ id: csk }], publish_safety: 'PT1H', parent_ds_ttl: 86400, cds_digest_types: ['SHA256'] });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ name: 'p', status: 'active', inline_signing: true, publish_safety: 3600, parent_ds_ttl: 86400, use_nsec3: true, nsec3_iterations: null, create_cdnskey: true });
    expect((created.body.key_templates as Array<Record<string, unknown>>).map((t) => t.display)).to.deep.equal(['c [CSK]']);

    const zone = s.createZone({ name: 'signed.example', nameservers: ['ns1.example.net'], dnssec_policy: Number(created.body.id), parental_agents: ['192.0.2.53'] });
    expect(zone.dnssec_policy).to.deep.include({ id: created.body.id, name: 'p', display: 'p', inline_signing: true });
    expect(zone.inline_signing).to.equal(true);
    expect(zone.parental_agents).to.deep.equal(['192.0.2.53']);
    const detail = await call(nb, `/dnssecpolicies/${String(created.body.id)}/`);
    expect((detail.body.zones as Array<Record<string, unknown>>).map((z) => z.name)).to.deep.equal(['signed.example']);
    // PROTECT while a zone uses it; the zone's parental agents go with its policy.
    expect((await call(nb, `/dnssecpolicies/${String(created.body.id)}/`, 'DELETE')).status).to.equal(409);
    const unsigned = s.updateZone(zone.id, { dnssec_policy: null });
    expect(unsigned).to.include({ dnssec_policy: null, inline_signing: null });
    expect(unsigned.parental_agents).to.deep.equal([]);
    expect((await call(nb, `/dnssecpolicies/${String(created.body.id)}/`, 'DELETE')).status).to.equal(204);
  });

  it('emits dnssecpolicy and dnsseckeytemplate events with prechange snapshots; a policy change does not bump zone serials', async () => {
    const s = nb.store;
    const t = Number(s.createKeyTemplate({ name: 'c', type: 'CSK', algorithm: 'ED25519' }).id);
    const p = Number(s.createDnssecPolicy({ name: 'p', key_templates: [t] }).id);
    const zone = s.createZone({ name: 'signed.example', nameservers: ['ns1.example.net'], soa_serial_auto: false, soa_serial: 7 });
    events.length = 0;
    s.updateZone(zone.id, { dnssec_policy: p });
    s.updateDnssecPolicy(p, { use_nsec3: false });
    s.updateKeyTemplate(t, { lifetime: 'P30D' });
    expect(events.map((e) => `${e.object_type} ${e.event}`)).to.deep.equal([
      'netbox_dns.zone updated', 'netbox_dns.dnssecpolicy updated', 'netbox_dns.dnsseckeytemplate updated',
    ]);
    expect(events[1]?.snapshots.prechange).to.include({ use_nsec3: true });
    expect(events[1]?.snapshots.postchange).to.include({ use_nsec3: false });
    expect(events[1]?.snapshots.prechange?.key_templates).to.deep.equal([t]);
    expect(events[2]?.data).to.include({ lifetime: 2592000 });
    expect(s.getZone(zone.id)?.soa_serial).to.equal(7);
    // A template change that breaks a policy's rules is refused and changes nothing.
    const z = Number(s.createKeyTemplate({ name: 'z', type: 'ZSK', algorithm: 'ED25519' }).id);
    const k = Number(s.createKeyTemplate({ name: 'k', type: 'KSK', algorithm: 'ED25519' }).id);
    s.createDnssecPolicy({ name: 'split', key_templates: [k, z] });
    expect(() => s.updateKeyTemplate(z, { algorithm: 'ECDSAP256SHA256' })).to.throw(/same algorithm/);
    expect(s.db.keyTemplates.get(z)?.algorithm).to.equal('ED25519');
  });
});
