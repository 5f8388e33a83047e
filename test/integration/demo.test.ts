/**
 * `make demo`, the newcomer's first command, exercised the way CI runs it (DEMO_CHECK=1) so it cannot
 * rot: real PowerDNS, the sample NetBox, the daemon as a child process. Run directly with node, not
 * through make, so the test does not re-run npm ci. Also checks the interactive path: Ctrl-C (SIGINT)
 * stops everything. Every run must leave no process it started alive and no port bound.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface DemoRun {
  code: number | null;
  output: string;
}

/** The environment without NETBOX_PDNS_* settings (the demo sets its own). */
function demoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NETBOX_PDNS_')) env[k] = v;
  // Its own work dir, so the test also passes while someone's `make demo` runs in .work/demo.
  return { ...env, DEMO_WORK_DIR: '.work/demo-test', ...extra };
}

/**
 * Runs demo/run.ts; `interruptWhen` sends SIGINT once the output contains that text (interactive
 * mode). A hard timeout kills it so a hung demo fails the test rather than the whole suite.
 */
function runDemo(env: Record<string, string>, interruptWhen?: string): Promise<DemoRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts'], { cwd: ROOT, env: demoEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (interruptWhen && !interrupted && output.includes(interruptWhen)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Alive = a /proc entry that is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** The PIDs the demo announced, by what they are. */
function startedPids(output: string): Record<'pdns' | 'netbox' | 'daemon', number> {
  const pid = (label: RegExp): number => {
    const m = output.match(new RegExp(`✓ ${label.source}.*\\(pid (\\d+)\\)`));
    expect(m, `start line for ${label.source} in:\n${output}`).to.not.equal(null);
    return Number(m?.[1]);
  };
  return { pdns: pid(/PowerDNS/), netbox: pid(/sample NetBox/), daemon: pid(/netbox-pdns daemon/) };
}

/** Everything started is gone: PIDs dead, the daemon's HTTP port and PowerDNS API refuse connections. */
async function expectNothingLeft(run: DemoRun): Promise<void> {
  const pids = startedPids(run.output);
  for (const [name, pid] of Object.entries(pids)) expect(alive(pid), `${name} (pid ${pid}) still alive`).to.equal(false);
  expect(run.output).to.match(/✓ nothing left running; ports [\d, ]+ are free again/);
  const urls = [...run.output.matchAll(/curl (http:\/\/127\.0\.0\.1:\d+)\/status|API (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1] ?? m[2]);
  expect(urls).to.have.length.greaterThan(0);
  for (const url of urls) {
    const reached = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
    expect(reached, `${url} still answers`).to.equal(false);
  }
  // Stopped in the documented order: daemon, NetBox, PowerDNS.
  const order = ['netbox-pdns daemon stopped', 'sample NetBox stopped', 'PowerDNS stopped'].map((s) => run.output.indexOf(s));
  expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] ?? 0))), run.output).to.equal(true);
}

describe('make demo', function () {
  this.timeout(180_000);

  for (const attempt of ['a first', 'a second']) {
    it(`check mode (DEMO_CHECK=1), ${attempt} time: syncs, carries a NetBox change to DNS, stops everything, exits 0`, async () => {
      const run = await runDemo({ DEMO_CHECK: '1' });
      expect(run.code, run.output).to.equal(0);
      const out = run.output;
      expect(out).to.match(/✓ PowerDNS [\d.]+ \(sqlite3\) +DNS on port \d+, API http:\/\/127\.0\.0\.1:\d+ +\(pid \d+\)/);
      expect(out).to.match(/✓ sample NetBox +http:\/\/127\.0\.0\.1:\d+ +4 zones, \d+ records from config\/sample-netbox\.json/);
      expect(out).to.match(/✓ netbox-pdns daemon +http:\/\/127\.0\.0\.1:\d+ +MQTT broker \(embedded\) on port \d+/);
      expect(out).to.match(/✓ 4 zones created, \d+ records \(\d+ rrsets\) written, in [\d.]+ ms\./);
      for (const zone of ['example.com.', 'example.org.', '2.0.192.in-addr.arpa.', '8.b.d.0.1.0.0.2.ip6.arpa.']) expect(out).to.include(zone);
      expect(out).to.match(/NetBox sent \d+ webhooks/);
      expect(out).to.match(/✓ PowerDNS answers demo-\d{6}\.example\.com A 192\.0\.2\.\d+ +[\d.]+ ms after the NetBox write/);
      expect(out).to.match(/✓ PowerDNS answers \d+\.2\.0\.192\.in-addr\.arpa PTR demo-\d{6}\.example\.com\. +[\d.]+ ms after the NetBox write/);
      expect(out).to.match(/curl http:\/\/127\.0\.0\.1:\d+\/status/);
      expect(out).to.match(/curl http:\/\/127\.0\.0\.1:\d+\/metrics/);
      expect(out).to.match(/dig @127\.0\.0\.1 -p \d+ www\.example\.com/);
      expect(out).to.match(/env \$\(cat \.work\/demo-test\/demo\.env\) node .*main\.[jt]s plan/);
      expect(out).to.include('exit 0, PowerDNS is in step with NetBox');
      expect(out).to.include('Check passed: initial sync done, the change answered over DNS, /status Healthy, plan in sync.');
      await expectNothingLeft(run);
    });
  }

  it('interactive mode: runs until Ctrl-C (SIGINT), then stops everything and exits 0', async () => {
    const run = await runDemo({}, 'Press Ctrl-C to stop everything.');
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.include('SIGINT received: stopping everything the demo started.');
    await expectNothingLeft(run);
  });

  it('check mode fails with a clear message, and still cleans up, when it runs out of time', async () => {
    const run = await runDemo({ DEMO_CHECK: '1', DEMO_TIMEOUT_SECONDS: '1' });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include('✗ the demo check did not finish within 1 s');
    for (const m of run.output.matchAll(/\(pid (\d+)\)/g)) expect(alive(Number(m[1])), m[0]).to.equal(false);
  });
});
