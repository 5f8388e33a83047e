/**
 * DS for the parent, end to end with a real PowerDNS serving both the parent and the signed child:
 * `netbox-pdns ds` lists the DS the parent needs (the policy's digest types) and says the parent does
 * not publish it; once NetBox's parent zone holds that DS, the DS query over DNS finds it, and the
 * command, GET /status?zone= and the netbox_pdns_dnssec_zones metric say it is published; delv then
 * validates the child from the parent's key down.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { API_KEY, startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { delv, servedKsks } from '../support/dnssec-check.js';
import { waitFor } from '../support/wait.js';
import { dsCommand } from '../../src/cli/ds-command.js';
import type { Core } from '../../src/app/core.js';
import type { ZoneStatus } from '../../src/observability/status-types.js';

const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `netbox-pdns ARGS` as an operator runs it. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout });
    });
  });
}

describe('DS for the parent (real PowerDNS, DS query over DNS)', function () {
  this.timeout(90_000);
  let env: SyncEnv;
  let core: Core;
  let d: RunningDaemon;
  const overrides = (): Record<string, string> => ({ NETBOX_PDNS_DNSSEC_DS_RESOLVER: `127.0.0.1:${env.pdns.dnsPort}` });
  const ds = async (zone: string, json = false): Promise<{ code: number; lines: string[] }> => {
    const lines: string[] = [];
    const code = await dsCommand(core.engine, { zones: [zone], servers: [], dryRun: false, force: false, json }, (l) => lines.push(l));
    return { code, lines };
  };

  before(async () => {
    env = await startSyncEnv({ dnssec: true });
    const s = env.netbox.store;
    const csk = Number(s.createKeyTemplate({ name: 'corp', type: 'CSK', algorithm: 'ECDSAP256SHA256' }).id);
    const signed = Number(s.createDnssecPolicy({ name: 'signed', key_templates: [csk], cds_digest_types: ['SHA256', 'SHA384'], use_nsec3: false }).id);
    // The parent is signed too, so delv can validate the child from the parent's key.
    s.createZone({ name: 'parent.test', ...ns, soa_rname: 'hostmaster.parent.test', dnssec_policy: signed });
    s.createRecord({ zone: 'parent.test', name: 'child', type: 'NS', value: 'ns1.example.net.' });
    s.createZone({ name: 'child.parent.test', ...ns, soa_rname: 'hostmaster.child.parent.test', dnssec_policy: signed });
    s.createRecord({ zone: 'child.parent.test', name: 'www', type: 'A', value: '192.0.2.7', disable_ptr: true });
    ({ core } = env.core(overrides()));
    expect((await core.engine.fullReconcile('cli')).outcome).to.equal('success');
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('lists the DS the parent needs and says the parent does not publish it (exit 3)', async () => {
    const { code, lines } = await ds('child.parent.test');
    expect(code, lines.join('\n')).to.equal(3);
    expect(lines[0]).to.match(/parent does not publish the DS/);
    const records = lines.filter((l) => l.startsWith('child.parent.test. IN DS '));
    expect(records.map((l) => l.split(' ')[5])).to.deep.equal(['2', '4']);
    expect(records.every((l) => /missing at the parent/.test(l))).to.equal(true);
  });

  it('finds the DS once NetBox\'s parent zone holds it: command exit 0, /status?zone= and the metric', async () => {
    const { lines } = await ds('child.parent.test', true);
    const report = JSON.parse(lines.join('\n')) as { targets: Array<{ dnssec: { ds: Array<{ ds: string }> } }> };
    const sha256 = report.targets[0]?.dnssec.ds.find((e) => e.ds.split(' ')[2] === '2')?.ds ?? '';
    env.netbox.store.createRecord({ zone: 'parent.test', name: 'child', type: 'DS', value: sha256 });
    await core.engine.fullReconcile('cli');
    const after = await ds('child.parent.test');
    expect(after.code, after.lines.join('\n')).to.equal(0);
    expect(after.lines[0]).to.match(/parent publishes the DS/);

    // From the parent's KSK as the only trust anchor, the child validates through the DS.
    const anchors = await servedKsks(env.pdns.dnsPort, 'parent.test.');
    const r = await delv(env.pdns.dnsPort, 'parent.test.', 'www.child.parent.test', 'A', anchors);
    expect(r.verdict, r.output).to.equal('fully validated');

    d = await startDaemon(env, overrides());
    await waitFor(async () => (await d.metric('netbox_pdns_dnssec_zones', { parent_ds: 'published' })) >= 1, { message: 'the metric' });
    expect(await d.metric('netbox_pdns_dnssec_zones', { parent_ds: 'missing' })).to.equal(1); // parent.test: no grandparent here
    const status = (await (await fetch(`${d.base}/status?zone=child.parent.test`, { headers: { 'x-api-key': API_KEY } })).json()) as ZoneStatus;
    expect(status.dnssec?.parent).to.equal('published');
    expect(status.dnssec?.ds.map((e) => e.at_parent)).to.deep.equal([true, false]);
    expect(JSON.stringify(status)).to.not.match(/Private-key|PrivateKey/);
  });

  it('is the netbox-pdns ds command: exit 0 with the DS lines, 2 for a zone that is not signed or no zone', async () => {
    const env2 = env.env(overrides());
    const run = await cli(['ds', 'child.parent.test'], env2);
    expect(run.code, run.stdout).to.equal(0);
    expect(run.stdout).to.match(/^child\.parent\.test\. IN DS \d+ 13 2 [0-9a-f]{64} {2}; key \d+ CSK active {2}; at the parent$/m);
    expect((await cli(['ds', 'nowhere.test'], env2)).code).to.equal(2);
    expect((await cli(['ds'], env2)).code).to.equal(2);
  });
});
