/**
 * Key changes reach a real secondary: a signed primary (the daemon's catalog makes the zone a member,
 * a second PowerDNS consumes it) and a ZSK rollover in fast-forward. PowerDNS does not move the serial
 * for key changes and the secondary's freshness check ignores key tags (replication-dnssec.md §2.9),
 * so the plan moves the serial and the daemon notifies; after every step the secondary serves the
 * primary's DNSKEY set and validates (delv with the primary's KSK as trust anchor, ldns-verify-zone
 * on the secondary's AXFR).
 */
import { expect } from 'chai';
import { startSyncEnv, PDNS_KEY, type SyncEnv } from '../support/sync-env.js';
import { CATALOG, createConsumerZone, startReplicationPair, type ReplicationPair } from '../support/replication.js';
import { delv, servedDnskeys, servedKsks, servedRrsigTags, verifyZone } from '../support/dnssec-check.js';
import { soaSerial } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import type { Core } from '../../src/app/core.js';

const ZONE = 'sec.example.';
const DAY = 86400;
const T_PUB = 3600 + 3600 + 300;

describe('DNSSEC on a secondary after key changes (real primary and secondary PowerDNS)', function () {
  this.timeout(180_000);
  let pair: ReplicationPair;
  let env: SyncEnv;
  let core: Core;
  let offsetS = 0;
  const clock: Clock = { ...systemClock, now: () => Date.now() + offsetS * 1000 };

  const at = async (seconds: number): Promise<void> => {
    offsetS = seconds;
    const result = await core.engine.fullReconcile('cron');
    expect(result.zones.filter((z) => z.outcome === 'failed' || z.outcome === 'refused').map((z) => `${z.zone} ${z.error ?? ''}`)).to.deep.equal([]);
  };
  /** The secondary has what the primary serves (serial and DNSKEY set) and it validates. */
  async function secondaryInStep(): Promise<void> {
    const primaryKeys = (await servedDnskeys(pair.primary.dnsPort, ZONE)).sort();
    const serial = await soaSerial(pair.primary.dnsPort, ZONE);
    await waitFor(async () => (await soaSerial(pair.secondary.dnsPort, ZONE)) === serial
      && JSON.stringify((await servedDnskeys(pair.secondary.dnsPort, ZONE)).sort()) === JSON.stringify(primaryKeys), { timeoutMs: 30_000, intervalMs: 100, message: 'the secondary in step' });
    // The same keys sign on both: the secondary transferred the new signatures, not only the keys.
    expect(await servedRrsigTags(pair.secondary.dnsPort, 'www.sec.example', 'A')).to.deep.equal(await servedRrsigTags(pair.primary.dnsPort, 'www.sec.example', 'A'));
    const anchors = await servedKsks(pair.primary.dnsPort, ZONE);
    for (const [name, type, verdict] of [['www.sec.example', 'A', 'fully validated'], ['nope.sec.example', 'A', 'negative response, fully validated'], ['sec.example', 'DNSKEY', 'fully validated']]) {
      const r = await delv(pair.secondary.dnsPort, ZONE, name as string, type as string, anchors);
      expect(r.verdict, `secondary ${name} ${type}: ${r.output}`).to.equal(verdict);
    }
    const v = await verifyZone(pair.secondary.dnsPort, ZONE);
    expect(v.ok, v.output).to.equal(true);
  }

  before(async () => {
    pair = await startReplicationPair({ dnssec: true, apiKey: PDNS_KEY });
    await createConsumerZone(pair.secondary, pair.primaryDns);
    env = await startSyncEnv({ pdns: pair.primary });
    const s = env.netbox.store;
    const ksk = Number(s.createKeyTemplate({ name: 'k', type: 'KSK', algorithm: 'ECDSAP256SHA256' }).id);
    const zsk = Number(s.createKeyTemplate({ name: 'z', type: 'ZSK', algorithm: 'ECDSAP256SHA256', lifetime: 'P30D' }).id);
    const policy = Number(s.createDnssecPolicy({
      name: 'p', key_templates: [ksk, zsk], use_nsec3: true, publish_safety: 3600, retire_safety: 3600, zone_propagation_delay: 300, max_zone_ttl: 86400,
    }).id);
    s.createZone({ name: 'sec.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.sec.example', soa_minimum: 3600, dnssec_policy: policy });
    s.createRecord({ zone: 'sec.example', name: 'www', type: 'A', value: '192.0.2.5', disable_ptr: true });
    core = env.core({ NETBOX_PDNS_CATALOG_ZONE: CATALOG }, clock).core;
    await at(0);
  });
  after(async () => {
    await env?.stop();
    await pair?.stop();
  });

  it('serves the signed zone, and each step of a ZSK rollover, validated', async () => {
    await secondaryInStep();
    expect(await servedDnskeys(pair.secondary.dnsPort, ZONE)).to.have.length(2);
    await at(30 * DAY - T_PUB);
    expect(await servedDnskeys(pair.primary.dnsPort, ZONE)).to.have.length(3);
    await secondaryInStep();
    const before = await servedRrsigTags(pair.secondary.dnsPort, 'www.sec.example', 'A');
    await at(30 * DAY);
    await secondaryInStep();
    // The new ZSK signs on the secondary too.
    expect(await servedRrsigTags(pair.secondary.dnsPort, 'www.sec.example', 'A')).to.not.deep.equal(before);
    await at(30 * DAY + 86400 + 300 + 3600);
    expect(await servedDnskeys(pair.primary.dnsPort, ZONE)).to.have.length(2);
    await secondaryInStep();
  });
});
