/**
 * The audit trail against a real PowerDNS and a running daemon: an event-driven change is recorded
 * one line per rrset with before → after, the trigger and the NetBox user and request id the webhook
 * carried (through the embedded broker, as in production); an approval names who approved; the
 * lines are in the log and the JSON-lines file, and `netbox-pdns history` reads them back.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';
import type { AuditRecord } from '../../src/reconcile/audit.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

describe('audit trail (real PowerDNS, running daemon)', function () {
  this.timeout(90_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  let dir: string;
  let auditFile: string;
  const events: WebhookEnvelope[] = [];
  const audit = (): AuditRecord[] => readFileSync(auditFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditRecord);
  const answers = async (name: string, type: string): Promise<string[]> => (await queryDns(env.pdns.dnsPort, name, type)).answers;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-audit-'));
    auditFile = join(dir, 'audit.jsonl');
    env = await startSyncEnv();
    env.netbox.onEvent((e) => events.push(e));
    env.netbox.store.createZone({ name: 'audit.example', ...ns, soa_rname: 'hostmaster.audit.example' });
    env.netbox.store.createRecord({ zone: 'audit.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    events.length = 0;
    d = await startDaemon(env, { NETBOX_PDNS_AUDIT_FILE: auditFile });
    await waitFor(async () => (await answers('www.audit.example', 'A'))[0] === '192.0.2.1', { message: 'the startup sync' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the startup sync, one line per rrset created, with trigger startup', () => {
    const created = audit().filter((r) => r.zone === 'audit.example.');
    expect(created.map((r) => [r.action, r.name, r.type])).to.deep.include.members([
      ['create', 'www.audit.example.', 'A'], ['create', 'audit.example.', 'SOA'], ['create', 'audit.example.', 'NS'],
    ]);
    expect(created.every((r) => r.trigger === 'startup' && /^[0-9a-f]{12}$/.test(r.plan_id))).to.equal(true);
  });

  it("an event-driven change carries NetBox's username and request id, with before → after", async () => {
    const www = env.netbox.store.listRecords({ zone: 'audit.example', type: 'A' })[0];
    env.netbox.store.updateRecord(Number(www?.id), { value: '192.0.2.2', ttl: 300 });
    const sent = events.splice(0);
    expect(sent.length).to.be.greaterThan(0);
    for (const e of sent) {
      e.username = 'carol';
      expect((await d.webhook(e)).status).to.equal(202);
    }
    await waitFor(async () => (await answers('www.audit.example', 'A'))[0] === '192.0.2.2', { message: 'the event applied' });
    await waitFor(() => audit().some((r) => r.trigger === 'event'), { message: 'the audit line' });
    const line = audit().find((r) => r.trigger === 'event' && r.name === 'www.audit.example.');
    expect(line).to.deep.include({
      zone: 'audit.example.', target: 'default', action: 'update', type: 'A',
      before: { ttl: 86400, records: ['192.0.2.1'] }, after: { ttl: 300, records: ['192.0.2.2'] },
      netbox_username: 'carol', netbox_request_id: sent[0]?.request_id,
    });
    // The same record in the log, as a structured line.
    const logged = d.logs.find((l) => l.audit === 'rrset' && l.name === 'www.audit.example.' && l.trigger === 'event');
    expect(logged?.message).to.equal('audit: update www.audit.example. A 86400 192.0.2.1 → 300 192.0.2.2');
    expect(logged).to.include({ netbox_username: 'carol', netbox_request_id: sent[0]?.request_id });
  });

  it('an approval names who approved; nothing secret is in the file', async () => {
    await env.direct.client.patchRRsets('audit.example.', Array.from({ length: 12 }, (_, i) => ({
      name: `h${i}.audit.example.`, type: 'A', changetype: 'REPLACE' as const, ttl: 60, records: [{ content: `198.51.100.${i + 1}`, disabled: false }],
    })));
    const refused = await d.daemon.core.engine.fullReconcile('cli', { zones: ['audit.example.'] });
    expect(refused.zones[0]?.outcome).to.equal('refused');
    const id = (await (await d.get('/status')).json() as StatusDocument).pending_approvals[0]?.plan_id ?? '';
    const res = await fetch(`${d.base}/approve`, {
      method: 'POST', headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ zone: 'audit.example.', plan_id: id }),
    });
    expect(res.status).to.equal(200);
    const approved = audit().filter((r) => r.trigger === 'approval');
    const deletes = approved.filter((r) => r.action === 'delete');
    expect(deletes).to.have.length(12);
    // The serial bump that goes with it is recorded too.
    expect(approved.filter((r) => r.action !== 'delete').map((r) => [r.action, r.type])).to.deep.equal([['update', 'SOA']]);
    expect(deletes[0]).to.deep.include({ action: 'delete', approved_by: 'api-key', plan_id: id, after: null });
    expect(readFileSync(auditFile, 'utf8')).to.not.include(API_KEY).and.not.include('pdns-secret-key');
  });

  it('netbox-pdns history reads the file back, for one zone', async () => {
    const run = await cli(['history', '--zone', 'audit.example', '--limit', '20'], env.env({ NETBOX_PDNS_AUDIT_FILE: auditFile }));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/audit\.example\. update www\.audit\.example\. A 86400 192\.0\.2\.1 → 300 192\.0\.2\.2 \(event, NetBox user carol, request \S+; plan [0-9a-f]{12}\)/);
    expect(run.stdout).to.match(/delete h0\.audit\.example\. A 60 198\.51\.100\.1 → \(none\) \(approval, approved by api-key; plan/);
    const none = await cli(['history'], env.env());
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include('NETBOX_PDNS_AUDIT_FILE is not set');
  });
});
