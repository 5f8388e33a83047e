/**
 * A running daemon signing from NetBox events (real PowerDNS with the DNSSEC switch): NetBox's webhooks
 * for a zone getting a policy, a policy change (NSEC → NSEC3) and a key template change each reach
 * PowerDNS, and the zone validates after each; no private key material shows in the logs or /status.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../src/reconcile/audit.js';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { API_KEY, startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { delv, servedNsec3param, verifyZone } from '../support/dnssec-check.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';

const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };

describe('DNSSEC from NetBox events (running daemon, real PowerDNS)', function () {
  this.timeout(90_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  const events: WebhookEnvelope[] = [];
  const deliver = async (): Promise<void> => {
    for (const e of events.splice(0)) expect((await d.webhook(e)).status).to.equal(202);
  };
  const algorithms = async (): Promise<string[]> => (await env.direct.client.listCryptokeys('ev.example.')).map((k) => k.algorithm).sort();
  const expectValid = async (): Promise<void> => {
    expect((await delv(env.pdns.dnsPort, 'ev.example.', 'www.ev.example', 'A')).verdict).to.equal('fully validated');
    expect((await delv(env.pdns.dnsPort, 'ev.example.', 'nope.ev.example', 'A')).verdict).to.equal('negative response, fully validated');
    const v = await verifyZone(env.pdns.dnsPort, 'ev.example.');
    expect(v.ok, v.output).to.equal(true);
  };
  let policy = 0;
  let template = 0;
  const dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-dnssec-audit-'));
  const auditFile = join(dir, 'audit.jsonl');
  const audit = (): AuditRecord[] => readFileSync(auditFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditRecord);

  before(async () => {
    env = await startSyncEnv({ dnssec: true });
    const s = env.netbox.store;
    template = Number(s.createKeyTemplate({ name: 'c', type: 'CSK', algorithm: 'ECDSAP256SHA256' }).id);
    policy = Number(s.createDnssecPolicy({ name: 'p', key_templates: [template], use_nsec3: false }).id);
    s.createZone({ name: 'ev.example', ...ns, soa_rname: 'hostmaster.ev.example' });
    s.createRecord({ zone: 'ev.example', name: 'www', type: 'A', value: '192.0.2.4', disable_ptr: true });
    d = await startDaemon(env, { NETBOX_PDNS_AUDIT_FILE: auditFile });
    await waitFor(async () => (await env.direct.client.getZone('ev.example.')) !== null, { message: 'the startup reconcile' });
    env.netbox.onEvent((e) => events.push(e));
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the zone when its policy is set, on the zone event', async () => {
    const zone = env.netbox.store.findZone('ev.example');
    env.netbox.store.updateZone(Number(zone?.id), { dnssec_policy: policy });
    await deliver();
    await waitFor(async () => (await algorithms()).length === 1, { message: 'the CSK' });
    await expectValid();
    // The audit trail records the key written, with the NetBox user behind the change.
    await waitFor(async () => audit().some((r) => r.setting?.field === 'dnssec'), { message: 'the audit record' });
    const record = audit().find((r) => r.setting?.field === 'dnssec' && /\+ key CSK ECDSAP256SHA256/.test(r.setting.to));
    expect(record).to.include({ zone: 'ev.example.', trigger: 'event', action: 'setting', netbox_username: 'admin' });
  });

  it('switches to NSEC3 on the policy event', async () => {
    env.netbox.store.updateDnssecPolicy(policy, { use_nsec3: true, nsec3_iterations: 0 });
    await deliver();
    await waitFor(async () => (await servedNsec3param(env.pdns.dnsPort, 'ev.example.')) === '1 0 0 -', { message: 'NSEC3' });
    await expectValid();
  });

  it('a key template\'s algorithm change is refused (it would delete the active key) and shows on /status', async () => {
    env.netbox.store.updateKeyTemplate(template, { algorithm: 'ED25519' });
    await deliver();
    await waitFor(async () => (await d.metric('netbox_pdns_zones_refused')) === 1, { message: 'the refusal' });
    expect(await algorithms()).to.deep.equal(['ECDSAP256SHA256']);
    const status = (await (await d.get('/status')).json()) as { status: string; problems: string[] };
    expect(status.status).to.equal('Warning');
    expect(status.problems.join('\n')).to.match(/refused by a safety check/);
    await expectValid();
    const zoneStatus = await (await fetch(`${d.base}/status?zone=ev.example`, { headers: { 'x-api-key': API_KEY } })).text();
    expect(zoneStatus).to.match(/"refusal":"dnssec"/);
    // Private keys never leave PowerDNS through us.
    expect(`${JSON.stringify(d.logs)}${zoneStatus}`).to.not.match(/Private-key-format|PrivateKey:/);
  });
});
