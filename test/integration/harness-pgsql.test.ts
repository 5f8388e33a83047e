/**
 * The pgsql harness: PowerDNS on gpgsql over a throw-away PostgreSQL serves what the API wrote, and
 * takes concurrent writes to different zones without the 500s the sqlite backend gives
 * (powerdns-api.md §6). That is a property of the backend, so it is asserted; the timings are printed.
 */
import { expect } from 'chai';
import { queryDns } from '../support/dns.js';
import { pdnsCall, pdnsRequest } from '../support/pdns-api.js';
import { API_KEY, makeClient, rr, soaAndNs } from '../support/pdns-fixtures.js';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { startPostgres, type PostgresCluster } from '../support/postgres.js';

/** Sends one single-rrset PATCH to each zone at the same time; returns the statuses that were not 204. */
async function concurrentPatches(pdns: PdnsServer, zones: string[]): Promise<number[]> {
  const statuses = await Promise.all(zones.map(async (zone) => (await pdnsRequest(pdns, 'PATCH', `/zones/${zone}`, {
    rrsets: [rr(`www.${zone}`, 'A', '192.0.2.80')],
  })).status));
  return statuses.filter((s) => s !== 204);
}

describe('harness: PowerDNS on gpgsql (PostgreSQL)', function () {
  this.timeout(60_000);
  let pg: PostgresCluster;
  let pdns: PdnsServer;

  before(async () => {
    let t = Date.now();
    pg = await startPostgres();
    const clusterMs = Date.now() - t;
    t = Date.now();
    pdns = await startPdns({ backend: 'pgsql', postgres: pg, apiKey: API_KEY });
    console.log(`      PostgreSQL ${pg.version} cluster ready in ${clusterMs} ms; pdns_server on gpgsql (database + schema + start) in ${Date.now() - t} ms`);
  });
  after(async () => {
    await pdns?.stop();
    await pg?.stop();
  });

  it('runs on its own database in the cluster, connecting over TCP with a password', async () => {
    expect(pdns.backend).to.equal('pgsql');
    expect(pdns.database).to.include({ host: '127.0.0.1', port: pg.port });
    const config = (await pdnsCall(pdns, 'GET', '/config', undefined, 200)) as { name: string; value: string }[];
    const setting = (name: string): string | undefined => config.find((c) => c.name === name)?.value;
    expect(setting('launch')).to.equal('gpgsql');
    expect(setting('gpgsql-dbname')).to.equal(pdns.database?.dbname);
  });

  it('creates a zone, PATCHes an rrset, reads it back and serves it over DNS', async () => {
    const { client } = makeClient(`${pdns.apiUrl}/api/v1/`);
    expect(await client.createZone(soaAndNs('pg.example.'))).to.equal('created');
    await client.patchRRsets('pg.example.', [rr('www.pg.example.', 'A', '192.0.2.1', '192.0.2.2')]);
    const zone = await client.getZone('pg.example.');
    const www = zone?.rrsets.find((r) => r.name === 'www.pg.example.' && r.type === 'A');
    expect(www?.records.map((r) => r.content).sort()).to.deep.equal(['192.0.2.1', '192.0.2.2']);
    const rows = await pg.psql("SELECT content FROM records WHERE name = 'www.pg.example' ORDER BY content", {
      dbname: pdns.database?.dbname, user: pdns.database?.user,
    });
    expect(rows.trim().split('\n')).to.deep.equal(['192.0.2.1', '192.0.2.2']);
    const answer = await queryDns(pdns.dnsPort, 'www.pg.example.', 'A');
    expect(answer).to.include({ rcode: 'NOERROR', aa: true });
    expect(answer.answers.sort()).to.deep.equal(['192.0.2.1', '192.0.2.2']);
  });

  it('takes concurrent PATCHes to different zones without a failure (2, then 50 at once)', async () => {
    const zones = Array.from({ length: 50 }, (_, i) => `conc${i}.pg.test.`);
    await Promise.all(zones.map((zone) => pdnsCall(pdns, 'POST', '/zones', soaAndNs(zone), 201)));
    expect(await concurrentPatches(pdns, zones.slice(0, 2))).to.deep.equal([]);
    const t = Date.now();
    const failed = await concurrentPatches(pdns, zones);
    console.log(`      50 concurrent PATCHes to 50 zones on gpgsql: ${failed.length} failed, ${Date.now() - t} ms`);
    expect(failed).to.deep.equal([]);
    const served = await Promise.all(zones.map(async (zone) => (await queryDns(pdns.dnsPort, `www.${zone}`, 'A')).answers));
    expect(served.every((a) => a.length === 1 && a[0] === '192.0.2.80')).to.equal(true);
  });

  it('hosts a second PowerDNS database in the same cluster, reached through the unix socket', async () => {
    const other = await startPdns({ backend: 'pgsql', postgres: pg, pgsqlSocket: true, apiKey: API_KEY });
    try {
      expect(other.database?.dbname).to.not.equal(pdns.database?.dbname);
      await pdnsCall(other, 'POST', '/zones', soaAndNs('socket.example.', [rr('a.socket.example.', 'A', '192.0.2.9')]), 201);
      expect((await queryDns(other.dnsPort, 'a.socket.example.', 'A')).answers).to.deep.equal(['192.0.2.9']);
      // Separate databases: the first server does not know the zone.
      expect((await pdnsRequest(pdns, 'GET', '/zones/socket.example.')).status).to.equal(404);
    } finally {
      await other.stop();
    }
  });
});
