/** Ownership, adoption, zone kind/NOTIFY and the empty-NetBox guard, against a real PowerDNS on sqlite3 and on gpgsql. */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { forEachBackend } from '../support/backends.js';
import { queryDns } from '../support/dns.js';

describe('ownership and zone settings', function () {
  this.timeout(30_000);
  forEachBackend((backend) => {
    let env: SyncEnv;

    before(async () => {
      env = await startSyncEnv({ backend });
      const s = env.netbox.store;
      for (const name of ['adopt.example', 'keep.example']) {
        s.createZone({ name, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${name}` });
        s.createRecord({ zone: name, name: 'www', type: 'A', value: '192.0.2.80' });
      }
    });
    after(async () => env?.stop());

    const createForeign = (name: string): Promise<unknown> => env.direct.client.createZone({
      name, kind: 'Native', account: 'hand-made', soa_edit_api: 'DEFAULT', nameservers: ['ns.hand.test.'],
      rrsets: [{ name: `www.${name}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.9', disabled: false }] }],
    });

    it('leaves a pre-existing zone alone when adoption is off', async () => {
      await createForeign('keep.example.');
      const result = await env.core({ NETBOX_PDNS_ADOPT_ZONES: 'false' }).core.engine.fullReconcile('cli', { zones: ['keep.example.'] });
      expect(result.zones[0]?.outcome).to.equal('skipped');
      const zone = await env.direct.client.getZone('keep.example.');
      expect(zone?.account).to.equal('hand-made');
      expect((await queryDns(env.pdns.dnsPort, 'www.keep.example', 'A')).answers).to.deep.equal(['198.51.100.9']);
    });

    it('with adoption "always", adopts a pre-existing zone NetBox serves for our nameserver: marker set, serial handed to NetBox, content synced', async () => {
      await createForeign('adopt.example.');
      const { core, logs } = env.core({ NETBOX_PDNS_ADOPT_ZONES: 'always' });
      const result = await core.engine.fullReconcile('cli', { zones: ['adopt.example.'] });
      expect(result.zones[0]?.outcome).to.equal('changed');
      const zone = await env.direct.client.getZone('adopt.example.');
      expect(zone?.account).to.equal('netbox-pdns');
      expect(zone?.soa_edit_api).to.equal('');
      expect((await queryDns(env.pdns.dnsPort, 'www.adopt.example', 'A')).answers).to.deep.equal(['192.0.2.80']);
      expect(logs.some((l) => l.level === 'warn' && /adopting zone/.test(String(l.message)) && l.zone === 'adopt.example.')).to.equal(true);
    });

    it('creates Master zones and sends a NOTIFY after each applied change when configured', async () => {
      const s = env.netbox.store;
      s.createZone({ name: 'primary.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.primary.example' });
      const overrides = { NETBOX_PDNS_PDNS_ZONE_KIND: 'Master' };
      env.resetRequests();
      await env.core(overrides).core.engine.fullReconcile('cli', { zones: ['primary.example.'] });
      expect((await env.direct.client.getZone('primary.example.'))?.kind).to.equal('Master');
      expect(env.writes().filter((w) => w.method === 'PUT' && w.url.endsWith('/notify'))).to.have.length(1);
      s.createRecord({ zone: 'primary.example', name: 'n', type: 'A', value: '192.0.2.81' });
      env.resetRequests();
      await env.core(overrides).core.engine.fullReconcile('cli', { zones: ['primary.example.'] });
      expect(env.writes().map((w) => w.method)).to.deep.equal(['PATCH', 'PUT']);
      env.resetRequests();
      await env.core(overrides).core.engine.fullReconcile('cli', { zones: ['primary.example.'] });
      expect(env.writes()).to.deep.equal([]); // in sync: neither PATCH nor NOTIFY
    });

    it('refuses to delete anything when NetBox suddenly lists no zones for us', async () => {
      env.netbox.faults.next({ emptyZones: true });
      env.resetRequests();
      const result = await env.core().core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('refused');
      expect(result.refusal).to.match(/zero|no zones/i);
      expect(env.writes().filter((w) => w.method === 'DELETE')).to.deep.equal([]);
      expect(await env.direct.client.getZone('adopt.example.')).to.not.equal(null);
    });
  });
});
