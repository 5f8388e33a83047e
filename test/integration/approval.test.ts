/**
 * Approving exactly what was shown, against a real PowerDNS 4.7: a refused plan is kept with its id;
 * approving that id applies exactly that plan; approving an id that is no longer current (PowerDNS or
 * NetBox changed since) applies nothing and says what changed. Over HTTP on a running daemon
 * (POST /approve, the API key's name logged and counted) and from the command line (`approve`,
 * `plan --out` / `sync --plan`).
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
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { PdnsRRsetChange } from '../../src/pdns/types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };
const rr = (name: string, type: string, content: string, ttl = 60): PdnsRRsetChange =>
  ({ name, type, changetype: 'REPLACE', ttl, records: [{ content, disabled: false }] });

/** A zone made by hand (not ours) whose content NetBox would replace: adoption is refused. */
async function handMadeZone(env: SyncEnv, zone: string): Promise<void> {
  env.netbox.store.createZone({ name: zone, ...ns, soa_rname: `hostmaster.${zone}` });
  env.netbox.store.createRecord({ zone, name: 'www', type: 'A', value: '192.0.2.80', disable_ptr: true });
  await env.direct.client.createZone({
    name: `${zone}.`, kind: 'Native', account: '', soa_edit_api: '', nameservers: ['ns.hand.test.'],
    rrsets: [rr(`www.${zone}.`, 'A', '198.51.100.9'), rr(`mail.${zone}.`, 'MX', '10 mx.hand.test.')],
  });
}

interface Run { code: number; stdout: string; stderr: string }
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

