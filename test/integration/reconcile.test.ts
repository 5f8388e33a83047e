/**
 * The reconcile engine against a real PowerDNS 4.7 and the fake NetBox: what an operator relies on
 * (cold sync served over DNS, idempotent re-runs, changes and drift repaired, ownership, safety),
 * on each backend: sqlite3 and gpgsql on a real PostgreSQL.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { queryDns } from '../support/dns.js';
import { forEachBackend } from '../support/backends.js';

describe('reconcile against a real PowerDNS', function () {
  this.timeout(30_000);
  forEachBackend((backend) => {
    let env: SyncEnv;

    before(async () => {
      env = await startSyncEnv({ maxPageSize: 5, backend });
      const s = env.netbox.store;
      s.createZone({ name: 'example.com', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.example.com', default_ttl: 3600 });
      s.createZone({ name: '2.0.192.in-addr.arpa', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.example.com.' });
      s.createZone({ name: 'elsewhere.org', nameservers: ['ns9.elsewhere.net'], soa_mname: 'ns9.elsewhere.net', soa_rname: 'hostmaster.elsewhere.org' });
      s.createRecord({ zone: 'example.com', name: 'www', type: 'A', value: '192.0.2.10' });
      s.createRecord({ zone: 'example.com', name: '@', type: 'MX', value: '10 mail' });
      s.createRecord({ zone: 'example.com', name: 'mail', type: 'A', value: '192.0.2.25', ttl: 300 });
      s.createRecord({ zone: 'example.com', name: '@', type: 'TXT', value: 'v=spf1 mx -all' });
      s.createRecord({ zone: 'example.com', name: 'quoted', type: 'TXT', value: '"already quoted"' });
      s.createRecord({ zone: 'example.com', name: 'v6', type: 'AAAA', value: '2001:DB8::0001' });
      s.createRecord({ zone: 'example.com', name: 'alias', type: 'CNAME', value: 'www' });
      s.createRecord({ zone: 'example.com', name: '_sip._tcp', type: 'SRV', value: '10 60 5060 sip.example.net.' });
      s.createRecord({ zone: 'example.com', name: '@', type: 'CAA', value: '0 issue letsencrypt.org' });
      s.createRecord({ zone: 'example.com', name: 'long', type: 'TXT', value: 'x'.repeat(300) });
      s.createRecord({ zone: 'example.com', name: 'off', type: 'A', value: '192.0.2.99', status: 'inactive' });
    });
    after(async () => env?.stop());

    it('creates every zone of our nameserver on a cold sync, and PowerDNS answers for its records', async () => {
      const { core } = env.core();
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      const outcomes = Object.fromEntries(result.zones.map((z) => [z.zone, z.outcome]));
      expect(outcomes).to.deep.equal({ 'example.com.': 'created', '2.0.192.in-addr.arpa.': 'created' });

      const www = await queryDns(env.pdns.dnsPort, 'www.example.com', 'A');
      expect(www.rcode).to.equal('NOERROR');
      expect(www.answers).to.deep.equal(['192.0.2.10']);
      const ptr = await queryDns(env.pdns.dnsPort, '10.2.0.192.in-addr.arpa', 'PTR');
      expect(ptr.answers).to.deep.equal(['www.example.com.']);
      const mx = await queryDns(env.pdns.dnsPort, 'example.com', 'MX');
      expect(mx.answers).to.deep.equal(['10 mail.example.com.']);
      const off = await queryDns(env.pdns.dnsPort, 'off.example.com', 'A');
      expect(off.rcode).to.equal('NXDOMAIN');
      const foreign = await queryDns(env.pdns.dnsPort, 'elsewhere.org', 'SOA');
      expect(foreign.rcode).to.equal('REFUSED');

      const zone = await env.direct.client.getZone('example.com.');
      expect(zone?.account).to.equal('netbox-pdns');
      const nbZone = env.netbox.store.findZone('example.com');
      expect(zone?.serial).to.equal(nbZone?.soa_serial);
    });

    it('finds nothing to do on a second run: no write to PowerDNS and the serial unchanged', async () => {
      const before = await env.direct.client.getZone('example.com.');
      env.resetRequests();
      const { core } = env.core();
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      expect(result.zones.map((z) => z.outcome)).to.deep.equal(['unchanged', 'unchanged']);
      expect(env.writes()).to.deep.equal([]);
      const after = await env.direct.client.getZone('example.com.');
      expect(after?.serial).to.equal(before?.serial);
    });

    it('applies record additions, changes and deletions made in NetBox on the next sync, in one PATCH per zone', async () => {
      const s = env.netbox.store;
      const www = s.listRecords({ zone: 'example.com' }).find((r) => r.name === 'www' && r.type === 'A');
      const mail = s.listRecords({ zone: 'example.com' }).find((r) => r.name === 'mail' && r.type === 'A');
      s.createRecord({ zone: 'example.com', name: 'new', type: 'A', value: '192.0.2.50' });
      s.updateRecord(Number(www?.id), { value: '192.0.2.11' });
      s.deleteRecord(Number(mail?.id));
      env.resetRequests();
      const { core } = env.core();
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      const patches = env.writes().filter((w) => w.method === 'PATCH');
      expect(patches).to.have.length(2); // example.com and its reverse zone (PTRs moved)
      expect((await queryDns(env.pdns.dnsPort, 'new.example.com', 'A')).answers).to.deep.equal(['192.0.2.50']);
      expect((await queryDns(env.pdns.dnsPort, 'www.example.com', 'A')).answers).to.deep.equal(['192.0.2.11']);
      expect((await queryDns(env.pdns.dnsPort, 'mail.example.com', 'A')).rcode).to.equal('NXDOMAIN');
      // NetBox serials are Unix seconds: two changes in one second share one, so ours may be one ahead.
      const zone = await env.direct.client.getZone('example.com.');
      expect(zone?.serial).to.be.at.least(Number(s.findZone('example.com')?.soa_serial));
    });

    it('repairs drift made directly in PowerDNS, leaving the serial increasing', async () => {
      const before = await env.direct.client.getZone('example.com.');
      await env.direct.client.patchRRsets('example.com.', [
        { name: 'www.example.com.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '203.0.113.66', disabled: false }] },
        { name: 'rogue.example.com.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '203.0.113.67', disabled: false }] },
      ]);
      const { core } = env.core();
      const result = await core.engine.fullReconcile('cli');
      const zoneResult = result.zones.find((z) => z.zone === 'example.com.');
      expect(zoneResult?.outcome).to.equal('changed');
      expect(zoneResult?.changes).to.deep.equal({ creates: 0, updates: 2, deletes: 1 }); // www, SOA serial; rogue
      expect((await queryDns(env.pdns.dnsPort, 'www.example.com', 'A')).answers).to.deep.equal(['192.0.2.11']);
      expect((await queryDns(env.pdns.dnsPort, 'rogue.example.com', 'A')).rcode).to.equal('NXDOMAIN');
      const after = await env.direct.client.getZone('example.com.');
      expect(after?.serial).to.be.greaterThan(before?.serial ?? 0);
    });

    it('never touches a zone it does not own, even when NetBox has no such zone', async () => {
      await env.direct.client.createZone({
        name: 'foreign.test.', kind: 'Native', account: 'someone-else', soa_edit_api: '', nameservers: ['ns.foreign.test.'],
        rrsets: [{ name: 'www.foreign.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.1', disabled: false }] }],
      });
      env.resetRequests();
      const { core } = env.core();
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      expect(env.writes().filter((w) => w.url.includes('foreign'))).to.deep.equal([]);
      expect(await env.direct.client.getZone('foreign.test.')).to.not.equal(null);
    });

    it('deletes an owned zone that left NetBox, and only that one', async () => {
      const s = env.netbox.store;
      const z = s.createZone({ name: 'temp.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.temp.example' });
      await env.core().core.engine.fullReconcile('cli');
      expect(await env.direct.client.getZone('temp.example.')).to.not.equal(null);
      s.deleteZone(z.id);
      const result = await env.core().core.engine.fullReconcile('cli');
      expect(result.zones.find((r) => r.zone === 'temp.example.')?.outcome).to.equal('deleted');
      expect(await env.direct.client.getZone('temp.example.')).to.equal(null);
      expect(await env.direct.client.getZone('foreign.test.')).to.not.equal(null);
      expect(await env.direct.client.getZone('example.com.')).to.not.equal(null);
    });

    it('refuses a plan that deletes more than 30 % of a zone, applies it with --force', async () => {
      const s = env.netbox.store;
      const z = s.createZone({ name: 'big.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.big.example' });
      const ids = Array.from({ length: 12 }, (_, i) => s.createRecord({ zone: z.id, name: `h${i}`, type: 'A', value: `198.51.100.${i + 1}` }).id);
      await env.core().core.engine.fullReconcile('cli');
      for (const id of ids.slice(0, 6)) s.deleteRecord(id);
      env.resetRequests();
      const refused = await env.core().core.engine.fullReconcile('cli');
      const zr = refused.zones.find((r) => r.zone === 'big.example.');
      expect(zr?.outcome).to.equal('refused');
      expect(zr?.error).to.match(/too many deletes/i);
      expect(refused.outcome).to.equal('refused');
      expect(env.writes().filter((w) => w.url.includes('big.example'))).to.deep.equal([]);
      expect((await queryDns(env.pdns.dnsPort, 'h0.big.example', 'A')).answers).to.deep.equal(['198.51.100.1']);

      const forced = await env.core().core.engine.fullReconcile('cli', { force: true });
      expect(forced.zones.find((r) => r.zone === 'big.example.')?.outcome).to.equal('changed');
      expect((await queryDns(env.pdns.dnsPort, 'h0.big.example', 'A')).rcode).to.equal('NXDOMAIN');
    });

    it('reads NetBox in bulk pages, not one request series per zone', async () => {
      env.netbox.resetRequests();
      await env.core().core.engine.fullReconcile('cli');
      const recordRequests = env.netbox.requests.filter((r) => r.path.endsWith('/records/'));
      const ours = ['example.com', '2.0.192.in-addr.arpa', 'big.example'];
      const total = ours.reduce((n, zone) => n + env.netbox.store.listRecords({ zone }).filter((r) => r.active).length, 0);
      expect(recordRequests.every((r) => new URLSearchParams(r.query).getAll('zone_id').length === ours.length)).to.equal(true);
      // maxPageSize 5 here: pages of 5 records for all zones at once, following `next`.
      expect(recordRequests.length).to.equal(Math.ceil(total / 5));
      expect(recordRequests.every((r) => r.status === 200)).to.equal(true);
    });

    it('retries a PowerDNS 500 and still applies the change', async () => {
      const s = env.netbox.store;
      s.createRecord({ zone: 'example.com', name: 'retry', type: 'A', value: '192.0.2.77' });
      env.proxy.enqueue({ method: 'PATCH', status: 500 }, { method: 'PATCH', status: 500 });
      const { core, logs } = env.core();
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      expect((await queryDns(env.pdns.dnsPort, 'retry.example.com', 'A')).answers).to.deep.equal(['192.0.2.77']);
      const retries = logs.filter((l) => l.level === 'warn' && /^Function patchZone failed \(attempt [12]\/3\): .*Retrying in/.test(String(l.message)));
      expect(retries).to.have.length(2);
    });

    it('does not write anything when NetBox fails mid-listing', async () => {
      env.netbox.store.createRecord({ zone: 'example.com', name: 'later', type: 'A', value: '192.0.2.78' });
      env.netbox.faults.next({ status: 503 }, 20);
      env.resetRequests();
      const result = await env.core().core.engine.fullReconcile('cli');
      env.netbox.faults.clear();
      expect(result.outcome).to.equal('failure');
      expect(result.error).to.match(/503/);
      expect(env.writes()).to.deep.equal([]);
    });
  });
});
