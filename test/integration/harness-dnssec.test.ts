/**
 * The `dnssec: true` harness option turns on the backend's DNSSEC switch (gsqlite3-dnssec /
 * gpgsql-dnssec); without it `POST /zones {"dnssec":true}` is a 422 (replication-dnssec.md §2.1).
 * The pgsql case also covers startPdns with a private PostgreSQL cluster.
 */
import { expect } from 'chai';
import { queryDns } from '../support/dns.js';
import { pdnsCall } from '../support/pdns-api.js';
import { soaAndNs } from '../support/pdns-fixtures.js';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';

for (const [backend, setting] of [['sqlite3', 'gsqlite3-dnssec'], ['pgsql', 'gpgsql-dnssec']] as const) {
  describe(`harness: dnssec option (${backend})`, function () {
    this.timeout(60_000);
    let pdns: PdnsServer;

    before(async () => {
      pdns = await startPdns({ backend, dnssec: true });
    });
    after(async () => {
      await pdns?.stop();
    });

    it(`sets ${setting}=yes, so a zone can be created signed and serves its DNSKEY`, async () => {
      const config = (await pdnsCall(pdns, 'GET', '/config', undefined, 200)) as { name: string; value: string }[];
      expect(config.find((c) => c.name === setting)?.value).to.equal('yes');
      await pdnsCall(pdns, 'POST', '/zones', { ...soaAndNs('signed.example.'), dnssec: true }, 201);
      const keys = (await pdnsCall(pdns, 'GET', '/zones/signed.example./cryptokeys', undefined, 200)) as { active?: boolean }[];
      expect(keys.map((k) => k.active)).to.deep.equal([true]);
      const dnskey = await queryDns(pdns.dnsPort, 'signed.example.', 'DNSKEY');
      expect(dnskey.rcode).to.equal('NOERROR');
      expect(dnskey.answers).to.have.length(1);
    });
  });
}
