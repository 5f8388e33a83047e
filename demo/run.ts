/**
 * `make demo`: a complete local sandbox (PowerDNS, sample NetBox, the daemon with its embedded MQTT
 * broker) on loopback, then the main job shown in plain words, then running until Ctrl-C.
 *
 *   node --import tsx demo/run.ts               interactive: runs until Ctrl-C / SIGTERM
 *   DEMO_CHECK=1 node --import tsx demo/run.ts  CI: scripted change, verify, stop, exit 0 (1 on failure)
 *
 * Everything lives in `.work/demo/` (wiped at start). Every process is started detached and stopped
 * by PID, daemon first, so Ctrl-C in the terminal reaches only this process and the shutdown order is
 * ours. Settings: DEMO_TIMEOUT_SECONDS (check mode, default 90), DEMO_DAEMON=dist|src, DEMO_WORK_DIR.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { udpPortFree } from '../test/support/ports.js';
import { say, showChange, showInitialSync, showWhereNext, runPlan, statusHealth, type Sandbox } from './narrate.js';
import { PDNS_SCHEMA, PDNS_SERVER, startDemoPdns } from './pdns.js';
import { ProcessRegistry, cleanUpPreviousRun, pidAlive } from './processes.js';
import { baseEnv, startNetboxAndDaemon, type DemoSecrets } from './sandbox.js';
import { Aborted } from './wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** DEMO_WORK_DIR (relative to the project) lets the test run beside a demo someone left running. */
const WORK_DIR = resolve(ROOT, process.env.DEMO_WORK_DIR ?? join('.work', 'demo'));
const PID_FILE = join(WORK_DIR, 'pids.json');
const CHECK = ['1', 'true', 'yes'].includes((process.env.DEMO_CHECK ?? '').toLowerCase());
const TIMEOUT_S = Number(process.env.DEMO_TIMEOUT_SECONDS ?? 90);
export const APT_LINE = 'apt-get update && apt-get install -y --no-install-recommends pdns-server pdns-backend-sqlite3 sqlite3';