describe('approving exactly what was shown (real PowerDNS)', function () {
  this.timeout(90_000);
  let env: SyncEnv;
  const answers = async (name: string, type: string): Promise<string[]> => (await queryDns(env.pdns.dnsPort, name, type)).answers;

  before(async () => {
    env = await startSyncEnv();
  });
  after(async () => env?.stop());

  describe('over HTTP on the running daemon', () => {
    let d: RunningDaemon;
    const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
    const approve = (body: object, key: string | null = API_KEY): Promise<Response> => fetch(`${d.base}/approve`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    });

    before(async () => {
      await handMadeZone(env, 'http-hand.example');
      d = await startDaemon(env, { NETBOX_PDNS_API_KEY_NAME: 'alice-laptop' });
      await waitFor(async () => (await status()).pending_approvals.length === 1, { message: 'the refused adoption kept for approval' });
    });
    after(async () => d?.stop());

    it('keeps the refused plan with its id, its diff and why; /status says how to approve it', async () => {
      const doc = await status();
      const pending = doc.pending_approvals[0];
      expect(pending).to.include({ zone: 'http-hand.example.', target: 'default', refusal: 'adoption' });
      expect(pending?.plan_id).to.match(/^[0-9a-f]{12}$/);
      expect(pending?.lines).to.include('- mail.http-hand.example. 60 MX 10 mx.hand.test.');
      expect(pending?.message).to.include(`netbox-pdns approve http-hand.example. ${pending?.plan_id ?? ''}`);
      expect(doc.problems.some((p) => /approve the plan/.test(p))).to.equal(true);
    });

    it('needs the API key', async () => {
      const id = (await status()).pending_approvals[0]?.plan_id ?? '';
      expect((await approve({ zone: 'http-hand.example', plan_id: id }, null)).status).to.equal(401);
      expect((await approve({ zone: 'http-hand.example', plan_id: id }, 'wrong-key-0000')).status).to.equal(401);
      expect((await approve({ zone: 'http-hand.example' })).status).to.equal(400);
      expect(await answers('www.http-hand.example', 'A')).to.deep.equal(['198.51.100.9']);
    });

    it('with an id that is no longer current applies nothing and says what changed', async () => {
      const old = (await status()).pending_approvals[0]?.plan_id ?? '';
      // Someone edits the zone by hand after the plan was shown.
      await env.direct.client.patchRRsets('http-hand.example.', [rr('ftp.http-hand.example.', 'A', '198.51.100.21')]);
      env.resetRequests();
      const res = await approve({ zone: 'http-hand.example', plan_id: old });
      const body = await res.json() as { result: string; current_plan_id: string; changes: string[] };
      expect(res.status).to.equal(409);
      expect(body.result).to.equal('stale');
      expect(body.current_plan_id).to.match(/^[0-9a-f]{12}$/).and.not.equal(old);
      expect(body.changes).to.include('now: - ftp.http-hand.example. 60 A 198.51.100.21');
      expect(env.writes()).to.deep.equal([]);
      expect(await answers('www.http-hand.example', 'A')).to.deep.equal(['198.51.100.9']);
      // The new refused plan is the one kept now.
      expect((await status()).pending_approvals[0]?.plan_id).to.equal(body.current_plan_id);
    });

    it('with the current id applies exactly that plan, logged with the key\'s name and counted', async () => {
      const id = (await status()).pending_approvals[0]?.plan_id ?? '';
      const res = await approve({ zone: 'http-hand.example', plan_id: id });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ result: 'applied', plan_id: id, outcome: 'changed' });
      expect(await answers('www.http-hand.example', 'A')).to.deep.equal(['192.0.2.80']);
      expect(await answers('mail.http-hand.example', 'MX')).to.deep.equal([]);
      expect(await answers('ftp.http-hand.example', 'A')).to.deep.equal([]);
      expect((await env.direct.client.getZone('http-hand.example.'))?.account).to.equal('netbox-pdns');
      expect((await status()).pending_approvals).to.deep.equal([]);
      const line = d.logs.find((l) => /^approval: plan \S+ of \S+ applied$/.test(String(l.message)));
      expect(line).to.include({ approved_by: 'alice-laptop', via: 'http', plan_id: id });
      expect(await d.metric('netbox_pdns_approvals_total', { result: 'applied', via: 'http' })).to.equal(1);
      expect(await d.metric('netbox_pdns_approvals_total', { result: 'stale', via: 'http' })).to.equal(1);
      expect(JSON.stringify(d.logs)).to.not.include(API_KEY);
    });
  });

  describe('from the command line', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-approval-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('approve ZONE PLAN-ID applies the plan plan printed; a stale id exits 3 with the new plan', async () => {
      await handMadeZone(env, 'cli-hand.example');
      const shown = await cli(['plan', '--zone', 'cli-hand.example'], env.env());
      expect(shown.code).to.equal(3);
      const id = /cli-hand\.example\. REFUSED: .*netbox-pdns approve cli-hand\.example\. ([0-9a-f]{12})/.exec(shown.stdout)?.[1] ?? '';
      expect(shown.stdout).to.include(`[plan ${id}]`);

      env.netbox.store.createRecord({ zone: 'cli-hand.example', name: 'api', type: 'A', value: '192.0.2.81', disable_ptr: true });
      env.resetRequests();
      const stale = await cli(['approve', 'cli-hand.example', id], env.env());
      expect(stale.code, stale.stderr).to.equal(3);
      expect(stale.stdout).to.include(`plan ${id} is not the current plan`);
      const current = /to apply it: netbox-pdns approve cli-hand\.example\. ([0-9a-f]{12})/.exec(stale.stdout)?.[1] ?? '';
      expect(current).to.match(/^[0-9a-f]{12}$/);
      expect(env.writes()).to.deep.equal([]);

      const applied = await cli(['approve', 'cli-hand.example', current], env.env());
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(applied.stdout).to.include(`plan ${current} applied`);
      expect(await answers('api.cli-hand.example', 'A')).to.deep.equal(['192.0.2.81']);
      expect(await answers('mail.cli-hand.example', 'MX')).to.deep.equal([]);
    });

    it('plan --out FILE then sync --plan FILE applies the plans as written, and none that changed since', async () => {
      await handMadeZone(env, 'window-a.example');
      await handMadeZone(env, 'window-b.example');
      const file = join(dir, 'window.json');
      const planned = await cli(['plan', '--out', file], env.env());
      expect(planned.code).to.equal(3);
      const written = JSON.parse(readFileSync(file, 'utf8')) as { plans: Array<{ zone: string; plan_id: string }> };
      expect(written.plans.map((p) => p.zone)).to.include.members(['window-a.example.', 'window-b.example.']);

      // Before the change window, window-b changes in NetBox: its plan in the file is stale.
      env.netbox.store.createRecord({ zone: 'window-b.example', name: 'late', type: 'A', value: '192.0.2.99', disable_ptr: true });
      const run = await cli(['sync', '--plan', file], env.env());
      expect(run.code, run.stdout + run.stderr).to.equal(3);
      expect(run.stdout).to.match(/window-a\.example\. \[default\]: plan [0-9a-f]{12} applied/);
      expect(run.stdout).to.match(/window-b\.example\. \[default\]: plan [0-9a-f]{12} is not the current plan/);
      expect(run.stdout).to.include('now: + late.window-b.example. 86400 A 192.0.2.99');
      expect(await answers('www.window-a.example', 'A')).to.deep.equal(['192.0.2.80']);
      expect(await answers('www.window-b.example', 'A')).to.deep.equal(['198.51.100.9']);
      expect(await answers('late.window-b.example', 'A')).to.deep.equal([]);
    });
  });
});
