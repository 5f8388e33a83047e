/**
 * `make bench-soak`, shortened to seconds, as a child process: it must finish, print its rows and its
 * verdict, and write JSON with every part. The verdict itself is not asserted: a soak's figures are
 * not a test (its rules are, in test/unit/bench-soak-verdict.test.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const execFileAsync = promisify(execFile);

describe('bench soak (seconds)', function () {
  this.timeout(180_000);

  it('completes, prints a row per window and the verdict, and writes JSON', async () => {
    const out = join(tmpdir(), `netbox-pdns-soak-smoke-${process.pid}.json`);
    const env: NodeJS.ProcessEnv = {
      ...process.env, BENCH_OUT: out, BENCH_SOAK_MINUTES: '0.4', BENCH_ZONES: '20', BENCH_RRSETS: '10', BENCH_SOAK_RATE: '10',
      BENCH_SOAK_REPORT_SECONDS: '8', BENCH_SOAK_OUTAGE_SECONDS: '3', BENCH_SOAK_RECONCILE_SECONDS: '5', BENCH_SOAK_RECOVERY_SECONDS: '5',
    };
    for (const key of Object.keys(env)) if (key.startsWith('NETBOX_PDNS_')) delete env[key];
    try {
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'test/bench/soak.ts'], { env, maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).to.include('| to ');
      expect(stdout).to.match(/^full reconciles: (ok|NO): /m);
      expect(stdout).to.match(/^VERDICT: (PASS|FAIL)$/m);
      expect(stdout).to.include(`JSON: ${out}`);
      const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { rows: unknown[]; outages: unknown[]; verdict: Record<string, unknown> };
      expect(results.rows.length).to.be.at.least(2);
      expect(results.outages).to.have.length(1);
      expect(results.verdict).to.include.keys('ok', 'reconciles', 'rss', 'heap', 'latency');
      expect(results).to.include.keys('settings', 'reconciles', 'memory', 'latency', 'counts', 'finalState');
    } finally {
      try {
        const log = (JSON.parse(readFileSync(out, 'utf8')) as { daemonLog?: string }).daemonLog;
        if (log) rmSync(log, { force: true });
      } catch {
        // no JSON written: the assertions above already failed
      }
      rmSync(out, { force: true });
    }
  });
});
