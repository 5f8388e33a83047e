import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/util/errors.js';
import { NB_TOKEN, PDNS_TOKEN, baseEnv, fakeFiles, problemsOf } from './helpers.js';

/** The problem lines for the base environment plus `extra`. */
function problems(extra: Record<string, string | undefined>): string[] {
  return problemsOf(() => loadConfig({ env: baseEnv(extra) }));
}

describe('config: problem lines', () => {
  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    [
      'a crontab croner rejects',
      { NETBOX_PDNS_SYNC_CRONTAB: '*/61 * * *' },
      `NETBOX_PDNS_SYNC_CRONTAB="*/61 * * *": not a valid crontab (croner: CronPattern: invalid configuration format ('*/61 * * *'), exactly five or six space separated parts are required.)`,
    ],
    [
      'a crontab step out of range',
      { NETBOX_PDNS_SYNC_CRONTAB: '*/61 * * * *' },
      'NETBOX_PDNS_SYNC_CRONTAB="*/61 * * * *": not a valid crontab (croner: CronPattern: Syntax error, max steps for part is (60))',
    ],
    ['a non-http PowerDNS URL', { NETBOX_PDNS_PDNS_URL: 'ftp://x' }, 'NETBOX_PDNS_PDNS_URL="ftp://x": must be an http:// or https:// URL'],
    ['an http URL without a host', { NETBOX_PDNS_NB_URL: 'http://' }, 'NETBOX_PDNS_NB_URL="http://": must be an http:// or https:// URL'],
    ['NB_NS_ID 0', { NETBOX_PDNS_NB_NS_ID: '0' }, 'NETBOX_PDNS_NB_NS_ID="0": must be an integer >= 1'],
    ['a non-numeric NB_NS_ID', { NETBOX_PDNS_NB_NS_ID: 'one' }, 'NETBOX_PDNS_NB_NS_ID="one": must be an integer >= 1'],
    ['a fractional integer', { NETBOX_PDNS_WORKERS: '2.5' }, 'NETBOX_PDNS_WORKERS="2.5": must be an integer between 1 and 64'],
    ['an unknown log level', { NETBOX_PDNS_LOG_LEVEL: 'LOUD' }, 'NETBOX_PDNS_LOG_LEVEL="LOUD": must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL'],
    ['a bad boolean', { NETBOX_PDNS_DRY_RUN: 'maybe' }, 'NETBOX_PDNS_DRY_RUN="maybe": must be true or false (also yes/no, 1/0)'],
    ['a ratio above 1', { NETBOX_PDNS_MAX_ZONE_DELETE_RATIO: '1.5' }, 'NETBOX_PDNS_MAX_ZONE_DELETE_RATIO="1.5": must be a number between 0 and 1'],
    ['a zero timeout', { NETBOX_PDNS_PDNS_TIMEOUT: '0' }, 'NETBOX_PDNS_PDNS_TIMEOUT="0": must be a number > 0'],
    ['QoS 3', { NETBOX_PDNS_MQTT_QOS: '3' }, 'NETBOX_PDNS_MQTT_QOS="3": must be one of 0, 1, 2'],
    ['a lower-case zone kind', { NETBOX_PDNS_PDNS_ZONE_KIND: 'native' }, 'NETBOX_PDNS_PDNS_ZONE_KIND="native": must be one of Native, Master, Primary'],
    ['an http broker URL', { NETBOX_PDNS_MQTT_BROKER_URL: 'http://broker' }, 'NETBOX_PDNS_MQTT_BROKER_URL="http://broker": must be an mqtt://, mqtts://, ws:// or wss:// URL, or "embedded"'],
    ['a wildcard topic prefix', { NETBOX_PDNS_MQTT_TOPIC_PREFIX: 'dns/#' }, 'NETBOX_PDNS_MQTT_TOPIC_PREFIX="dns/#": must be an MQTT topic prefix without wildcards (+, #) or a leading/trailing /'],
    ['overlapping topic prefixes', { NETBOX_PDNS_MQTT_EVENTS_PREFIX: 'dns' }, 'NETBOX_PDNS_MQTT_TOPIC_PREFIX="dns/zones": must not overlap NETBOX_PDNS_MQTT_EVENTS_PREFIX ("dns")'],
    ['a password without a user name', { NETBOX_PDNS_MQTT_PASSWORD: 'hunter2' }, 'NETBOX_PDNS_MQTT_PASSWORD=****: set without NETBOX_PDNS_MQTT_USERNAME'],
    [
      'an embedded broker account without a password',
      { NETBOX_PDNS_MQTT_BROKER_URL: 'embedded', NETBOX_PDNS_MQTT_USERNAME: 'publisher' },
      'NETBOX_PDNS_MQTT_USERNAME="publisher": set without NETBOX_PDNS_MQTT_PASSWORD; the embedded broker needs both to require authentication',
    ],
    ['a max delay below the base delay', { NETBOX_PDNS_RETRY_MAX_DELAY: '0.5' }, 'NETBOX_PDNS_RETRY_MAX_DELAY="0.5": must be >= NETBOX_PDNS_RETRY_BASE_DELAY (1)'],
    ['a lock timeout not above the warning', { NETBOX_PDNS_LOCK_TIMEOUT_SECONDS: '1' }, 'NETBOX_PDNS_LOCK_TIMEOUT_SECONDS="1": must be > NETBOX_PDNS_LOCK_WARN_SECONDS (1)'],
    [
      'the embedded broker on the HTTP port',
      { NETBOX_PDNS_MQTT_BROKER_URL: 'embedded', NETBOX_PDNS_EMBEDDED_BROKER_PORT: '8000' },
      'NETBOX_PDNS_EMBEDDED_BROKER_PORT="8000": must differ from NETBOX_PDNS_HTTP_PORT',
    ],
    ['a v2 token with the Token scheme', { NETBOX_PDNS_NB_TOKEN: 'nbt_abc.def', NETBOX_PDNS_NB_AUTH_SCHEME: 'token' }, 'NETBOX_PDNS_NB_TOKEN=****: a v2 (nbt_) token needs NETBOX_PDNS_NB_AUTH_SCHEME auto or bearer, not token'],
    ['a v2 token without its secret part', { NETBOX_PDNS_NB_TOKEN: 'nbt_abcdef' }, 'NETBOX_PDNS_NB_TOKEN=****: a v2 (nbt_) token must have the form nbt_<key>.<secret>'],
    ['a missing required variable', { NETBOX_PDNS_NB_URL: undefined }, 'NETBOX_PDNS_NB_URL: required, not set'],
    ['a typo in a variable name', { NETBOX_PDNS_SYNC_CRONTABS: '* * * * *' }, 'NETBOX_PDNS_SYNC_CRONTABS: unknown variable (did you mean NETBOX_PDNS_SYNC_CRONTAB?)'],
    ['a _FILE for a non-secret', { NETBOX_PDNS_NB_URL_FILE: '/x' }, 'NETBOX_PDNS_NB_URL_FILE: unknown variable (only secrets can be read from a _FILE; set NETBOX_PDNS_NB_URL instead)'],
  ];
  for (const [what, extra, line] of cases) {
    it(`reports ${what}`, () => {
      expect(problems(extra)).to.deep.equal([line]);
    });
  }

  it('reports a client certificate without a key', () => {
    expect(problemsOf(() => loadConfig({
      env: baseEnv({ NETBOX_PDNS_MQTT_CERT_FILE: '/etc/cert.pem' }),
      readFile: fakeFiles({ '/etc/cert.pem': '-----BEGIN CERTIFICATE-----' }),
    }))).to.deep.equal(['NETBOX_PDNS_MQTT_CERT_FILE="/etc/cert.pem": set without NETBOX_PDNS_MQTT_KEY_FILE']);
  });

  it('reports an HTTPS certificate without its key, and a key without its certificate', () => {
    const files = fakeFiles({ '/etc/http.pem': '-----BEGIN CERTIFICATE-----', '/etc/http.key': '-----BEGIN PRIVATE KEY-----' });
    expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_HTTP_TLS_CERT_FILE: '/etc/http.pem' }), readFile: files })))
      .to.deep.equal(['NETBOX_PDNS_HTTP_TLS_CERT_FILE="/etc/http.pem": set without NETBOX_PDNS_HTTP_TLS_KEY_FILE']);
    expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_HTTP_TLS_KEY_FILE: '/etc/http.key' }), readFile: files })))
      .to.deep.equal(['NETBOX_PDNS_HTTP_TLS_KEY_FILE="/etc/http.key": set without NETBOX_PDNS_HTTP_TLS_CERT_FILE']);
    expect(problemsOf(() => loadConfig({
      env: baseEnv({ NETBOX_PDNS_HTTP_TLS_CERT_FILE: '/etc/http.pem', NETBOX_PDNS_HTTP_TLS_KEY_FILE: '/etc/missing.key' }), readFile: files,
    }))).to.deep.equal([`NETBOX_PDNS_HTTP_TLS_KEY_FILE="/etc/missing.key": cannot read file (ENOENT: no such file or directory, open '/etc/missing.key')`]);
  });

  it('reports an unreadable TLS file', () => {
    const lines = problemsOf(() => loadConfig({
      env: baseEnv({ NETBOX_PDNS_PDNS_CA_FILE: '/etc/ca.pem', NETBOX_PDNS_NB_CA_FILE: '/etc/nb-ca.pem' }),
      readFile: fakeFiles({ '/etc/nb-ca.pem': '-----BEGIN CERTIFICATE-----' }),
    }));
    expect(lines).to.deep.equal([
      `NETBOX_PDNS_PDNS_CA_FILE="/etc/ca.pem": cannot read file (ENOENT: no such file or directory, open '/etc/ca.pem')`,
    ]);
  });

  it('lists every problem at once, one line each, in a ConfigError', () => {
    let caught: unknown;
    try {
      loadConfig({
        env: {
          NETBOX_PDNS_NB_NS_ID: '0',
          NETBOX_PDNS_PDNS_URL: 'ftp://x',
          NETBOX_PDNS_PDNS_TOKEN: PDNS_TOKEN,
          NETBOX_PDNS_SYNC_CRONTAB: '*/61 * * * *',
          NETBOX_PDNS_LOG_LEVEL: 'LOUD',
          NETBOX_PDNS_HTTP_PORT: '70000',
          NETBOX_PDNS_NB_TOKN: NB_TOKEN,
        },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.problems).to.deep.equal([
      'NETBOX_PDNS_NB_TOKN: unknown variable (did you mean NETBOX_PDNS_NB_TOKEN?)',
      'NETBOX_PDNS_NB_URL: required, not set',
      'NETBOX_PDNS_NB_TOKEN: required, not set',
      'NETBOX_PDNS_NB_NS_ID="0": must be an integer >= 1',
      'NETBOX_PDNS_PDNS_URL="ftp://x": must be an http:// or https:// URL',
      'NETBOX_PDNS_HTTP_PORT="70000": must be an integer between 0 and 65535',
      'NETBOX_PDNS_LOG_LEVEL="LOUD": must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL',
      'NETBOX_PDNS_SYNC_CRONTAB="*/61 * * * *": not a valid crontab (croner: CronPattern: Syntax error, max steps for part is (60))',
    ]);
    expect(err.message.split('\n')).to.have.length(9);
  });

  describe('values from the config file', () => {
    const path = '/etc/netbox-pdns.json';
    const load = (json: string, env = baseEnv()): string[] =>
      problemsOf(() => loadConfig({ env, configPath: path, readFile: fakeFiles({ [path]: json }) }));

    it('names the file key and shows the JSON value', () => {
      const env = baseEnv({ NETBOX_PDNS_NB_NS_ID: undefined, NETBOX_PDNS_PDNS_URL: undefined });
      expect(load(JSON.stringify({ nb_ns_id: '3', workers: 0, pdns_url: 'ftp://x', sync_crontab: 'x' }), env)).to.deep.equal([
        'nb_ns_id="3": must be an integer >= 1',
        'pdns_url="ftp://x": must be an http:// or https:// URL',
        'workers=0: must be an integer between 1 and 64',
        'sync_crontab="x": not a valid crontab (croner: CronPattern: invalid configuration format (\'x\'), exactly five or six space separated parts are required.)',
      ]);
    });

    it('reports unknown keys without their values', () => {
      expect(load(JSON.stringify({ nb_tokn: 'abc-secret', NB_URL: 'x' }))).to.deep.equal([
        `nb_tokn: unknown key in config file ${path} (did you mean nb_token?)`,
        `NB_URL: unknown key in config file ${path} (did you mean nb_url?)`,
      ]);
    });

    it('reports a missing file and a file that is not an object', () => {
      expect(problemsOf(() => loadConfig({ env: baseEnv(), configPath: '/nope.json', readFile: fakeFiles({}) }))).to.deep.equal([
        `--config="/nope.json": cannot read config file (ENOENT: no such file or directory, open '/nope.json')`,
      ]);
      expect(load('[1]')).to.deep.equal([`--config="${path}": config file must hold a JSON object`]);
    });

    it('reports invalid JSON by position without quoting the file', () => {
      const lines = load(`{"nb_token": ${NB_TOKEN}}`);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^--config="\/etc\/netbox-pdns.json": config file is not valid JSON/);
      expect(lines[0]).to.not.include(NB_TOKEN.slice(0, 8));
    });
  });

  describe('secrets', () => {
    it('never appear in problem lines, whatever the source', () => {
      const secrets = ['api-key-SECRET', 'hook-SECRET', 'mqtt-SECRET', 'nbt_SECRET', 'pdns-SECRET', 'url-SECRET'];
      const lines = problemsOf(() => loadConfig({
        env: {
          NETBOX_PDNS_NB_URL: 'ftp://nb',
          NETBOX_PDNS_NB_TOKEN: 'nbt_SECRET',
          NETBOX_PDNS_NB_AUTH_SCHEME: 'token',
          NETBOX_PDNS_PDNS_URL: 'http://pdns',
          NETBOX_PDNS_PDNS_TOKEN_FILE: '/run/pdns',
          NETBOX_PDNS_API_KEY: 'api-key-SECRET',
          NETBOX_PDNS_MQTT_PASSWORD: 'mqtt-SECRET',
          NETBOX_PDNS_MQTT_BROKER_URL: 'http://user:url-SECRET@broker',
          NETBOX_PDNS_WEBHOOK_SECRT: 'hook-SECRET',
        },
        configPath: '/etc/c.json',
        readFile: fakeFiles({ '/run/pdns': 'pdns-SECRET\n', '/etc/c.json': '{"nb_ns_id": 1, "api_key": 5}' }),
      }));
      expect(lines).to.deep.equal([
        'NETBOX_PDNS_WEBHOOK_SECRT: unknown variable (did you mean NETBOX_PDNS_WEBHOOK_SECRET?)',
        'NETBOX_PDNS_NB_URL="ftp://nb": must be an http:// or https:// URL',
        'NETBOX_PDNS_MQTT_BROKER_URL="http://user:****@broker": must be an mqtt://, mqtts://, ws:// or wss:// URL, or "embedded"',
        'NETBOX_PDNS_NB_TOKEN=****: a v2 (nbt_) token needs NETBOX_PDNS_NB_AUTH_SCHEME auto or bearer, not token',
        'NETBOX_PDNS_MQTT_PASSWORD=****: set without NETBOX_PDNS_MQTT_USERNAME',
      ]);
      for (const line of lines) for (const s of secrets) expect(line).to.not.include(s);
    });

    it('are masked when a secret has the wrong type', () => {
      const path = '/etc/c.json';
      expect(problemsOf(() => loadConfig({ env: baseEnv(), configPath: path, readFile: fakeFiles({ [path]: '{"api_key": 12345}' }) })))
        .to.deep.equal(['api_key=****: must be a non-empty string']);
    });
  });
});
