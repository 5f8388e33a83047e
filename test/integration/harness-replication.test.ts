/**
 * The replication harness: a primary with a Producer catalog zone and a secondary consuming it pick
 * up a new member zone and a record change through the fast path (EPOCH bump of the catalog + NOTIFY,
 * replication-dnssec.md §1.6), with the primary's xfr cycle too long to do it instead. Propagation times are printed,
 * not asserted beyond a generous timeout.
 */
import { expect } from 'chai';
import { queryDns } from '../support/dns.js';
import { pdnsCall } from '../support/pdns-api.js';
import {
  apiSerial, bumpSerial, CATALOG, createConsumerZone, createProducerZone, notifyZone, setAlsoNotify, startReplicationPair,
  waitForSoaSerial, type ReplicationPair,
} from '../support/replication.js';
import { waitFor } from '../support/wait.js';

const MEMBER = 'member.example.';

/** Polls the secondary until it serves `address` for www.<member>; returns how long that took. */
async function servedAfter(pair: ReplicationPair, address: string, since: number): Promise<number> {
  await waitFor(async () => {
    const result = await queryDns(pair.secondary.dnsPort, `www.${MEMBER}`, 'A');
    return result.rcode === 'NOERROR' && result.answers.length === 1 && result.answers[0] === address;
  }, { timeoutMs: 30_000, intervalMs: 50, message: `the secondary to serve www.${MEMBER} A ${address}` });
  return Date.now() - since;
}

for (const backend of ['sqlite3', 'pgsql'] as const) {
  describe(`harness: catalog replication between two PowerDNS (${backend})`, function () {
    this.timeout(90_000);
    let pair: ReplicationPair;

    before(async () => {
      const t = Date.now();
      // A primary cycle far longer than the timeout: what reaches the secondary got there by the fast
      // path (EPOCH bump + NOTIFY), not by the primary's periodic hash check and NOTIFY.
      pair = await startReplicationPair({ backend, primary: { xfrCycleInterval: 120 } });
      console.log(`      primary + secondary${backend === 'pgsql' ? ' + PostgreSQL cluster' : ''} ready in ${Date.now() - t} ms`);
    });
    after(async () => {
      await pair?.stop();
    });

    it('a new catalog member, then a record change, reach the secondary through the fast path', async () => {
      const { primary, secondary, secondaryDns } = pair;
      await createProducerZone(primary);
      await pdnsCall(primary, 'POST', '/zones', {
        name: MEMBER, kind: 'Master', catalog: CATALOG, nameservers: [],
        rrsets: [
          { name: MEMBER, type: 'NS', ttl: 300, records: [{ content: 'ns1.example.net.', disabled: false }] },
          { name: `www.${MEMBER}`, type: 'A', ttl: 300, records: [{ content: '192.0.2.10', disabled: false }] },
        ],
      }, 201);
      await setAlsoNotify(primary, CATALOG, [secondaryDns]);
      await setAlsoNotify(primary, MEMBER, [secondaryDns]);
      await createConsumerZone(secondary, pair.primaryDns);

      let t = Date.now();
      await bumpSerial(primary, CATALOG);
      await notifyZone(primary, CATALOG);
      await notifyZone(primary, MEMBER);
      const newMemberMs = await servedAfter(pair, '192.0.2.10', t);
      await waitForSoaSerial(secondary.dnsPort, CATALOG, await apiSerial(primary, CATALOG), { timeoutMs: 30_000 });
      const member = (await pdnsCall(secondary, 'GET', `/zones/${MEMBER}?rrsets=false`, undefined, 200)) as { kind?: string; catalog?: string };
      expect(member).to.include({ kind: 'Slave', catalog: CATALOG });

      t = Date.now();
      await pdnsCall(primary, 'PATCH', `/zones/${MEMBER}`, {
        rrsets: [{ name: `www.${MEMBER}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.20', disabled: false }] }],
      }, 204);
      await notifyZone(primary, MEMBER);
      const changeMs = await servedAfter(pair, '192.0.2.20', t);
      expect(await waitForSoaSerial(secondary.dnsPort, MEMBER, await apiSerial(primary, MEMBER))).to.equal(await apiSerial(primary, MEMBER));
      console.log(`      ${backend}: new member served by the secondary after ${newMemberMs} ms; record change after ${changeMs} ms`);
    });
  });
}
