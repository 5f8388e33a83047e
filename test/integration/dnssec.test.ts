/**
 * NetBox DNSSEC policies → signing in a real PowerDNS 4.7 with the backend's DNSSEC switch: CSK and
 * KSK+ZSK, RSA, ECDSA and EdDSA, NSEC and NSEC3 (opt-out, salt), CDS/CDNSKEY; every zone validated
 * with delv (the zone's own KSK as trust anchor) for a positive answer, NXDOMAIN, NODATA and an empty
 * non-terminal, and as a whole with ldns-verify-zone on an AXFR. Then the safety rules: turning a
 * policy off and an algorithm change are refused until approved, and nothing is written meanwhile.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { delv, servedDnskeys, servedNsec3param, verifyZone } from '../support/dnssec-check.js';
import type { Core } from '../../src/app/core.js';
import type { PdnsCryptokey } from '../../src/pdns/types.js';

const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };

interface Case {
  zone: string;
  policy: string;
  templates: Array<{ type: string; algorithm: string; key_size?: number }>;
  nsec3: { use_nsec3: boolean; nsec3_iterations?: number; nsec3_opt_out?: boolean; nsec3_salt_size?: number };
  /** Expected (flags, algorithm, bits) of the keys PowerDNS holds. */
  keys: string[];
  nsec3param: RegExp;
}

const CASES: Case[] = [
  {
    zone: 'csk-ecdsa.example', policy: 'csk-ecdsa-nsec3', templates: [{ type: 'CSK', algorithm: 'ECDSAP256SHA256' }],
    nsec3: { use_nsec3: true, nsec3_iterations: 0, nsec3_salt_size: 8 }, keys: ['257 ECDSAP256SHA256 256'], nsec3param: /^1 0 0 [0-9a-f]{16}$/i,
  },
  {
    zone: 'split-rsa.example', policy: 'split-rsa-nsec', templates: [{ type: 'KSK', algorithm: 'RSASHA256', key_size: 2048 }, { type: 'ZSK', algorithm: 'RSASHA256', key_size: 1024 }],
    nsec3: { use_nsec3: false }, keys: ['256 RSASHA256 1024', '257 RSASHA256 2048'], nsec3param: /^$/,
  },
  {
    zone: 'csk-ed25519.example', policy: 'csk-ed25519-optout', templates: [{ type: 'CSK', algorithm: 'ED25519' }],
    nsec3: { use_nsec3: true, nsec3_opt_out: true }, keys: ['257 ED25519 256'], nsec3param: /^1 1 0 -$/,
  },
  {
    zone: 'split-p384.example', policy: 'split-p384-nsec3', templates: [{ type: 'KSK', algorithm: 'ECDSAP384SHA384' }, { type: 'ZSK', algorithm: 'ECDSAP384SHA384' }],
    nsec3: { use_nsec3: true, nsec3_iterations: 1 }, keys: ['256 ECDSAP384SHA384 384', '257 ECDSAP384SHA384 384'], nsec3param: /^1 0 1 -$/,
  },
];

