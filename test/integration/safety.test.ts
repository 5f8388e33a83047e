/**
 * Real-world data against a real PowerDNS 4.7 and a running daemon: a hand-made zone is not wiped
 * by adoption, an ACME client's TXT written through the PowerDNS API survives events and full
 * reconciles, an empty NetBox answer empties nothing, a record PowerDNS refuses loses nothing else,
 * record-ownership comments survive PATCHes, and every refusal is visible at the top of /status
 * and in the metrics; on sqlite3 and on gpgsql (a real PostgreSQL).
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { forEachBackend } from '../support/backends.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';
import type { StatusDocument, ZoneStatus } from '../../src/observability/status-store.js';

const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };

describe('safety on real-world data (real PowerDNS)', function () {
  this.timeout(60_000);
  forEachBackend((backend) => {
    let env: SyncEnv;
    let d: RunningDaemon;
    const events: WebhookEnvelope[] = [];
    /** Sends NetBox's webhooks for what the test changed since the last call, as NetBox would. */
    const deliver = async (): Promise<void> => {
      for (const e of events.splice(0)) expect((await d.webhook(e)).status).to.equal(202);
    };
    const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
    const zoneStatus = async (zone: string): Promise<ZoneStatus> =>
      (await (await fetch(`${d.base}/status?zone=${zone}`, { headers: { 'x-api-key': 'api-key-for-tests-12cd' } })).json()) as ZoneStatus;
    const answers = async (name: string, type: string): Promise<string[]> => (await queryDns(env.pdns.dnsPort, name, type)).answers;

    before(async () => {
      env = await startSyncEnv({ backend });
      env.netbox.onEvent((e) => events.push(e));
      const s = env.netbox.store;
      s.createZone({ name: 'hand.example', ...ns, soa_rname: 'hostmaster.hand.example' });
      s.createRecord({ zone: 'hand.example', name: 'www', type: 'A', value: '192.0.2.80', disable_ptr: true });
      s.createZone({ name: 'acme.example', ...ns, soa_rname: 'hostmaster.acme.example' });
      s.createRecord({ zone: 'acme.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
      s.createZone({ name: 'lua.example', ...ns, soa_rname: 'hostmaster.lua.example' });
      s.createRecord({ zone: 'lua.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
      // A custom record type the plugin stores unvalidated; PowerDNS refuses the unquoted content.
      s.createRecord({ zone: 'lua.example', name: 'dyn', type: 'LUA', value: 'A 192.0.2.9' });
      events.length = 0;
      // A zone made by hand before netbox-pdns came along, with content NetBox does not have.
      await env.direct.client.createZone({
        name: 'hand.example.', kind: 'Master', account: '', soa_edit_api: 'DEFAULT', nameservers: ['ns.hand.test.'],
        rrsets: [
          { name: 'www.hand.example.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.9', disabled: false }] },
          { name: 'mail.hand.example.', type: 'MX', changetype: 'REPLACE', ttl: 60, records: [{ content: '10 mx.hand.test.', disabled: false }] },
        ],
      });
      d = await startDaemon(env, { NETBOX_PDNS_STATUS_TOKEN: 'status-token-for-tests-3f2e' });
      await waitFor(async () => (await status()).reliability.last_reconcile !== null, { message: 'the startup reconcile' });
    });
    after(async () => {
      await d?.stop();
      await env?.stop();
    });

    it('refuses to adopt a hand-made zone whose content NetBox would replace; /status and metrics say so until approved', async () => {
      const doc = await status();
      expect(doc.status).to.equal('Warning');
      expect(doc.problems.some((p) => /1 zone\(s\) refused by a safety check/.test(p))).to.equal(true);
      expect(doc.zones.refused_count).to.equal(1);
      expect(doc.zones.failing.find((z) => z.zone === 'hand.example.')).to.include({ outcome: 'refused' });
      expect((await zoneStatus('hand.example')).refusal).to.equal('adoption');
      expect(await d.metric('netbox_pdns_zones_refused')).to.equal(1);
      expect(await d.metric('netbox_pdns_plan_refusals_total', { code: 'adoption' })).to.be.at.least(1);
      // Nothing was written: the zone still answers with the hand-made content, and is not ours.
      expect(await answers('www.hand.example', 'A')).to.deep.equal(['198.51.100.9']);
      const before = await env.direct.client.getZone('hand.example.');
      expect(before?.account).to.equal('');
      expect(before?.kind).to.equal('Master');

      // The approval path: a forced sync of that zone.
      const approved = await env.core().core.engine.fullReconcile('cli', { zones: ['hand.example.'], force: true });
      expect(approved.zones[0]?.outcome).to.equal('changed');
      expect(await answers('www.hand.example', 'A')).to.deep.equal(['192.0.2.80']);
      expect(await answers('mail.hand.example', 'MX')).to.deep.equal([]);
      expect((await env.direct.client.getZone('hand.example.'))?.account).to.equal('netbox-pdns');
    });

    it("keeps an ACME client's TXT, written through the PowerDNS API, through events and full reconciles", async () => {
      await env.direct.client.patchRRsets('acme.example.', [
        { name: '_acme-challenge.www.acme.example.', type: 'TXT', changetype: 'REPLACE', ttl: 60, records: [{ content: '"dns-01-token"', disabled: false }] },
      ]);
      env.netbox.store.createRecord({ zone: 'acme.example', name: 'api', type: 'A', value: '192.0.2.2', disable_ptr: true });
      await deliver();
      await waitFor(async () => (await answers('api.acme.example', 'A'))[0] === '192.0.2.2', { message: 'the event applied' });
      expect(await answers('_acme-challenge.www.acme.example', 'TXT')).to.deep.equal(['"dns-01-token"']);
      const full = await env.core().core.engine.fullReconcile('cli', { zones: ['acme.example.'], keepPlans: true });
      expect(full.zones[0]?.plan?.kept.map((k) => [k.name, k.reason])).to.deep.equal([['_acme-challenge.www.acme.example.', 'protected']]);
      expect(await answers('_acme-challenge.www.acme.example', 'TXT')).to.deep.equal(['"dns-01-token"']);
      expect(await d.metric('netbox_pdns_rrsets_kept', { reason: 'protected' })).to.be.at.least(1);
    });

    it('never empties a zone because NetBox answered with no records for it', async () => {
      env.netbox.faults.next({ emptyRecords: true });
      env.resetRequests();
      const result = await env.core().core.engine.fullReconcile('cli', { zones: ['acme.example.'] });
      expect(result.zones[0]).to.include({ outcome: 'refused' });
      expect(result.zones[0]?.refusal?.code).to.equal('empty_answer');
      expect(env.writes()).to.deep.equal([]);
      expect(await answers('www.acme.example', 'A')).to.deep.equal(['192.0.2.1']);
    });

    it('creates a zone holding a record PowerDNS refuses: everything else served, the refusal reported and not resent', async () => {
      const lua = await zoneStatus('lua.example');
      expect(lua.outcome).to.equal('created');
      expect(lua.rejected).to.have.length(1);
      expect(lua.rejected[0]).to.include({ name: 'dyn.lua.example.', type: 'LUA' });
      expect(lua.rejected[0]?.error).to.match(/Data field in DNS should start with quote/);
      expect(await answers('www.lua.example', 'A')).to.deep.equal(['192.0.2.1']);
      expect(d.logs.filter((l) => l.level === 'warn' && /^PowerDNS refused dyn\.lua\.example\. LUA/.test(String(l.message)))).to.have.length(1);
      expect(await d.metric('netbox_pdns_rrsets_rejected')).to.equal(1);
      expect((await status()).problems.some((p) => /1 rrset\(s\) refused by PowerDNS/.test(p))).to.equal(true);

      // Later events for the zone apply, and the refused rrset is not sent again.
      env.netbox.store.createRecord({ zone: 'lua.example', name: 'new', type: 'A', value: '192.0.2.3', disable_ptr: true });
      env.resetRequests();
      await deliver();
      await waitFor(async () => (await answers('new.lua.example', 'A'))[0] === '192.0.2.3', { message: 'the event applied' });
      const patches = env.proxy.requests.filter((r) => r.method === 'PATCH');
      expect(patches).to.have.length(1, 'one PATCH: the refused LUA rrset is not in it');
      env.resetRequests();
      const full = await d.daemon.core.engine.fullReconcile('api');
      expect(full.zones.find((z) => z.zone === 'lua.example.')?.outcome).to.equal('unchanged');
      expect(env.writes()).to.deep.equal([]);
    });

    it('record ownership: PowerDNS keeps our comment across later PATCHes, and an unmarked rrset is never touched', async () => {
      const s = env.netbox.store;
      s.createZone({ name: 'owned.example', ...ns, soa_rname: 'hostmaster.owned.example' });
      s.createRecord({ zone: 'owned.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
      const { core } = env.core({ NETBOX_PDNS_RECORD_OWNERSHIP: 'true' });
      await core.engine.fullReconcile('cli', { zones: ['owned.example.'] });
      await env.direct.client.patchRRsets('owned.example.', [
        { name: 'manual.owned.example.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.1', disabled: false }] },
      ]);
      const www = s.listRecords({ zone: 'owned.example', type: 'A' })[0];
      s.updateRecord(Number(www?.id), { value: '192.0.2.2' });
      const result = await core.engine.fullReconcile('cli', { zones: ['owned.example.'], keepPlans: true });
      expect(result.zones[0]?.outcome).to.equal('changed');
      expect(result.zones[0]?.plan?.kept.map((k) => [k.name, k.reason])).to.deep.equal([['manual.owned.example.', 'not_marked']]);
      const zone = await env.direct.client.getZone('owned.example.');
      const rrset = (name: string) => zone?.rrsets.find((r) => r.name === name && r.type === 'A');
      expect(rrset('www.owned.example.')?.records.map((r) => r.content)).to.deep.equal(['192.0.2.2']);
      expect(rrset('www.owned.example.')?.comments?.map((c) => c.account)).to.deep.equal(['netbox-pdns']);
      expect(rrset('manual.owned.example.')?.records.map((r) => r.content)).to.deep.equal(['198.51.100.1']);
      // A PATCH that names no comments (another tool's) leaves ours in place: PowerDNS keeps them.
      await env.direct.client.patchRRsets('owned.example.', [
        { name: 'www.owned.example.', type: 'A', changetype: 'REPLACE', ttl: 300, records: [{ content: '192.0.2.2', disabled: false }] },
      ]);
      const again = await env.direct.client.getZone('owned.example.');
      expect(again?.rrsets.find((r) => r.name === 'www.owned.example.')?.comments?.map((c) => c.account)).to.deep.equal(['netbox-pdns']);
    });
  });
});
