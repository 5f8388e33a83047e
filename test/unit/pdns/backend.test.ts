/**
 * Which backend a PowerDNS runs and the write concurrency that follows: read from its /config
 * (`launch`), or configured; and the per-server controller that reads it once before the first
 * write, serialises until it knows, and tries again after a transient failure (not after a refusal).
 */
import { expect } from 'chai';
import { AUTO_CONCURRENT_WRITES, launchedBackends, writeConcurrency } from '../../../src/pdns/backend.js';
import { createPdnsWrites, DETECT_RETRY_MS } from '../../../src/pdns/write-concurrency.js';
import { UpstreamError } from '../../../src/util/errors.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../support/manual-clock.js';

const config = (launch: string): unknown => [
  { name: 'api', type: 'ConfigSetting', value: 'yes' },
  { name: 'launch', type: 'ConfigSetting', value: launch },
  { name: 'gpgsql-password', type: 'ConfigSetting', value: 'db-secret-9c1e' },
];

describe('pdns backend and write concurrency', () => {
  it('reads the launched backends from the config list (several, named instances, any case)', () => {
    expect(launchedBackends(config('gsqlite3'))).to.deep.equal(['gsqlite3']);
    expect(launchedBackends(config('gpgsql'))).to.deep.equal(['gpgsql']);
    expect(launchedBackends(config(' gmysql:main , GPGSQL:second'))).to.deep.equal(['gmysql', 'gpgsql']);
    expect(launchedBackends(config(''))).to.deep.equal([]);
    expect(launchedBackends([{ name: 'api', value: 'yes' }])).to.equal(null);
    expect(launchedBackends({ error: 'Not Found' })).to.equal(null);
  });

  it('auto: 1 on sqlite, unknown or mixed backends and before detection; the SQL servers take more', () => {
    expect(writeConcurrency('auto', ['gsqlite3'])).to.deep.equal({ concurrency: 1, source: 'detected' });
    expect(writeConcurrency('auto', ['gpgsql'])).to.deep.equal({ concurrency: AUTO_CONCURRENT_WRITES, source: 'detected' });
    expect(writeConcurrency('auto', ['gmysql'])).to.deep.equal({ concurrency: AUTO_CONCURRENT_WRITES, source: 'detected' });
    expect(writeConcurrency('auto', ['gpgsql', 'gsqlite3'])).to.deep.equal({ concurrency: 1, source: 'detected' });
    expect(writeConcurrency('auto', ['lmdb'])).to.deep.equal({ concurrency: 1, source: 'detected' });
    expect(writeConcurrency('auto', [])).to.deep.equal({ concurrency: 1, source: 'detected' });
    expect(writeConcurrency('auto', null)).to.deep.equal({ concurrency: 1, source: 'default' });
  });

  it('a configured number is used as it is, with a warning when the backend cannot take it', () => {
    expect(writeConcurrency(4, ['gpgsql'])).to.deep.equal({ concurrency: 4, source: 'configured' });
    expect(writeConcurrency(4, null)).to.deep.equal({ concurrency: 4, source: 'configured' });
    expect(writeConcurrency(1, ['gsqlite3'])).to.deep.equal({ concurrency: 1, source: 'configured' });
    expect(writeConcurrency(3, ['gsqlite3']).warning).to.match(/3 concurrent writes configured, but the backend is gsqlite3: sqlite fails concurrent writes with 500/);
  });

  describe('the controller', () => {
    it('auto: the first write waits for one read of the backend, then the limit follows it; secrets are not logged', async () => {
      const { logger, entries } = createMemoryLogger('debug');
      let reads = 0;
      const writes = createPdnsWrites({ setting: 'auto', logger, clock: new ManualClock(), target: 'dc1', readConfig: async () => { reads++; return config('gpgsql'); } });
      expect(writes.state()).to.include({ backend: null, concurrency: 1, source: 'default' });
      await Promise.all([writes.ready(), writes.ready()]);
      await writes.ready();
      expect(reads).to.equal(1);
      expect(writes.state()).to.deep.equal({
        setting: 'auto', backend: 'gpgsql', concurrency: AUTO_CONCURRENT_WRITES, source: 'detected', inFlight: 0, peakChanges: 0, detectionError: null,
      });
      expect(entries.map((e) => e.message)).to.deep.equal([`PowerDNS dc1: backend gpgsql, write concurrency ${AUTO_CONCURRENT_WRITES} (auto)`]);
      expect(JSON.stringify(entries)).to.not.include('db-secret-9c1e');
    });

    it('auto: after a transient failure writes are serialised and the next write after the delay reads again', async () => {
      const { logger, entries } = createMemoryLogger('debug');
      const clock = new ManualClock();
      let reads = 0;
      const writes = createPdnsWrites({
        setting: 'auto', logger, clock,
        readConfig: async () => {
          reads++;
          if (reads === 1) throw new UpstreamError('PowerDNS GET /config: connect ECONNREFUSED', 'pdns', 'transient', { operation: 'serverConfig', code: 'ECONNREFUSED' });
          return config('gpgsql');
        },
      });
      await writes.ready();
      expect(writes.state()).to.include({ concurrency: 1, source: 'default', detectionError: 'PowerDNS GET /config: connect ECONNREFUSED' });
      expect(entries.at(-1)?.message).to.match(/^PowerDNS: could not read its backend from \/config .*: writes serialised until it answers$/);
      await writes.ready();
      expect(reads).to.equal(1);
      clock.advance(DETECT_RETRY_MS);
      await writes.ready();
      expect(reads).to.equal(2);
      expect(writes.state()).to.include({ backend: 'gpgsql', concurrency: AUTO_CONCURRENT_WRITES, detectionError: null });
    });

    it('auto: a refusal (403, 404) is not tried again; the limit stays 1', async () => {
      const refusals = [
        new UpstreamError('PowerDNS GET /config: 403 Forbidden', 'pdns', 'auth', { operation: 'serverConfig', status: 403 }),
        new UpstreamError('PowerDNS GET /config: 404 Not Found', 'pdns', 'zone-missing', { operation: 'serverConfig', status: 404 }),
      ];
      for (const refusal of refusals) {
        const { logger, entries } = createMemoryLogger('debug');
        const clock = new ManualClock();
        let reads = 0;
        const writes = createPdnsWrites({ setting: 'auto', logger, clock, readConfig: async () => { reads++; throw refusal; } });
        await writes.ready();
        clock.advance(DETECT_RETRY_MS * 2);
        await writes.ready();
        expect(reads, refusal.message).to.equal(1);
        expect(writes.state()).to.include({ concurrency: 1, source: 'default' });
        expect(entries.at(-1)?.message).to.match(/set pdns_concurrent_writes to a number to allow more/);
      }
    });

    it('configured: writes never wait for the backend; a read only reports it (and warns on sqlite)', async () => {
      const { logger, entries } = createMemoryLogger('debug');
      let reads = 0;
      let answer: (value: unknown) => void = () => undefined;
      const writes = createPdnsWrites({
        setting: 4, logger, clock: new ManualClock(),
        readConfig: () => {
          reads++;
          return new Promise((resolve) => { answer = resolve; });
        },
      });
      await writes.ready();
      expect(reads).to.equal(0);
      // A read under way (the daemon's at start) does not hold writes up either.
      const reading = writes.detect();
      await writes.ready();
      expect(writes.state().backend).to.equal(null);
      answer(config('gsqlite3'));
      await reading;
      expect(writes.state()).to.include({ concurrency: 4, source: 'configured', backend: 'gsqlite3' });
      await writes.detect();
      expect(reads).to.equal(1);
      expect(entries.map((e) => `${String(e.level)} ${String(e.message)}`)).to.deep.equal([
        'info PowerDNS: backend gsqlite3, write concurrency 4 (configured)',
        'warn PowerDNS: 4 concurrent writes configured, but the backend is gsqlite3: sqlite fails concurrent writes with 500',
      ]);
    });
  });
});
