/**
 * `make bench` in quick mode, as a child process, on each PowerDNS backend (BENCH_BACKEND): it must
 * finish, print its table and write valid JSON holding every section, with the backend the daemon
 * detected. Timings are never asserted: benchmarks are not tests.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { forEachBackend, LAUNCH_NAME } from '../support/backends.js';
import type { PdnsBackendKind } from '../support/pdns-backend.js';

const execFileAsync = promisify(execFile);
/** BENCH_BACKEND's names (PowerDNS's, as for the bench: sqlite3, gpgsql). */
const BENCH_NAME: Record<PdnsBackendKind, string> = { sqlite3: 'sqlite3', pgsql: 'gpgsql' };

describe('bench (quick mode)', function () {
  this.timeout(180_000);

  forEachBackend((backend) => {
    it('completes, prints the table and writes JSON with every section', async () => {
      const out = join(tmpdir(), `netbox-pdns-bench-smoke-${process.pid}-${backend}.json`);
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out, BENCH_BACKEND: BENCH_NAME[backend] };
      for (const key of Object.keys(env)) if (key.startsWith('NETBOX_PDNS_') || key === 'BENCH_ZONES' || key === 'BENCH_RRSETS') delete env[key];
      try {
        const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts'], { env, maxBuffer: 16 * 1024 * 1024 });
        expect(stdout).to.include('| section / figure');
        expect(stdout).to.include('1 cold sync: wall time');
        expect(stdout).to.include('6 pure diff');
        expect(stdout).to.include(`JSON: ${out}`);
        const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Record<string, unknown>>;
        for (const section of ['machine', 'sizes', 'data', 'daemon', 'cold', 'noop', 'drift', 'latency', 'burst', 'diff']) {
          expect(results, section).to.have.property(section).that.is.an('object');
        }
        expect(results.cold).to.include.keys('ms', 'floors', 'ratio', 'netboxRequests', 'pdnsRequests', 'peakRssMb');
        expect(results.noop).to.include.keys('ms', 'floors', 'ratio', 'pdnsWrites');
        expect(results.drift).to.include.keys('ms', 'pdnsWrites', 'onlyDriftedZonesWritten');
        expect(results.latency).to.include.keys('p50', 'p90', 'p99', 'max', 'floor');
        expect(results.burst).to.include.keys('patches', 'patchesPerZone', 'convergedAfterLastMs');
        expect(results.diff).to.include.keys('diffMedianMs', 'diffRunsMs', 'rrsets');
        expect(results.pdnsBackend).to.include({ backend: BENCH_NAME[backend], detected: LAUNCH_NAME[backend] });
      } finally {
        try {
          const log = (JSON.parse(readFileSync(out, 'utf8')) as { daemon?: { log?: string } }).daemon?.log;
          if (log) rmSync(log, { force: true });
        } catch {
          // no JSON written: the assertions above already failed
        }
        rmSync(out, { force: true });
      }
    });
  });
});