describe('DNSSEC from NetBox policies (real PowerDNS, delv, ldns-verify-zone)', function () {
  this.timeout(120_000);
  let env: SyncEnv;
  let core: Core;
  const policyIds = new Map<string, number>();

  const keysOf = async (zone: string): Promise<PdnsCryptokey[]> => env.direct.client.listCryptokeys(`${zone}.`);
  const describeKeys = (keys: PdnsCryptokey[]): string[] => keys.map((k) => `${k.flags} ${k.algorithm} ${k.bits}`).sort();
  const reconcile = async (force = false) => core.engine.fullReconcile('cli', force ? { force: true } : {});
  const resultFor = (r: Awaited<ReturnType<typeof reconcile>>, zone: string) => r.zones.find((x) => x.zone === `${zone}.`);

  async function expectValid(zone: string): Promise<void> {
    const port = env.pdns.dnsPort;
    for (const [name, type, verdict] of [
      [`www.${zone}`, 'A', 'fully validated'], [`nope.${zone}`, 'A', 'negative response, fully validated'],
      [`www.${zone}`, 'TXT', 'negative response, fully validated'], [`ent.${zone}`, 'A', 'negative response, fully validated'],
      [zone, 'DNSKEY', 'fully validated'],
    ] as const) {
      const r = await delv(port, `${zone}.`, name, type);
      expect(r.verdict, `${name} ${type}: ${r.output}`).to.equal(verdict);
    }
    const verified = await verifyZone(port, `${zone}.`);
    expect(verified.ok, verified.output).to.equal(true);
  }

  before(async () => {
    env = await startSyncEnv({ dnssec: true });
    const s = env.netbox.store;
    for (const c of CASES) {
      const templates = c.templates.map((t, i) => Number(s.createKeyTemplate({ name: `${c.policy}-${i}`, ...t }).id));
      const policy = s.createDnssecPolicy({ name: c.policy, key_templates: templates, cds_digest_types: ['SHA256'], ...c.nsec3 });
      policyIds.set(c.policy, Number(policy.id));
      s.createZone({ name: c.zone, ...ns, soa_rname: `hostmaster.${c.zone}`, soa_minimum: 3600, dnssec_policy: Number(policy.id) });
      s.createRecord({ zone: c.zone, name: 'www', type: 'A', value: '192.0.2.10', disable_ptr: true });
      s.createRecord({ zone: c.zone, name: 'deep.ent', type: 'A', value: '192.0.2.11', disable_ptr: true });
    }
    s.createZone({ name: 'plain.example', ...ns, soa_rname: 'hostmaster.plain.example' });
    ({ core } = env.core());
  });
  after(async () => env?.stop());

  it('signs each zone with exactly the keys, NSEC/NSEC3 and CDS its policy asks for, and it validates', async () => {
    const result = await reconcile();
    expect(result.outcome).to.equal('success');
    for (const c of CASES) {
      expect(resultFor(result, c.zone)?.outcome, c.zone).to.equal('created');
      const keys = await keysOf(c.zone);
      expect(describeKeys(keys), c.zone).to.deep.equal(c.keys);
      expect(keys.every((k) => k.active && k.published)).to.equal(true);
      expect((await env.direct.client.getZone(`${c.zone}.`))?.nsec3param, c.zone).to.match(c.nsec3param);
      // Served NSEC3PARAM flags are always 0 (RFC 5155 §4.1.2: opt-out shows in the NSEC3 records).
      expect(await servedNsec3param(env.pdns.dnsPort, `${c.zone}.`), c.zone).to.match(c.nsec3.use_nsec3 ? /^1 0 \d+ / : /^$/);
      expect(await servedDnskeys(env.pdns.dnsPort, `${c.zone}.`)).to.have.length(c.keys.length);
      const meta = await env.direct.client.getMetadata(`${c.zone}.`);
      expect(meta.find((m) => m.kind === 'PUBLISH-CDS')?.metadata).to.deep.equal(['2']);
      expect(meta.find((m) => m.kind === 'PUBLISH-CDNSKEY')?.metadata).to.deep.equal(['1']);
      await expectValid(c.zone);
    }
    expect(await keysOf('plain.example')).to.deep.equal([]);
  });

  it('writes nothing on the next run', async () => {
    env.resetRequests();
    const result = await reconcile();
    expect(result.zones.filter((r) => r.outcome !== 'unchanged').map((r) => `${r.zone} ${r.outcome}`)).to.deep.equal([]);
    expect(env.writes()).to.deep.equal([]);
  });

  it('signs an existing zone when it gets a policy, with the serial moved and validation holding', async () => {
    const s = env.netbox.store;
    const zone = s.findZone('plain.example');
    s.updateZone(Number(zone?.id), { dnssec_policy: policyIds.get('csk-ed25519-optout') ?? 0 });
    const before = (await env.direct.client.getZone('plain.example.'))?.serial ?? 0;
    const result = await reconcile();
    expect(resultFor(result, 'plain.example')?.outcome).to.equal('changed');
    expect((await env.direct.client.getZone('plain.example.'))?.serial).to.be.greaterThan(before);
    expect(describeKeys(await keysOf('plain.example'))).to.deep.equal(['257 ED25519 256']);
    const r = await delv(env.pdns.dnsPort, 'plain.example.', 'plain.example', 'SOA');
    expect(r.verdict).to.equal('fully validated');
    expect((await verifyZone(env.pdns.dnsPort, 'plain.example.')).ok).to.equal(true);
  });

  it('refuses an algorithm change that deletes active keys until approved, then replaces them', async () => {
    const s = env.netbox.store;
    const id = policyIds.get('csk-ecdsa-nsec3') ?? 0;
    const template = Number(s.createKeyTemplate({ name: 'csk-p384', type: 'CSK', algorithm: 'ECDSAP384SHA384' }).id);
    s.updateDnssecPolicy(id, { key_templates: [template] });
    env.resetRequests();
    const refused = resultFor(await reconcile(), 'csk-ecdsa.example');
    expect(refused?.outcome).to.equal('refused');
    expect(refused?.refusal?.code).to.equal('dnssec');
    expect(refused?.refusal?.message).to.match(/deleting active key/);
    expect(env.writes().filter((w) => w.url.includes('csk-ecdsa'))).to.deep.equal([]);
    expect(describeKeys(await keysOf('csk-ecdsa.example'))).to.deep.equal(['257 ECDSAP256SHA256 256']);

    const approved = await core.engine.reconcileZone('csk-ecdsa.example.', { trigger: 'cli', force: true });
    expect(approved[0]?.outcome).to.equal('changed');
    expect(describeKeys(await keysOf('csk-ecdsa.example'))).to.deep.equal(['257 ECDSAP384SHA384 384']);
    await expectValid('csk-ecdsa.example');
  });

  it('refuses turning signing off when the policy goes, until approved; then the zone is unsigned and whole', async () => {
    const s = env.netbox.store;
    const zone = s.findZone('split-rsa.example');
    s.updateZone(Number(zone?.id), { dnssec_policy: null });
    const refused = resultFor(await reconcile(), 'split-rsa.example');
    expect(refused?.outcome).to.equal('refused');
    expect(refused?.refusal?.message).to.match(/turning DNSSEC off deletes 2 key\(s\)/);
    expect(await keysOf('split-rsa.example')).to.have.length(2);

    // Approving exactly that plan by its id (the key deletions are part of the id).
    expect(refused?.planId).to.match(/^[0-9a-f]{12}$/);
    const approved = await core.engine.approve('split-rsa.example.', { planId: refused?.planId ?? '', by: 'cli:test', via: 'cli' });
    expect(approved.results.map((r) => r.outcome)).to.deep.equal(['changed']);
    expect(await keysOf('split-rsa.example')).to.deep.equal([]);
    const meta = await env.direct.client.getMetadata('split-rsa.example.');
    expect(meta.map((m) => m.kind).filter((k) => k.startsWith('X-') || k.startsWith('PUBLISH'))).to.deep.equal([]);
    expect((await reconcile()).zones.find((r) => r.zone === 'split-rsa.example.')?.outcome).to.equal('unchanged');
  });

  it('takes over a zone signed by hand: the key matching the policy is kept (no churn), the others need approval', async () => {
    // Signed by hand before netbox-pdns: PowerDNS's default CSK (ECDSAP256SHA256) plus a stray RSA ZSK.
    await env.direct.client.createZone({
      name: 'hand.example.', kind: 'Native', account: '', soa_edit_api: '', nameservers: ['ns1.example.net.'],
      rrsets: [{ name: 'www.hand.example.', type: 'A', changetype: 'REPLACE', ttl: 86400, records: [{ content: '192.0.2.10', disabled: false }] }],
    });
    const handKey = await env.direct.client.createCryptokey('hand.example.', { keytype: 'csk', active: true, published: true, algorithm: 'ECDSAP256SHA256' });
    const stray = await env.direct.client.createCryptokey('hand.example.', { keytype: 'zsk', active: true, published: true, algorithm: 'RSASHA256', bits: 1024 });
    await env.direct.client.rectify('hand.example.');
    const s = env.netbox.store;
    const ec = Number(s.createKeyTemplate({ name: 'hand', type: 'CSK', algorithm: 'ECDSAP256SHA256' }).id);
    const handPolicy = Number(s.createDnssecPolicy({ name: 'hand', key_templates: [ec], use_nsec3: false }).id);
    s.createZone({ name: 'hand.example', ...ns, soa_rname: 'hostmaster.hand.example', dnssec_policy: handPolicy });
    s.createRecord({ zone: 'hand.example', name: 'www', type: 'A', value: '192.0.2.10', disable_ptr: true });
    const refused = (await core.engine.reconcileZone('hand.example.', { trigger: 'cli' }))[0];
    expect(refused?.outcome).to.equal('refused');
    expect(refused?.refusal?.message).to.match(new RegExp(`deleting active key ${stray.id} \\(RSASHA256, flags 256\\)`));
    expect((await keysOf('hand.example')).map((k) => k.id).sort()).to.deep.equal([handKey.id, stray.id].sort());
    const approved = (await core.engine.reconcileZone('hand.example.', { trigger: 'cli', force: true }))[0];
    expect(approved?.outcome).to.equal('changed');
    expect((await keysOf('hand.example')).map((k) => k.id)).to.deep.equal([handKey.id]);
    await delv(env.pdns.dnsPort, 'hand.example.', 'www.hand.example', 'A').then((r) => expect(r.verdict).to.equal('fully validated'));
    expect((await verifyZone(env.pdns.dnsPort, 'hand.example.')).ok).to.equal(true);
  });

  it('refuses deleting a policy zones use (PROTECT), as the plugin does', () => {
    expect(() => env.netbox.store.deleteDnssecPolicy(policyIds.get('split-p384-nsec3') ?? 0)).to.throw(/dependent objects/);
  });
});
