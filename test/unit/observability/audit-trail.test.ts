import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditTrail, readAuditFiles } from '../../../src/observability/audit-trail.js';
import { auditRecords, auditTrigger } from '../../../src/reconcile/audit.js';
import type { ZonePlan } from '../../../src/core/plan.js';
import { createMemoryLogger } from '../../../src/util/log.js';

const rr = (name: string, ttl: number, ...records: string[]) => ({ name, type: 'A', ttl, records });
const PLAN: ZonePlan = {
  zone: 'example.com.', action: 'update', settings: [], kept: [], existingCount: 3,
  creates: [rr('new.example.com.', 300, '192.0.2.3')],
  updates: [{ before: rr('www.example.com.', 300, '192.0.2.1'), after: rr('www.example.com.', 60, '192.0.2.2') }],
  deletes: [rr('old.example.com.', 300, '192.0.2.9')],
};

describe('audit trail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes one record per rrset written, none for what PowerDNS refused, with the event origins', () => {
    const records = auditRecords(PLAN, {
      target: 'default', trigger: 'event', planId: 'abcdefabcdef', at: Date.UTC(2026, 0, 1), rejected: [{ name: 'new.example.com.', type: 'A', error: 'no' }],
      origins: [{ username: 'alice', requestId: 'r1' }, { username: 'bob', requestId: 'r2' }],
    });
    expect(records.map((r) => [r.action, r.name])).to.deep.equal([['delete', 'old.example.com.'], ['update', 'www.example.com.']]);
    expect(records[1]).to.deep.include({
      at: '2026-01-01T00:00:00.000Z', before: { ttl: 300, records: ['192.0.2.1'] }, after: { ttl: 60, records: ['192.0.2.2'] },
      netbox_username: 'bob', netbox_request_id: 'r2',
      netbox_events: [{ username: 'alice', request_id: 'r1' }, { username: 'bob', request_id: 'r2' }],
    });
    expect(['cli', 'api', 'signal', 'cron', 'approval'].map((t) => auditTrigger(t as 'cli'))).to.deep.equal(['manual', 'manual', 'manual', 'cron', 'approval']);
  });

  it('writes JSON lines, rotates by size keeping N files, and reads them back oldest first', () => {
    const path = join(dir, 'audit.jsonl');
    const { logger, entries } = createMemoryLogger('debug');
    const trail = createAuditTrail({ logger, file: { path, maxBytes: 4096, keep: 2 } });
    const one = (i: number) => auditRecords({ ...PLAN, creates: [], deletes: [], updates: [{ before: rr(`h${i}.example.com.`, 300, '192.0.2.1'), after: rr(`h${i}.example.com.`, 60, '192.0.2.2') }] },
      { target: 'default', trigger: 'cron', planId: 'abcdefabcdef', at: 0, rejected: [] });
    for (let i = 0; i < 60; i++) trail.write(one(i));
    expect(existsSync(`${path}.1`)).to.equal(true);
    expect(existsSync(`${path}.2`)).to.equal(true);
    expect(existsSync(`${path}.3`)).to.equal(false);
    for (const f of [path, `${path}.1`]) expect(readFileSync(f).length).to.be.at.most(4096);
    const { records, skipped } = readAuditFiles(path, 2);
    expect(skipped).to.equal(0);
    const names = records.map((r) => r.name);
    expect(names[names.length - 1]).to.equal('h59.example.com.');
    expect(names).to.deep.equal([...names].sort((a, b) => Number(a.slice(1).split('.')[0]) - Number(b.slice(1).split('.')[0])));
    expect(entries.filter((e) => e.audit === 'rrset')).to.have.length(60);
    expect(trail.recent(5).map((r) => r.name)).to.deep.equal(['h55.example.com.', 'h56.example.com.', 'h57.example.com.', 'h58.example.com.', 'h59.example.com.']);
  });

  it('a new process lists the file\'s last records first (the page survives a restart)', () => {
    const path = join(dir, 'audit.jsonl');
    const { logger } = createMemoryLogger('debug');
    const records = auditRecords(PLAN, { target: 'default', trigger: 'cron', planId: 'abcdefabcdef', at: 0, rejected: [] });
    createAuditTrail({ logger, file: { path, maxBytes: 1 << 20, keep: 2 } }).write(records);
    const next = createAuditTrail({ logger, file: { path, maxBytes: 1 << 20, keep: 2 } });
    next.write(records.slice(0, 1));
    expect(next.recent().map((r) => r.name)).to.deep.equal(['old.example.com.', 'www.example.com.', 'new.example.com.', 'old.example.com.']);
  });

  it('a file it cannot write is logged once, and the writes go on', () => {
    const { logger, entries } = createMemoryLogger('debug');
    const trail = createAuditTrail({ logger, file: { path: join(dir, 'missing', 'audit.jsonl'), maxBytes: 4096, keep: 2 } });
    const records = auditRecords(PLAN, { target: 'default', trigger: 'cron', planId: 'abcdefabcdef', at: 0, rejected: [] });
    trail.write(records);
    trail.write(records);
    expect(entries.filter((e) => e.level === 'error' && /audit file .* not written/.test(String(e.message)))).to.have.length(1);
    expect(entries.filter((e) => e.audit === 'rrset')).to.have.length(6);
  });
});
