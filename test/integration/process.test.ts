/**
 * The daemon as the OS runs it (a real `netbox-pdns run` process) and killed the way the OS kills:
 * SIGKILL in the middle of a burst of events, where no cleanup code runs at all, and SIGTERM while
 * zone tasks are writing. With a real Mosquitto (persistence on) and a fixed client id, a new
 * process must pick up where the dead one stopped: startup reconcile plus the QoS 1 messages the
 * broker kept in the persistent session. Nothing may be lost and no zone may be left half-written.
 */
import { expect } from 'chai';
import mqtt, { type MqttClient } from 'mqtt';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { API_KEY } from '../support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const ZONES = ['pp-a.example', 'pp-b.example', 'pp-c.example', 'pp-d.example'];

describe('daemon process: SIGHUP, SIGKILL and SIGTERM', function () {
  this.timeout(120_000);
  let env: SyncEnv;
  let mosquitto: Mosquitto;
  let pub: MqttClient;
  const procs: DaemonProcess[] = [];

  const settings = (extra: Record<string, string> = {}): Record<string, string> => env.env({
    NETBOX_PDNS_MQTT_ENABLED: 'true',
    NETBOX_PDNS_MQTT_BROKER_URL: mosquitto.url,
    NETBOX_PDNS_MQTT_CLIENT_ID: `netbox-pdns-proc-${process.pid}`,
    NETBOX_PDNS_MQTT_RECONNECT_DELAY: '0.1',
    NETBOX_PDNS_API_KEY: API_KEY,
    NETBOX_PDNS_LOG_LEVEL: 'info',
    ...extra,
  });
  async function start(extra: Record<string, string> = {}): Promise<DaemonProcess> {
    const p = await spawnDaemon(settings(extra));
    procs.push(p);
    const status = async (): Promise<StatusDocument> => (await (await p.get('/status')).json()) as StatusDocument;
    await waitFor(async () => (await status()).initial_sync.completed, { timeoutMs: 20_000, message: 'initial sync of the daemon process' });
    await waitFor(() => p.logs().some((l) => l.message === 'MQTT subscribed'), { message: 'daemon process subscribed' });
    return p;
  }
  /** Names of the rrsets PowerDNS holds for `zone`, read directly. */
  const names = async (zone: string): Promise<Set<string>> => new Set(((await env.direct.client.getZone(`${zone}.`))?.rrsets ?? []).map((r) => r.name));
  const inStep = async (): Promise<void> => {
    const plan = await env.core().core.engine.fullReconcile('cli', { dryRun: true });
    expect(plan.zones.map((z) => `${z.zone} ${z.outcome}`)).to.deep.equal(ZONES.map((z) => `${z}. unchanged`));
  };

  before(async () => {
    env = await startSyncEnv();
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      env.netbox.store.createRecord({ zone, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    }
    mosquitto = await startMosquitto({ persistence: true });
    pub = await mqtt.connectAsync(mosquitto.url, { protocolVersion: 4, clientId: `pub-${process.pid}` });
  });
  after(async () => {
    for (const p of procs) await p.stop(2000);
    await pub?.endAsync();
    await mosquitto?.stop();
    await env?.stop();
  });

  it('SIGHUP queues a full reconcile that repairs drift, without stopping the daemon', async () => {
    const p = await start();
    await env.direct.client.patchRRsets('pp-a.example.', [
      { name: 'www.pp-a.example.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.66', disabled: false }] },
    ]);
    const before = await p.metric('netbox_pdns_reconcile_runs_total', { trigger: 'signal' });
    p.signal('SIGHUP');
    await waitFor(async () => (await p.metric('netbox_pdns_reconcile_runs_total', { trigger: 'signal' })) === before + 1,
      { message: 'reconcile after SIGHUP' });
    const www = (await env.direct.client.getZone('pp-a.example.'))?.rrsets.find((r) => r.name === 'www.pp-a.example.' && r.type === 'A');
    expect(www?.records.map((r) => r.content)).to.deep.equal(['192.0.2.1']);
    expect(p.hasExited()).to.equal(false);
    expect((await p.get('/health')).status).to.equal(200);
    await p.stop();
    expect((await p.exited).code).to.equal(0);
  });

  it('SIGKILL during a burst of events: a new process converges and loses nothing', async () => {
    const first = await start();
    const total = 300;
    const killAt = 100;
    let publishedWhileDead = 0;
    for (let i = 0; i < total; i++) {
      const zone = ZONES[i % ZONES.length] as string;
      env.netbox.store.createRecord({ zone, name: `burst${i}`, type: 'TXT', value: `burst ${i}` });
      if (i === killAt) {
        first.signal('SIGKILL');
        expect((await first.exited).signal).to.equal('SIGKILL');
      }
      await pub.publishAsync(`dns/zones/${zone}/update`, JSON.stringify({ zone, serial: i, event: 'update', timestamp: i }), { qos: 1 });
      if (first.hasExited()) publishedWhileDead += 1;
    }
    expect(publishedWhileDead).to.equal(total - killAt);

    const second = await start();
    await waitFor(async () => {
      for (const [i, zone] of ZONES.entries()) {
        const have = await names(zone);
        for (let n = i; n < total; n += ZONES.length) if (!have.has(`burst${n}.${zone}.`)) return false;
      }
      return true;
    }, { timeoutMs: 30_000, message: `all ${total} records served by PowerDNS` });
    // The broker redelivered what was published while no daemon was connected.
    await waitFor(async () => (await second.metric('netbox_pdns_events_received_total', { source: 'compact' })) >= publishedWhileDead,
      { message: 'redelivered events counted by the new process' });
    await waitFor(() => second.logs().some((l) => /^MQTT connected/.test(String(l.message)) && l.session_present === true), { message: 'session resumed' });
    await waitFor(async () => (await second.metric('netbox_pdns_zone_tasks_pending')) === 0 && (await second.metric('netbox_pdns_zone_tasks_running')) === 0,
      { message: 'queue idle' });
    await inStep();
    await second.stop();
    expect((await second.exited).code).to.equal(0);
  });

  it('SIGTERM while zone tasks run: exit 0 within the deadline, no half-applied zone, log says stopped', async () => {
    const p = await start({ NETBOX_PDNS_SHUTDOWN_TIMEOUT: '5' });
    for (const zone of ZONES) for (let i = 0; i < 3; i++) env.netbox.store.createRecord({ zone, name: `term${i}`, type: 'TXT', value: `term ${i}` });
    env.resetRequests();
    // The first PATCH takes 1.5 s in the proxy: SIGTERM lands while it is being written.
    env.proxy.enqueue({ method: 'PATCH', delayMs: 1500 });
    expect((await fetch(`${p.base}/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } })).status).to.equal(202);
    await waitFor(() => env.proxy.requests.some((r) => r.method === 'PATCH'), { message: 'a PATCH in flight' });
    const inFlight = env.proxy.requests.find((r) => r.method === 'PATCH')?.url ?? '';
    const started = performance.now();
    p.signal('SIGTERM');
    const { code } = await p.exited;
    const elapsed = performance.now() - started;
    expect(code).to.equal(0);
    expect(elapsed).to.be.below(5000 + 1000);
    const messages = p.logs().map((l) => String(l.message));
    expect(messages).to.include('SIGTERM received: shutting down');
    expect(messages.at(-1)).to.equal('stopped');
    expect(p.stderr()).to.equal('');

    // Each zone has all three new records or none: never a part of a change.
    const applied: string[] = [];
    for (const zone of ZONES) {
      const have = await names(zone);
      const count = [0, 1, 2].filter((i) => have.has(`term${i}.${zone}.`)).length;
      expect(count, zone).to.be.oneOf([0, 3]);
      if (count === 3) applied.push(zone);
    }
    // The write under way at SIGTERM was finished, not cut off.
    expect(applied.some((zone) => inFlight.includes(`/zones/${zone}.`))).to.equal(true);

    const next = await start();
    await inStep();
    await next.stop();
    expect((await next.exited).code).to.equal(0);
  });
});
