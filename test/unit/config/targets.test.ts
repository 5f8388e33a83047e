import { expect } from 'chai';
import { loadConfig, maskConfig, secretValues } from '../../../src/config/index.js';
import { NB_TOKEN, PDNS_TOKEN, baseEnv, problemsOf } from './helpers.js';

/** The base environment without the single-server PowerDNS settings, plus `extra`. */
const multiEnv = (extra: Record<string, string | undefined>): Record<string, string | undefined> =>
  baseEnv({ NETBOX_PDNS_PDNS_URL: undefined, NETBOX_PDNS_PDNS_TOKEN: undefined, ...extra });

const TWO = JSON.stringify([
  { name: 'dc1', url: 'https://pdns1.example.com:8081' },
  { name: 'lab-1', url: 'http://lab:8081', server_id: 'lab', zone_kind: 'Master', nb_ns_id: 7, nb_view_id: 2, notify: false },
]);

describe('config: PowerDNS targets', () => {
  it('the single-server settings are one target named default, unchanged', () => {
    const cfg = loadConfig({ env: baseEnv() });
    expect(cfg.targets).to.deep.equal([{ name: 'default', url: 'http://pdns.example.com:8081', token: PDNS_TOKEN, serverId: 'localhost', zoneKind: 'Native', notify: true, nbNsId: 1, concurrentWrites: 'auto' }]);
  });

  it('reads a list of targets, each key from its own variable, file or credential', () => {
    const files: Record<string, string> = { '/run/keys/lab': 'lab-key-from-file\n', '/creds/pdns_token_dc1': 'dc1-key-from-credential' };
    const readFile = (path: string): string => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    };
    const cfg = loadConfig({
      env: multiEnv({ NETBOX_PDNS_PDNS_TARGETS: TWO, NETBOX_PDNS_PDNS_TOKEN_LAB_1_FILE: '/run/keys/lab', CREDENTIALS_DIRECTORY: '/creds' }),
      readFile,
    });
    expect(cfg.targets).to.deep.equal([
      { name: 'dc1', url: 'https://pdns1.example.com:8081', token: 'dc1-key-from-credential', serverId: 'localhost', zoneKind: 'Native', notify: true, nbNsId: 1, concurrentWrites: 'auto' },
      { name: 'lab-1', url: 'http://lab:8081', token: 'lab-key-from-file', serverId: 'lab', zoneKind: 'Master', notify: false, nbNsId: 7, nbViewId: 2, concurrentWrites: 'auto' },
    ]);
    const masked = JSON.stringify(maskConfig(cfg));
    expect(masked).to.not.include('lab-key-from-file').and.not.include('dc1-key-from-credential').and.not.include(NB_TOKEN);
    expect(secretValues(cfg)).to.include.members(['lab-key-from-file', 'dc1-key-from-credential']);
  });

  it('takes the list as a JSON list in a config file, and a token variable wins over a token field', () => {
    const file = JSON.stringify({ pdns_targets: [{ name: 'a', url: 'http://a:8081', token: 'from-the-file' }] });
    const cfg = loadConfig({ env: multiEnv({ NETBOX_PDNS_PDNS_TOKEN_A: 'from-env' }), configPath: '/c.json', readFile: () => file });
    expect(cfg.targets[0]?.token).to.equal('from-env');
    expect(JSON.stringify(maskConfig(cfg))).to.not.include('from-the-file').and.not.include('from-env');
  });

  it('write concurrency: auto by default, PDNS_CONCURRENT_WRITES for every target, concurrent_writes per target', () => {
    expect(loadConfig({ env: baseEnv({ NETBOX_PDNS_PDNS_CONCURRENT_WRITES: '6' }) }).targets[0]?.concurrentWrites).to.equal(6);
    expect(loadConfig({ env: baseEnv({ NETBOX_PDNS_PDNS_CONCURRENT_WRITES: 'AUTO' }) }).targets[0]?.concurrentWrites).to.equal('auto');
    const fromFile = loadConfig({ env: baseEnv(), configPath: '/c.json', readFile: () => JSON.stringify({ pdns_concurrent_writes: 2 }) });
    expect(fromFile.targets[0]?.concurrentWrites).to.equal(2);
    const list = JSON.stringify([{ name: 'pg', url: 'http://pg:8081', concurrent_writes: 4 }, { name: 'lite', url: 'http://lite:8081', concurrent_writes: 'auto' }, { name: 'dflt', url: 'http://d:8081' }]);
    const cfg = loadConfig({ env: multiEnv({ NETBOX_PDNS_PDNS_TARGETS: list, NETBOX_PDNS_PDNS_CONCURRENT_WRITES: '3', NETBOX_PDNS_PDNS_TOKEN_PG: 'k', NETBOX_PDNS_PDNS_TOKEN_LITE: 'k', NETBOX_PDNS_PDNS_TOKEN_DFLT: 'k' }) });
    expect(cfg.targets.map((t) => t.concurrentWrites)).to.deep.equal([4, 'auto', 3]);
    for (const bad of ['0', '65', 'many', '2.5', '-1']) {
      expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_PDNS_CONCURRENT_WRITES: bad }) }))).to.deep.equal([
        `NETBOX_PDNS_PDNS_CONCURRENT_WRITES="${bad}": must be auto or an integer between 1 and 64`,
      ]);
    }
  });

  it('names every problem of a bad list at once', () => {
    const list = JSON.stringify([
      { name: 'dc1', url: 'ftp://x' }, { name: 'dc1', url: 'http://b' }, { name: 'Bad Name', url: 'http://c' }, { name: 'c', url: 'http://c', kind: 'x', zone_kind: 'Slave', nb_ns_id: 0, concurrent_writes: 0 },
    ]);
    const problems = problemsOf(() => loadConfig({ env: multiEnv({ NETBOX_PDNS_PDNS_TARGETS: list, NETBOX_PDNS_PDNS_TOKEN_DC1: 'k' }) }));
    expect(problems).to.deep.equal([
      'NETBOX_PDNS_PDNS_TARGETS[0].url: must be an http:// or https:// URL',
      'NETBOX_PDNS_PDNS_TARGETS[1].name: "dc1" is used twice',
      'NETBOX_PDNS_PDNS_TARGETS[2].name: must be 1–32 lower-case letters, digits, "-" or "_", starting with a letter or digit',
      'NETBOX_PDNS_PDNS_TARGETS[3].kind: unknown field (allowed: name, url, token, server_id, zone_kind, notify, nb_ns_id, nb_view_id, concurrent_writes, catalog_zone)',
      'NETBOX_PDNS_PDNS_TARGETS[3].zone_kind: must be one of Native, Master, Primary',
      'NETBOX_PDNS_PDNS_TARGETS[3].nb_ns_id: must be an integer >= 1',
      'NETBOX_PDNS_PDNS_TARGETS[3].concurrent_writes: must be "auto" or an integer between 1 and 64',
      'NETBOX_PDNS_PDNS_TARGETS[3].token: not set: set NETBOX_PDNS_PDNS_TOKEN_C (or NETBOX_PDNS_PDNS_TOKEN_C_FILE, or the credential pdns_token_c)',
    ]);
  });

  it('refuses a list together with the single-server settings, bad JSON, and a typo in a token variable', () => {
    expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_PDNS_TARGETS: TWO }) }))).to.include.members([
      'NETBOX_PDNS_PDNS_URL: set together with NETBOX_PDNS_PDNS_TARGETS; give each target its URL and key instead',
      'NETBOX_PDNS_PDNS_TOKEN: set together with NETBOX_PDNS_PDNS_TARGETS; give each target its URL and key instead',
    ]);
    expect(problemsOf(() => loadConfig({ env: multiEnv({ NETBOX_PDNS_PDNS_TARGETS: '[{' }) }))).to.deep.equal(['NETBOX_PDNS_PDNS_TARGETS: is not valid JSON']);
    const typo = problemsOf(() => loadConfig({ env: multiEnv({ NETBOX_PDNS_PDNS_TARGETS: TWO, NETBOX_PDNS_PDNS_TOKEN_DC1: 'k', NETBOX_PDNS_PDNS_TOKEN_LAB_1: 'k', NETBOX_PDNS_PDNS_TOKEN_DC2: 'k' }) }));
    expect(typo).to.deep.equal(['NETBOX_PDNS_PDNS_TOKEN_DC2: unknown variable (did you mean NETBOX_PDNS_PDNS_TOKEN_DC1?)']);
  });

  it('without a list, PDNS_URL and PDNS_TOKEN are required and say how to list several servers', () => {
    expect(problemsOf(() => loadConfig({ env: multiEnv({}) }))).to.deep.equal([
      'NETBOX_PDNS_PDNS_URL: required, not set (or list several servers in NETBOX_PDNS_PDNS_TARGETS)',
      'NETBOX_PDNS_PDNS_TOKEN: required, not set (or list several servers in NETBOX_PDNS_PDNS_TARGETS)',
    ]);
  });
});
