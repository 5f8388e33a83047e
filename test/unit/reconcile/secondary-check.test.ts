import { expect } from 'chai';
import { createSecondaryChecker, serialBehind } from '../../../src/reconcile/secondary-check.js';
import type { SoaAnswer } from '../../../src/pdns/dns-soa.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryPdns } from '../../fakes/pdns-memory.js';
import { targetFor } from '../../component/harness.js';

describe('reconcile/secondary-check', () => {
  it('compares serials in RFC 1982 arithmetic', () => {
    expect(serialBehind(1, 2)).to.equal(true);
    expect(serialBehind(2, 2)).to.equal(false);
    expect(serialBehind(3, 2)).to.equal(false);
    expect(serialBehind(0xffffffff, 1), 'wrapped').to.equal(true);
  });

  it('counts our zones each secondary serves older or not at all, and since when', async () => {
    const clock = new ManualClock();
    const pdns = new MemoryPdns();
    const zone = (name: string, serial: number, account = 'netbox-pdns'): void => {
      pdns.zones.set(name, { id: name, name, kind: 'Master', account, serial, rrsets: [] });
    };
    zone('a.example.', 10);
    zone('b.example.', 20);
    zone('c.example.', 30);
    zone('foreign.example.', 5, 'someone');
    const served: Record<string, Record<string, SoaAnswer>> = {
      '192.0.2.1': { 'a.example.': { serial: 10 }, 'b.example.': { serial: 19 }, 'c.example.': { rcode: 'REFUSED' } },
      '192.0.2.2': { 'a.example.': { serial: 10 }, 'b.example.': { serial: 20 }, 'c.example.': { serial: 31 } },
    };
    const asked: string[] = [];
    const checker = createSecondaryChecker({
      target: targetFor(pdns), secondaries: [{ host: '192.0.2.1', port: 53 }, { host: '192.0.2.2', port: 5300 }], clock,
      logger: createMemoryLogger('debug').logger, intervalMs: 1000,
      query: async (host, _port, name) => {
        asked.push(name);
        const answer = served[host]?.[name];
        if (!answer) throw new Error('timeout');
        return answer;
      },
    });
    await checker.checkNow();
    expect(asked).to.not.include('foreign.example.');
    expect(checker.addresses).to.deep.equal(['192.0.2.1', '192.0.2.2:5300']);
    expect(checker.lagging('192.0.2.1')).to.equal(2);
    expect(checker.lagging('192.0.2.2:5300')).to.equal(0);
    const [first] = checker.status();
    expect(first?.lagging.map((l) => [l.zone, l.primary_serial, l.secondary_serial])).to.deep.equal([['b.example.', 20, 19], ['c.example.', 30, null]]);
    const since = first?.lagging[0]?.since;
    clock.advance(5000);
    await checker.checkNow();
    expect(checker.status()[0]?.lagging[0]?.since, 'since is kept while it lags').to.equal(since);
    (served['192.0.2.1'] as Record<string, SoaAnswer>)['b.example.'] = { serial: 20 };
    await checker.checkNow();
    expect(checker.lagging('192.0.2.1')).to.equal(1);
  });
});
