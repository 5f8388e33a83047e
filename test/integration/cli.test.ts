/** The `netbox-pdns` command as an operator runs it: exit codes, output, secrets masked. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSyncEnv, type SyncEnv, PDNS_KEY } from '../support/sync-env.js';
import { FAKE_NETBOX_TOKEN } from '../fakes/netbox/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('netbox-pdns CLI', function () {
  this.timeout(60_000);
  let env: SyncEnv;

  before(async () => {
    env = await startSyncEnv();
    const s = env.netbox.store;
    s.createZone({ name: 'cli.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.cli.example' });
    s.createRecord({ zone: 'cli.example', name: 'www', type: 'A', value: '192.0.2.1' });
  });
  after(async () => env?.stop());

  it('check-config exits 2 and lists every problem, one line each, with secrets masked', async () => {
    const run = await cli(['check-config'], {
      NETBOX_PDNS_NB_URL: 'ftp://netbox', NETBOX_PDNS_NB_TOKEN: 'super-secret-token', NETBOX_PDNS_NB_NS_ID: '0',
      NETBOX_PDNS_SYNC_CRONTAB: '*/61 * * *', NETBOX_PDNS_LOG_LEVEL: 'LOUD',
    });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('NETBOX_PDNS_NB_NS_ID="0"');
    expect(run.stderr).to.include('NETBOX_PDNS_SYNC_CRONTAB');
    expect(run.stderr).to.include('NETBOX_PDNS_LOG_LEVEL="LOUD"');
    expect(run.stderr).to.include('NETBOX_PDNS_NB_URL="ftp://netbox"');
    expect(run.stderr).to.include('NETBOX_PDNS_PDNS_URL: required, not set');
    expect(run.stderr + run.stdout).to.not.include('super-secret-token');
  });

  it('check-config prints the effective configuration with secrets masked', async () => {
    const run = await cli(['check-config'], env.env());
    expect(run.code).to.equal(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed.nb_token).to.equal('****');
    expect(printed.pdns_token).to.equal('****');
    expect(printed.sync_crontab).to.equal('*/15 * * * *');
    expect(run.stdout).to.not.include(FAKE_NETBOX_TOKEN).and.not.include(PDNS_KEY);
  });

  it('plan exits 3 with the pending changes, sync applies them, then plan exits 0', async () => {
    const pending = await cli(['plan'], env.env());
    expect(pending.code).to.equal(3);
    expect(pending.stdout).to.include('cli.example.: create zone (kind Native, account netbox-pdns)');
    expect(pending.stdout, pending.stdout).to.include('+ www.cli.example. 86400 A 192.0.2.1');

    const json = await cli(['plan', '--json'], env.env());
    expect(json.code).to.equal(3);
    const parsed = JSON.parse(json.stdout) as { zones: Array<{ zone: string; outcome: string }> };
    expect(parsed.zones).to.deep.include({ ...parsed.zones.find((z) => z.zone === 'cli.example.'), zone: 'cli.example.', outcome: 'created' });

    const dry = await cli(['sync', '--dry-run'], env.env());
    expect(dry.code).to.equal(0);
    expect(await env.direct.client.getZone('cli.example.')).to.equal(null);

    const sync = await cli(['sync'], env.env());
    expect(sync.code, sync.stderr).to.equal(0);
    expect(sync.stdout).to.match(/1 zone\(s\) created/);
    expect(await env.direct.client.getZone('cli.example.')).to.not.equal(null);

    const clean = await cli(['plan', '--zone', 'cli.example'], env.env());
    expect(clean.code).to.equal(0);
    expect(clean.stdout).to.match(/Plan: 0 zone\(s\) to create, 0 to change, 0 to delete, 1 in sync/);
  });

  it('sync exits 3 when a plan is refused as unsafe, and 1 when PowerDNS rejects the key', async () => {
    const s = env.netbox.store;
    const ids = Array.from({ length: 10 }, (_, i) => s.createRecord({ zone: 'cli.example', name: `n${i}`, type: 'A', value: `192.0.2.${i + 10}` }).id);
    expect((await cli(['sync'], env.env())).code).to.equal(0);
    for (const id of ids) s.deleteRecord(id);
    const refused = await cli(['sync'], env.env());
    expect(refused.code).to.equal(3);
    expect(refused.stdout).to.match(/cli\.example\. REFUSED: .*too many deletes/i);

    const badKey = await cli(['sync'], env.env({ NETBOX_PDNS_PDNS_TOKEN: 'wrong-key-123456', NETBOX_PDNS_LOG_LEVEL: 'error' }));
    expect(badKey.code).to.equal(1);
    expect(badKey.stdout + badKey.stderr).to.not.include('wrong-key-123456');
  });

  it('no arguments prints the help and exits 2; each command has its own --help; a foreign option prints that command\'s help', async () => {
    const bare = await cli([], {});
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.include('Usage: netbox-pdns <command> [options]').and.include('  approve ');
    const help = await cli(['sync', '--help'], {});
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: netbox-pdns sync /).and.include('--plan FILE').and.include('Examples:');
    const foreign = await cli(['plan', '--force'], {});
    expect(foreign.code).to.equal(2);
    expect(foreign.stderr).to.include('--force does not apply to plan').and.include('Usage: netbox-pdns plan ');
  });

  it('a PowerDNS error says what to check: wrong server id (404)', async () => {
    const run = await cli(['plan'], env.env({ NETBOX_PDNS_PDNS_SERVER_ID: 'dns1', NETBOX_PDNS_LOG_LEVEL: 'error' }));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include('HTTP 404').and.include('check PDNS_SERVER_ID, usually "localhost"');
  });

  it('rejects unknown commands and bad zone names with exit 2', async () => {
    expect((await cli(['frobnicate'], {})).code).to.equal(2);
    expect((await cli(['plan', '--zone', '../etc'], env.env())).code).to.equal(2);
  });
});
