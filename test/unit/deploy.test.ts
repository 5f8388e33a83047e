/**
 * Keeps the shipped deploy files honest with the real tools: promtool for the rules, their unit
 * tests, the scrape example and every dashboard query; systemd-analyze for both units. The tools are
 * required (operations.md §2, §5.2): a missing one fails with a hint to run `make install`.
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { buildDashboard, dashboardJson, type DashboardPanel } from '../../tools/dashboard/dashboard.js';
import { run } from './observability/tools.js';
import { configOptions } from '../../src/config/index.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const PROM_DIR = join(DEPLOY, 'prometheus');
const SHIPPED_NODE = '/usr/bin/node';

function readDeploy(path: string): string {
  return readFileSync(join(DEPLOY, path), 'utf8');
}

describe('deploy files', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netbox-pdns-deploy-'));
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('prometheus', () => {
    it('rules pass promtool check rules', async () => {
      const result = await run('promtool', ['check', 'rules', 'netbox-pdns.rules.yml'], { cwd: PROM_DIR });
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain('SUCCESS');
    });

    it('rules pass their promtool unit tests', async () => {
      const result = await run('promtool', ['test', 'rules', 'netbox-pdns.rules.test.yml'], { cwd: PROM_DIR });
      expect(result.code, result.stdout + result.stderr).to.equal(0);
    });

    it('has a firing and a not-firing test for every alert', () => {
      const alerts = [...readDeploy('prometheus/netbox-pdns.rules.yml').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
      const tests = readDeploy('prometheus/netbox-pdns.rules.test.yml');
      expect(alerts).to.have.length.at.least(7);
      for (const alert of alerts) {
        const cases = tests.split(`alertname: ${alert}\n`).slice(1);
        expect(cases.some((c) => /^\s*exp_alerts: \[\]/.test(c)), `${alert} not-firing case`).to.equal(true);
        expect(cases.some((c) => /^\s*exp_alerts:\n\s*- exp_labels/.test(c)), `${alert} firing case`).to.equal(true);
      }
    });

    it('scrape example passes promtool check config with job netbox-pdns on port 8000', async () => {
      const text = readDeploy('prometheus/scrape-example.yml');
      expect(text).to.match(/job_name: netbox-pdns\n/);
      expect(text).to.contain(':8000');
      const result = await run('promtool', ['check', 'config', 'scrape-example.yml'], { cwd: PROM_DIR });
      expect(result.code, result.stdout + result.stderr).to.equal(0);
    });
  });

  describe('systemd units', () => {
    /** Copies a unit into tmp under `name`, pointing ExecStart at this node if /usr/bin/node is absent. */
    function stage(source: string, name: string, edit: (text: string) => string = (t) => t): string {
      let text = edit(readDeploy(source));
      try {
        accessSync(SHIPPED_NODE, constants.X_OK);
      } catch {
        text = text.replace(`ExecStart=${SHIPPED_NODE} `, `ExecStart=${process.execPath} `);
      }
      const path = join(tmp, name);
      writeFileSync(path, text);
      return path;
    }

    async function verify(path: string): Promise<string> {
      const result = await run('systemd-analyze', ['verify', path]);
      return `${result.stdout}${result.stderr}${result.code === 0 ? '' : `exit ${result.code}`}`;
    }

    it('netbox-pdns.service passes systemd-analyze verify without any output', async () => {
      expect(await verify(stage('netbox-pdns.service', 'netbox-pdns.service'))).to.equal('');
    });

    it('netbox-pdns@.service passes systemd-analyze verify as an instance without any output', async () => {
      expect(await verify(stage('netbox-pdns@.service', 'netbox-pdns@a.service'))).to.equal('');
    });

    it('would notice a broken unit (the check can fail)', async () => {
      const broken = stage('netbox-pdns.service', 'netbox-pdns.service', (t) => t.replace('ProtectSystem=', 'ProtectSytem='));
      expect(await verify(broken)).to.contain('ProtectSytem');
    });

    it('keeps the hardening exposure low (systemd-analyze security --offline)', async () => {
      for (const [source, name] of [
        ['netbox-pdns.service', 'netbox-pdns.service'],
        ['netbox-pdns@.service', 'netbox-pdns@a.service'],
      ] as const) {
        const result = await run('systemd-analyze', ['security', '--offline=true', '--threshold=20', stage(source, name)]);
        expect(result.code, result.stdout + result.stderr).to.equal(0);
      }
    });

    for (const unit of ['netbox-pdns.service', 'netbox-pdns@.service']) {
      it(`${unit} carries the agreed settings`, () => {
        const text = readDeploy(unit);
        const lines = new Set(text.split('\n'));
        for (const line of [
          'Type=notify',
          'NotifyAccess=all',
          'WatchdogSec=60s',
          `ExecStart=${SHIPPED_NODE} /opt/netbox-pdns/dist/main.js run`,
          'EnvironmentFile=-/etc/netbox-pdns/netbox-pdns.env',
          'DynamicUser=yes',
          'ProtectSystem=strict',
          'NoNewPrivileges=yes',
          'Restart=on-failure',
          'TimeoutStopSec=30s',
          'MemoryDenyWriteExecute=no',
          'SystemCallFilter=@system-service @pkey',
          'SystemCallErrorNumber=EPERM',
        ]) {
          expect(lines.has(line), line).to.equal(true);
        }
        expect(text).to.match(/^Environment=.*\bNETBOX_PDNS_LOG_FORMAT=journald\b/m);
        const instance = unit.includes('@') ? '%i/' : '';
        // Required secrets are loaded; optional ones are offered commented out (a missing file fails the start).
        for (const key of ['nb_token', 'pdns_token']) {
          expect(lines.has(`LoadCredential=${key}:/etc/netbox-pdns/${instance}credentials/${key}`), key).to.equal(true);
        }
        // Every optional secret of the schema, so a new one cannot be forgotten here.
        const optional = configOptions().filter((o) => o.secret && !o.required).map((o) => o.key);
        expect(optional).to.include.members(['mqtt_password', 'api_key', 'status_token', 'webhook_secret']);
        for (const key of optional) {
          expect(lines.has(`#LoadCredential=${key}:/etc/netbox-pdns/${instance}credentials/${key}`), key).to.equal(true);
        }
        // The two deliberate weakenings say why, in the comment right above them.
        expect(text).to.match(/#[^\n]*\n(#[^\n]*\n)*MemoryDenyWriteExecute=no/);
        expect(text).to.match(/#[^\n]*\n(#[^\n]*\n)*SystemCallErrorNumber=EPERM/);
        expect(text).to.match(/#[^\n]*sd_notify[^\n]*\n(#[^\n]*\n)*Type=notify/);
        expect(lines.has('ExecReload=/bin/kill -HUP $MAINPID'), 'reload re-reads the HTTPS certificate').to.equal(true);
        expect(text).not.to.match(/^Environment=.*(TOKEN|PASSWORD|SECRET|API_KEY)=/m);
      });
    }

    it('the template reads a per-instance env file', () => {
      expect(readDeploy('netbox-pdns@.service').split('\n')).to.include('EnvironmentFile=/etc/netbox-pdns/%i.env');
    });
  });

  describe('grafana dashboard', () => {
    const dashboard = buildDashboard();
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));

    it('is the file the builder generates (regenerate: make docs)', () => {
      expect(readDeploy('grafana/netbox-pdns.json') === dashboardJson(), 'deploy/grafana/netbox-pdns.json is stale').to.equal(true);
    });

    it('is a classic JSON model with a datasource variable and job/instance variables', () => {
      expect(dashboard.schemaVersion).to.equal(39);
      expect(dashboard.uid).to.equal('netbox-pdns');
      const [datasource, job, instance] = dashboard.templating.list;
      expect(datasource).to.include({ type: 'datasource', name: 'datasource', label: 'Data Source', query: 'prometheus' });
      expect(job).to.include({ type: 'query', name: 'job' });
      expect(instance).to.include({ type: 'query', name: 'instance' });
      expect(JSON.stringify(job?.query)).to.contain('label_values(netbox_pdns_build_info, job)');
      expect(JSON.stringify(instance?.query)).to.contain('label_values(netbox_pdns_build_info{job=~\\"$job\\"}, instance)');
      expect(JSON.stringify(dashboard)).not.to.contain('DS_PROMETHEUS');
    });

    it('gives every panel a title, description, unit and the ${datasource} datasource', () => {
      expect(panels).to.have.length.at.least(15);
      for (const panel of dashboard.panels) {
        expect(panel.title, `panel ${panel.id}`).to.be.a('string').and.not.equal('');
        expect(panel.description, panel.title).to.be.a('string').and.not.equal('');
      }
      for (const panel of panels) {
        expect(panel.fieldConfig?.defaults.unit, panel.title).to.be.a('string').and.not.equal('');
        expect(panel.datasource, panel.title).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets ?? [], panel.title).to.have.length.at.least(1);
      }
      for (const { panel, target } of targets) {
        expect(target.datasource, panel.title).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
      }
    });

    it('filters by $job/$instance and uses $__rate_interval, never a fixed range, in rate/increase', () => {
      for (const { panel, target } of targets) {
        expect(target.expr, panel.title).to.contain('job=~"$job",instance=~"$instance"');
        expect(target.expr, panel.title).not.to.match(/\[\d+[smhdwy]\]/);
        for (const call of target.expr.matchAll(/\b(?:rate|irate|increase)\((.*?\])\)/g)) {
          expect(call[1], panel.title).to.match(/\[\$__rate_interval\]$/);
        }
      }
    });

    it('lays panels out without overlaps inside 24 columns, with unique ids', () => {
      const ids = new Set(dashboard.panels.map((p) => p.id));
      expect(ids.size).to.equal(dashboard.panels.length);
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        const { x, y, w, h } = panel.gridPos;
        expect(x + w, panel.title).to.be.at.most(24);
        for (let col = x; col < x + w; col += 1) {
          for (let row = y; row < y + h; row += 1) {
            const cell = `${col},${row}`;
            expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).to.equal(false);
            cells.add(cell);
          }
        }
      }
    });

    /** Every query as a recording rule, with Grafana's variables replaced, for promtool's parser. */
    function queriesAsRules(list: Array<{ panel: DashboardPanel; expr: string }>): string {
      const rules = list.map(({ panel, expr }, index) => ({
        record: `dashboard:panel_${panel.id}:query_${index}`,
        expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*').replaceAll('$instance', '.*'),
      }));
      return JSON.stringify({ groups: [{ name: 'dashboard', rules }] }, null, 2);
    }

    it('has only queries that the Prometheus parser accepts (promtool check rules)', async () => {
      const file = join(tmp, 'dashboard.rules.yml');
      writeFileSync(file, queriesAsRules(targets.map(({ panel, target }) => ({ panel, expr: target.expr }))));
      const result = await run('promtool', ['check', 'rules', file]);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain(`SUCCESS: ${targets.length} rules found`);
    });

    it('would notice a query that does not parse (the check can fail)', async () => {
      const file = join(tmp, 'broken.rules.yml');
      const [first] = panels;
      if (first === undefined) throw new Error('no panels');
      writeFileSync(file, queriesAsRules([{ panel: first, expr: 'sum(rate(netbox_pdns_x_total[$__rate_interval])' }]));
      const result = await run('promtool', ['check', 'rules', file]);
      expect(result.code).to.not.equal(0);
      expect(result.stdout + result.stderr).to.contain('parse error');
    });
  });
});
