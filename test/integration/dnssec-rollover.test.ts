/**
 * Key rollovers in fast-forward against a real PowerDNS: the daemon's clock is injected and moved
 * across the policy's timings, and after every step the zone must validate (delv for a positive
 * answer and a NODATA, with the KSK for the ZSK roll and with the parent's key through the DS for the
 * KSK roll; ldns-verify-zone on an AXFR). A fresh core (a restarted daemon) in the middle resumes from
 * what PowerDNS holds (key flags and our metadata).
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { delv, servedDnskeys, servedKsks, verifyZone } from '../support/dnssec-check.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { dsCommand } from '../../src/cli/ds-command.js';
import type { Core } from '../../src/app/core.js';

const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };
const DAY = 86400;
/** Policy timings: DNSKEY TTL = SOA minimum 3600, publish safety 3600, zone propagation 300. */
const T_PUB = 3600 + 3600 + 300;
const TIMINGS = { publish_safety: 3600, retire_safety: 3600, zone_propagation_delay: 300, max_zone_ttl: 86400, parent_ds_ttl: 3600, parent_propagation_delay: 3600 };

describe('key rollover in fast-forward (real PowerDNS, validation at every step)', function () {
  this.timeout(180_000);
  let env: SyncEnv;
  let offsetS = 0;
  const clock: Clock = { ...systemClock, now: () => Date.now() + offsetS * 1000 };
  let core: Core;
  const fresh = (): Core => env.core({ NETBOX_PDNS_DNSSEC_DS_RESOLVER: `127.0.0.1:${env.pdns.dnsPort}` }, clock).core;
  const at = async (seconds: number): Promise<void> => {
    offsetS = seconds;
    const result = await core.engine.fullReconcile('cron');
    expect(result.zones.filter((z) => z.outcome === 'failed' || z.outcome === 'refused').map((z) => `${z.zone} ${z.outcome} ${z.error ?? ''}`)).to.deep.equal([]);
  };
  const keys = async (zone: string): Promise<string[]> => (await env.direct.client.listCryptokeys(zone))
    .map((k) => `${k.flags}${k.active ? ' active' : ''}${k.published ? ' published' : ''}`).sort();

  async function expectValid(zone: string, anchorZone = zone): Promise<void> {
    const anchors = await servedKsks(env.pdns.dnsPort, anchorZone);
    for (const [name, type, verdict] of [[`www.${zone}`, 'A', 'fully validated'], [`www.${zone}`, 'TXT', 'negative response, fully validated'], [zone, 'DNSKEY', 'fully validated']]) {
      const r = await delv(env.pdns.dnsPort, anchorZone, name as string, type as string, anchors);
      expect(r.verdict, `${name} ${type}: ${r.output}`).to.equal(verdict);
    }
    const v = await verifyZone(env.pdns.dnsPort, zone);
    expect(v.ok, v.output).to.equal(true);
  }

  before(async () => {
    env = await startSyncEnv({ dnssec: true });
    const s = env.netbox.store;
    const ksk = Number(s.createKeyTemplate({ name: 'k', type: 'KSK', algorithm: 'ECDSAP256SHA256' }).id);
    const zsk30 = Number(s.createKeyTemplate({ name: 'z30', type: 'ZSK', algorithm: 'ECDSAP256SHA256', lifetime: 'P30D' }).id);
    const ksk365 = Number(s.createKeyTemplate({ name: 'k365', type: 'KSK', algorithm: 'ED25519', lifetime: 'P365D' }).id);
    const zsk = Number(s.createKeyTemplate({ name: 'z', type: 'ZSK', algorithm: 'ED25519' }).id);
    const csk = Number(s.createKeyTemplate({ name: 'parent', type: 'CSK', algorithm: 'ECDSAP256SHA256' }).id);
    const zskRoll = Number(s.createDnssecPolicy({ name: 'zsk-roll', key_templates: [ksk, zsk30], use_nsec3: true, ...TIMINGS }).id);
    const kskRoll = Number(s.createDnssecPolicy({ name: 'ksk-roll', key_templates: [ksk365, zsk], use_nsec3: false, cds_digest_types: ['SHA256'], ...TIMINGS }).id);
    const parent = Number(s.createDnssecPolicy({ name: 'parent', key_templates: [csk], use_nsec3: false }).id);
    s.createZone({ name: 'zroll.example', ...ns, soa_rname: 'hostmaster.zroll.example', soa_minimum: 3600, dnssec_policy: zskRoll });
    s.createRecord({ zone: 'zroll.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    s.createZone({ name: 'roll.test', ...ns, soa_rname: 'hostmaster.roll.test', dnssec_policy: parent });
    s.createRecord({ zone: 'roll.test', name: 'kroll', type: 'NS', value: 'ns1.example.net.' });
    s.createZone({ name: 'kroll.roll.test', ...ns, soa_rname: 'hostmaster.kroll.roll.test', soa_minimum: 3600, dnssec_policy: kskRoll });
    s.createRecord({ zone: 'kroll.roll.test', name: 'www', type: 'A', value: '192.0.2.2', disable_ptr: true });
    core = fresh();
    await at(0);
  });
  after(async () => env?.stop());

  it('rolls the ZSK: pre-published, then signing while the old one stays published, then the old one removed', async () => {
    const zone = 'zroll.example.';
    const lifetime = 30 * DAY;
    expect(await keys(zone)).to.deep.equal(['256 active published', '257 active published']);
    await expectValid(zone);
    const serial0 = (await env.direct.client.getZone(zone))?.serial ?? 0;

    await at(lifetime - T_PUB - 60);
    expect(await keys(zone)).to.have.length(2);
    await at(lifetime - T_PUB);
    expect(await keys(zone)).to.deep.equal(['256 active published', '256 published', '257 active published']);
    expect(await servedDnskeys(env.pdns.dnsPort, zone)).to.have.length(3);
    expect((await env.direct.client.getZone(zone))?.serial).to.be.greaterThan(serial0);
    await expectValid(zone);

    // A restarted daemon resumes from PowerDNS's flags and our metadata.
    core = fresh();
    await at(lifetime - 60);
    expect(await keys(zone)).to.deep.equal(['256 active published', '256 published', '257 active published']);
    await at(lifetime);
    expect(await keys(zone)).to.deep.equal(['256 active published', '256 published', '257 active published']);
    const zsks = (await env.direct.client.listCryptokeys(zone)).filter((k) => k.flags === 256).sort((a, b) => a.id - b.id);
    expect(zsks.map((k) => k.active)).to.deep.equal([false, true]);
    await expectValid(zone);

    await at(lifetime + 86400 + 300 + 3600);
    expect(await keys(zone)).to.deep.equal(['256 active published', '257 active published']);
    await expectValid(zone);
  });

  it('rolls the KSK: double signature, waits for the parent\'s DS, then withdraws the old key; the chain from the parent holds throughout', async () => {
    const zone = 'kroll.roll.test.';
    const s = env.netbox.store;
    const dsLines = async (): Promise<{ code: number; lines: string[] }> => {
      const lines: string[] = [];
      const code = await dsCommand(core.engine, { zones: [zone], servers: [], dryRun: false, force: false, json: false }, (l) => lines.push(l));
      return { code, lines };
    };
    const dsOf = (lines: string[], state: string): string[] => lines.filter((l) => l.includes(` ${state}`) && l.includes(' IN DS ')).map((l) => (l.split(' IN DS ')[1] ?? '').split('  ;')[0] ?? '');
    // The operator publishes the first KSK's DS in the parent (NetBox's parent zone).
    const first = dsOf((await dsLines()).lines, 'active');
    expect(first).to.have.length(1);
    const firstDs = s.createRecord({ zone: 'roll.test', name: 'kroll', type: 'DS', value: first[0] ?? '' });
    const year = 365 * DAY;
    await at(1);
    expect((await dsLines()).code).to.equal(0);
    await expectValid(zone, 'roll.test.');

    await at(year - T_PUB);
    expect(await keys(zone)).to.deep.equal(['256 active published', '257 active published', '257 active published']);
    await expectValid(zone, 'roll.test.');

    await at(year + 60);
    const waiting = await dsLines();
    expect(waiting.lines.join('\n')).to.match(/waits for the parent's DS of the new key/);
    expect(await keys(zone)).to.have.length(3);
    await expectValid(zone, 'roll.test.');

    const second = dsOf(waiting.lines, 'published');
    expect(second).to.have.length(1);
    s.createRecord({ zone: 'roll.test', name: 'kroll', type: 'DS', value: second[0] ?? '' });
    await at(year + 100); // the parent zone gets the DS (the child may be planned before it is served)
    await at(year + 120); // this run's DS query sees it
    await at(year + 120 + 3600 + 3600 - 60);
    expect(await keys(zone)).to.have.length(3);
    await at(year + 120 + 3600 + 3600);
    expect(await keys(zone)).to.deep.equal(['256 active published', '257', '257 active published']);
    await expectValid(zone, 'roll.test.');
    const done = await dsLines();
    expect(done.code).to.equal(0);
    expect(done.lines.join('\n')).to.match(/at the parent for no key of ours \(remove it\)/);
    s.deleteRecord(Number(firstDs.id));

    await at(year + 120 + 7200 + 3600 + 300 + 3600);
    expect(await keys(zone)).to.deep.equal(['256 active published', '257 active published']);
    await expectValid(zone, 'roll.test.');
    expect((await dsLines()).lines.join('\n')).to.not.match(/remove it/);
  });
});
