/**
 * PowerDNS faults against the running daemon: the real pdns_server killed mid-reconcile and
 * restarted, and the fault proxy answering 500, resetting and hanging past the timeout. What must
 * hold: retries in the documented log format, failures visible in /status, no request storm, the
 * event that arrived meanwhile still applied, no zone left half-written, and full convergence once
 * PowerDNS is back. Also: events and a full reconcile for the same zones never interleave writes.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, type RunningDaemon } from '../support/daemon-env.js';
import { timeWrites } from '../support/write-spans.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import { pdnsZoneId } from '../../src/pdns/zone-id.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';

const ZONES = ['pf-a.example', 'pf-b.example', 'pf-c.example', 'pf-d.example', 'pf-e.example'];
const RETRY_LINE = /^Function (\w+) failed \(attempt [12]\/3\): .+\. Retrying in \d+\.\ds$/;
const GAVE_UP_LINE = /^Function (\w+) failed after 3 attempts: .+/;

describe('faults: PowerDNS', function () {
  this.timeout(90_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  const events: WebhookEnvelope[] = [];

  const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
  const idle = (): Promise<boolean> => waitFor(() => d.daemon.core.engine.runner.pending() === 0 && d.daemon.core.engine.runner.running() === 0, { timeoutMs: 30_000, message: 'queue idle' });
  const sync = async (): Promise<void> => {
    const res = await fetch(`${d.base}/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } });
    expect(res.status).to.equal(202);
  };
  const runs = (outcome: string): Promise<number> => d.metric('netbox_pdns_reconcile_runs_total', { trigger: 'api', outcome });
  /** Every zone's PowerDNS rrsets equal what NetBox says (a dry-run plan finds nothing to do). */
  const inStep = async (): Promise<void> => {
    const plan = await env.core().core.engine.fullReconcile('cli', { dryRun: true });
    expect(plan.zones.map((z) => `${z.zone} ${z.outcome}`)).to.deep.equal(ZONES.map((z) => `${z}. unchanged`));
  };
  /** Announces a change of `zone` with a signed webhook, as NetBox would. */
  const announce = async (zone: string, name: string, value: string): Promise<void> => {
    events.length = 0;
    env.netbox.store.createRecord({ zone, name, type: 'TXT', value });
    const envelope = events.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope;
    expect((await d.webhook(envelope)).status).to.equal(202);
  };

  before(async () => {
    env = await startSyncEnv();
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      for (let i = 0; i < 4; i++) env.netbox.store.createRecord({ zone, name: `h${i}`, type: 'A', value: `192.0.2.${i + 1}`, disable_ptr: true });
    }
    env.netbox.onEvent((e) => events.push(e));
    d = await startDaemon(env, { NETBOX_PDNS_PDNS_TIMEOUT: '0.5' });
    await waitFor(async () => (await status()).initial_sync.completed, { message: 'initial sync' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('PowerDNS killed mid-reconcile: retries logged, zones failed, Degraded; converges after restart', async () => {
    for (const zone of ZONES) for (let i = 0; i < 3; i++) env.netbox.store.createRecord({ zone, name: `new${i}`, type: 'TXT', value: `after outage ${i}` });
    env.resetRequests();
    const logsBefore = d.logs.length;
    // Hold the first PATCH in the proxy so the kill lands while the reconcile is writing.
    env.proxy.enqueue({ method: 'PATCH', delayMs: 400 });
    const failuresBefore = await runs('failure');
    await sync();
    await waitFor(() => env.proxy.requests.some((r) => r.method === 'PATCH'), { message: 'a PATCH in flight' });
    const pid = env.pdns.pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { message: 'pdns_server gone' });

    await waitFor(async () => (await runs('failure')) === failuresBefore + 1, { timeoutMs: 30_000, message: 'the reconcile to fail' });
    const lines = d.logs.slice(logsBefore).map((l) => String(l.message));
    expect(lines.filter((l) => RETRY_LINE.test(l)).length, 'retry lines').to.be.greaterThan(0);
    expect(lines.some((l) => /^Function patchZone failed \(attempt 1\/3\): .+Retrying in/.test(l)), 'patchZone retried').to.equal(true);
    expect(lines.filter((l) => GAVE_UP_LINE.test(l)).length, 'give-up lines').to.be.greaterThan(0);
    const during = await status();
    expect(during.status).to.equal('Degraded');
    expect(during.upstreams.pdns.ok).to.equal(false);
    expect(during.reliability.last_reconcile?.outcome).to.equal('failure');
    expect(during.zones.failing.map((z) => z.zone)).to.include.members(ZONES.map((z) => `${z}.`));

    await env.pdns.restart();
    const successesBefore = await runs('success');
    await sync();
    await waitFor(async () => (await runs('success')) > successesBefore, { timeoutMs: 30_000, message: 'a successful reconcile' });
    await idle();
    await inStep();
    for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `new2.${zone}`, 'TXT')).answers).to.deep.equal(['"after outage 2"']);
    const after = await status();
    expect(after.status).to.equal('Healthy');
    expect(after.zones.failing).to.deep.equal([]);
  });

  it('500s, resets and hangs for a while: backoff, no storm, and the event that arrived meanwhile is applied', async () => {
    await idle();
    const zone = 'pf-a.example';
    const zoneId = pdnsZoneId(`${zone}.`);
    env.resetRequests();
    const logsBefore = d.logs.length;
    const tasksBefore = await d.metric('netbox_pdns_zone_tasks_processed_total');
    // Nine bad answers in a row: three zone-task runs' worth of attempts (3 each).
    env.proxy.enqueue(
      { status: 500 }, { status: 500 }, { status: 500 },
      { reset: true }, { reset: true }, { reset: true },
      { delayMs: 1500 }, { delayMs: 1500 }, { delayMs: 1500 },
    );
    await announce(zone, 'during1', 'first change');
    await waitFor(() => env.proxy.pending() <= 6, { message: 'the 500s to be served' });
    expect((await status()).upstreams.pdns.ok).to.equal(false);
    await announce(zone, 'during2', 'arrived during the outage');

    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `during2.${zone}`, 'TXT')).answers[0] === '"arrived during the outage"',
      { timeoutMs: 30_000, message: 'the event sent during the faults to be applied' });
    expect((await queryDns(env.pdns.dnsPort, `during1.${zone}`, 'TXT')).answers).to.deep.equal(['"first change"']);
    await idle();
    expect(env.proxy.pending()).to.equal(0);

    const lines = d.logs.slice(logsBefore).map((l) => String(l.message));
    expect(lines.some((l) => RETRY_LINE.test(l) && /HTTP 500/.test(l)), 'retried a 500').to.equal(true);
    expect(lines.some((l) => RETRY_LINE.test(l) && /ECONNRESET|socket hang up/i.test(l)), 'retried a reset').to.equal(true);
    expect(lines.some((l) => RETRY_LINE.test(l) && /timed out after 500 ms/.test(l)), 'retried a timeout').to.equal(true);
    // Zone requeues back off: each delay at least the one before.
    const delays = lines.map((l) => /^queue: requeue pf-a\.example\. in ([\d.]+)s/.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number);
    expect(delays.length).to.be.at.least(2);
    expect(delays).to.deep.equal([...delays].sort((a, b) => a - b));
    // No storm: per zone, at most attempts (3) × calls per task (GET + PATCH) × tasks.
    const tasks = (await d.metric('netbox_pdns_zone_tasks_processed_total')) - tasksBefore;
    const forZone = env.proxy.requests.filter((r) => r.url.includes(`/zones/${zoneId}`));
    expect(tasks).to.be.within(4, 7);
    expect(forZone.length).to.be.at.most(3 * 2 * tasks);
    expect(forZone.length).to.be.at.most(16);
    expect(env.proxy.requests.length - forZone.length).to.equal(0);
    await inStep();
  });

  it('events and a full reconcile for the same zones at once never interleave writes', async () => {
    await idle();
    const spans = timeWrites(env.proxy);
    env.proxy.maxInFlight.clear(); // counted since the proxy started: the startup reconcile creates zones concurrently
    for (const zone of ZONES) for (let i = 0; i < 2; i++) env.netbox.store.createRecord({ zone, name: `conc${i}`, type: 'A', value: `198.51.100.${i + 1}`, disable_ptr: true });
    // Slow writes widen every window in which two could overlap.
    for (let i = 0; i < 10; i++) env.proxy.enqueue({ method: 'PATCH', delayMs: 40 });
    const pub = await d.publisher();
    const compactMsg = (zone: string): string => JSON.stringify({ zone, serial: 1, event: 'update', timestamp: 1 });
    const successesBefore = await runs('success');
    await Promise.all([
      sync(),
      ...ZONES.flatMap((zone) => Array.from({ length: 10 }, () => pub.publishAsync(`dns/zones/${zone}/update`, compactMsg(zone), { qos: 1 }))),
      sync(),
    ]);
    // More changes while the reconcile runs, announced again.
    for (const zone of ZONES) env.netbox.store.createRecord({ zone, name: 'conc-late', type: 'A', value: '198.51.100.9', disable_ptr: true });
    await Promise.all(ZONES.map((zone) => pub.publishAsync(`dns/zones/${zone}/update`, compactMsg(zone), { qos: 1 })));
    await waitFor(async () => (await runs('success')) >= successesBefore + 2, { timeoutMs: 30_000, message: 'both reconciles' });
    await idle();

    const writes = [...spans].sort((a, b) => a.start - b.start);
    expect(writes.filter((w) => w.method === 'PATCH').length).to.be.at.least(ZONES.length);
    expect(writes.every((w) => w.end !== undefined), 'every write answered').to.equal(true);
    // A PATCH/PUT/DELETE is alone in flight; only zone creates (POST) may overlap one another
    // (src/pdns/write-gate.ts: they never fail concurrently on sqlite, and serialising them is slow).
    const overlaps: string[] = [];
    for (const [i, cur] of writes.entries()) {
      for (const prev of writes.slice(0, i)) {
        if ((prev.end ?? Infinity) > cur.start && !(prev.method === 'POST' && cur.method === 'POST')) {
          overlaps.push(`${cur.method} ${cur.url} started before ${prev.method} ${prev.url} finished`);
        }
      }
    }
    expect(overlaps).to.deep.equal([]);
    for (const method of ['PATCH', 'PUT', 'DELETE']) expect(env.proxy.maxInFlight.get(method) ?? 0, method).to.be.at.most(1);
    await inStep();
    for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `conc-late.${zone}`, 'A')).answers).to.deep.equal(['198.51.100.9']);
  });
});