/** What must be on the machine; `make demo` installs it as root (demo/install-deps.sh). */
function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(PDNS_SERVER)) missing.push(`PowerDNS (${PDNS_SERVER})`);
  if (!existsSync(PDNS_SCHEMA)) missing.push(`the PowerDNS sqlite3 backend (${PDNS_SCHEMA})`);
  const path = (process.env.PATH ?? '').split(':');
  if (!path.some((dir) => existsSync(join(dir, 'sqlite3')))) missing.push('the sqlite3 command');
  return missing;
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function main(): Promise<number> {
  // The work dir is wiped at start: never let a setting point that anywhere but under .work/.
  if (!WORK_DIR.startsWith(join(ROOT, '.work') + sep)) {
    say(`DEMO_WORK_DIR must be a folder under .work/ (it is deleted at start), not ${WORK_DIR}`);
    return 2;
  }
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    say(`The demo needs ${missing.join(', ')}. Install the missing Debian packages as root, then run it again:`);
    say(`  sudo sh -c '${APT_LINE}'`);
    say('(`sudo make demo` does this for you.)');
    return 1;
  }
  const controller = new AbortController();
  let signals = 0;
  let wake: (() => void) | undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  const registry = new ProcessRegistry(PID_FILE, randomBytes(8).toString('hex'));
  const onSignal = (sig: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      say(`\n${sig} received: stopping everything the demo started.`);
      controller.abort(sig);
      wake?.();
    } else if (signals === 2) {
      say('Still stopping (each process gets a few seconds to finish); again to kill everything at once.');
    } else {
      registry.killAllNow();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A crash of the demo itself must not leave servers behind; this is the last line of defence.
  process.on('exit', () => registry.killAllNow());
  const deadline = CHECK
    ? setTimeout(() => controller.abort(`the demo check did not finish within ${TIMEOUT_S} s`), TIMEOUT_S * 1000)
    : undefined;

  say('netbox-pdns demo: NetBox (sample data) → netbox-pdns → PowerDNS, all on 127.0.0.1');
  say(`Everything runs from ${WORK_DIR} and stops when you press Ctrl-C.${CHECK ? ' (check mode: stops by itself)' : ''}`);
  say();
  const leftovers = await cleanUpPreviousRun(PID_FILE);
  if (leftovers.length > 0) say(`Stopped what a previous demo left running: ${leftovers.join(', ')}.`);
  await rm(WORK_DIR, { recursive: true, force: true });
  await mkdir(WORK_DIR, { recursive: true });

  const ports: Array<{ port: number; udp?: boolean }> = [];
  let code = 0;
  try {
    const env = baseEnv(process.env);
    const secrets: DemoSecrets = {
      netboxToken: randomBytes(20).toString('hex'),
      pdnsKey: randomBytes(16).toString('hex'),
      webhookSecret: randomBytes(16).toString('hex'),
      apiKey: randomBytes(16).toString('hex'),
    };
    const signal = controller.signal;
    say('Starting the sandbox:');
    const pdns = await startDemoPdns({ registry, workDir: join(WORK_DIR, 'pdns'), apiKey: secrets.pdnsKey, env, signal });
    ports.push({ port: pdns.dnsPort, udp: true }, { port: pdns.dnsPort }, { port: pdns.apiPort });
    say(`   ✓ PowerDNS ${pdns.version} (sqlite3)   DNS on port ${pdns.dnsPort}, API ${pdns.apiUrl}   (pid ${pdns.proc.pid})`);
    const { netbox, daemon } = await startNetboxAndDaemon({ registry, root: ROOT, workDir: WORK_DIR, env, secrets, pdnsUrl: pdns.apiUrl, signal });
    ports.push({ port: Number(new URL(netbox.url).port) }, { port: daemon.httpPort }, { port: daemon.brokerPort });
    const seed = netbox.seed ? `${netbox.seed.zones} zones, ${netbox.seed.records} records from config/sample-netbox.json` : 'seeded';
    say(`   ✓ sample NetBox          ${netbox.url}   ${seed}   (pid ${netbox.proc.pid})`);
    say(`   ✓ netbox-pdns daemon     ${daemon.base}   MQTT broker (embedded) on port ${daemon.brokerPort}   (pid ${daemon.proc.pid})`);
    say(`     started as: node ${daemon.cli.join(' ')} run`);
    say();

    const sandbox: Sandbox = { root: ROOT, workDir: WORK_DIR, pdns, netbox, daemon, secrets, env, signal };
    await showInitialSync(sandbox);
    await showChange(sandbox);
    const plan = await runPlan(sandbox);
    showWhereNext(sandbox, plan);

    if (CHECK) {
      const health = await statusHealth(sandbox);
      if (health !== 'Healthy') throw new Error(`/status says ${health}, expected Healthy (see ${WORK_DIR}/daemon.log)`);
      if (plan.code !== 0) throw new Error(`\`netbox-pdns plan\` exited ${plan.code}, expected 0 (in sync):\n${plan.output}`);
      say('Check passed: initial sync done, the change answered over DNS, /status Healthy, plan in sync.');
    } else {
      say('The sandbox is running. Press Ctrl-C to stop everything.');
      const died = registry.running().map((p) => p.exited.then((how) => ({ p, how })));
      const first = await Promise.race([stopRequested.then(() => null), ...died]);
      if (first) throw new Error(`${first.p.name} (pid ${first.p.pid}) exited unexpectedly (${first.how}); see ${first.p.logFile}`);
    }
  } catch (err) {
    if (err instanceof Aborted && !CHECK && signals > 0) {
      code = 130;
    } else {
      say(`✗ ${err instanceof Aborted ? err.message : message(err)}`);
      code = 1;
    }
  } finally {
    clearTimeout(deadline);
  }
  return (await stopEverything(registry, ports)) ? code : code || 1;
}

/** Daemon, then NetBox, then PowerDNS, each by PID; then proves nothing and no port is left. */
async function stopEverything(registry: ProcessRegistry, ports: Array<{ port: number; udp?: boolean }>): Promise<boolean> {
  const procs = registry.running();
  if (procs.length > 0) say('Stopping (daemon first, then NetBox, then PowerDNS):');
  for (const p of procs) {
    const { forced } = await registry.stop(p, p.name.includes('daemon') ? 15_000 : 10_000);
    say(`   ✓ ${p.name} stopped (pid ${p.pid}${forced ? ', had to be killed' : ''})`);
  }
  const started = registry.everStarted;
  const alive = started.filter((p) => pidAlive(p.pid));
  const busy: number[] = [];
  for (const { port, udp } of ports) if (!(udp ? await udpPortFree(port) : await tcpPortFree(port))) busy.push(port);
  await rm(PID_FILE, { force: true });
  if (alive.length > 0 || busy.length > 0) {
    say(`✗ left behind: ${alive.map((p) => `${p.name} (pid ${p.pid})`).join(', ') || 'no process'}; ports in use: ${busy.join(', ') || 'none'}`);
    return false;
  }
  if (started.length > 0) {
    const list = [...new Set(ports.map((p) => p.port))].join(', ');
    say(`   ✓ nothing left running; ports ${list} are free again. Logs stay in ${WORK_DIR}.`);
  }
  return true;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`✗ ${message(err)}`);
    process.exit(1);
  },
);
