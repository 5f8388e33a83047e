/**
 * What a target remembers between runs stays bounded: refusals and refusal-log entries are capped
 * (least recently touched first), the per-zone index never outgrows the refusals it indexes, and
 * pruning forgets zones that no longer exist.
 */
import { expect } from 'chai';
import { createTargetMemory } from '../../../src/reconcile/memory.js';
import type { RRset } from '../../../src/core/types.js';

const rrset = (name: string, content = '192.0.2.1'): RRset => ({ name, type: 'A', ttl: 300, records: [content] });

describe('target memory', () => {
  it('remembers a refusal of exactly that content, and forgets it when NetBox changes it', () => {
    const m = createTargetMemory();
    expect(m.rememberRejection('a.example.', rrset('www.a.example.'), 'bad')).to.equal(true);
    expect(m.rememberRejection('a.example.', rrset('www.a.example.'), 'bad')).to.equal(false);
    expect(m.rejectedBefore('a.example.', rrset('www.a.example.'))).to.equal('bad');
    expect(m.rejectedBefore('a.example.', rrset('www.a.example.', '192.0.2.2'))).to.equal(null);
    m.forgetRejections('a.example.', () => false);
    expect(m.size()).to.deep.equal({ rejections: 0, zones: 0, refusals: 0 });
  });

  it('holds at most maxEntries refusals and refusal-log entries, however many zones come and go', () => {
    const m = createTargetMemory({ maxEntries: 10 });
    for (let i = 0; i < 1000; i++) {
      m.rememberRejection(`z${i}.example.`, rrset(`www.z${i}.example.`), 'bad');
      m.refusalChanged(`z${i}.example.`, `refused ${i}`);
    }
    const size = m.size();
    expect(size.rejections).to.equal(10);
    expect(size.zones, 'the zone index follows evictions').to.equal(10);
    expect(size.refusals).to.equal(10);
    expect(m.rejectionCount()).to.equal(10);
    expect(m.rejections('z0.example.')).to.deep.equal([]);
    expect(m.rejections('z999.example.')).to.have.length(1);
  });

  it('prunes every zone the keep test refuses, and only those', () => {
    const m = createTargetMemory();
    for (const zone of ['kept.example.', 'gone.example.']) {
      m.rememberRejection(zone, rrset(`www.${zone}`), 'bad');
      m.refusalChanged(zone, 'refused');
    }
    m.refusalChanged('onlyrefused.example.', 'refused');
    expect(m.prune((zone) => zone === 'kept.example.')).to.equal(2);
    expect(m.size()).to.deep.equal({ rejections: 1, zones: 1, refusals: 1 });
    expect(m.rejections('kept.example.')).to.have.length(1);
    expect(m.refusalChanged('gone.example.', 'refused'), 'forgotten: logged anew').to.equal(true);
    expect(m.refusalChanged('kept.example.', 'refused'), 'still known').to.equal(false);
  });
});
