import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';
import { NB_TOKEN, baseEnv, fakeFiles, problemsOf } from './helpers.js';

describe('config: loadConfig', () => {
  it('applies every schema default when only the required variables are set', () => {
    const cfg = loadConfig({ env: baseEnv() });
    expect(cfg).to.include({
      nb_url: 'https://netbox.example.com',
      nb_ns_id: 1,
      nb_auth_scheme: 'auto',
      nb_page_size: 1000,
      pdns_server_id: 'localhost',
      pdns_zone_kind: 'Native',
      sync_crontab: '*/15 * * * *',
      max_rrset_change_ratio: 0.3,
      retry_attempts: 3,
      http_host: '0.0.0.0',
      http_port: 8000,
      mqtt_enabled: true,
      mqtt_broker_url: 'mqtt://localhost:1883',
      mqtt_topic_prefix: 'dns/zones',
      mqtt_events_prefix: 'netbox',
      mqtt_qos: 1,
      mqtt_protocol_version: 5,
      workers: 4,
      log_level: 'info',
      log_format: 'auto',
    });
    expect(cfg.nb_view_id).to.equal(undefined);
    expect(cfg.api_key).to.equal(undefined);
    expect(Object.isFrozen(cfg)).to.equal(true);
  });

  it('runs the original Python connector env file unchanged', () => {
    const cfg = loadConfig({
      env: {
        NETBOX_PDNS_API_KEY: 'your-webhook-api-key',
        NETBOX_PDNS_WEBHOOK_SECRET: 'your-hmac-secret-key',
        NETBOX_PDNS_NB_URL: 'https://netbox.example.com',
        NETBOX_PDNS_NB_TOKEN: 'your-netbox-api-token',
        NETBOX_PDNS_NB_NS_ID: '1',
        NETBOX_PDNS_PDNS_URL: 'https://pdns.example.com:8081',
        NETBOX_PDNS_PDNS_TOKEN: 'your-powerdns-api-key',
        NETBOX_PDNS_PDNS_SERVER_ID: 'localhost',
        NETBOX_PDNS_LOG_LEVEL: 'INFO',
        NETBOX_PDNS_SYNC_CRONTAB: '0 */6 * * *',
        NETBOX_PDNS_MQTT_ENABLED: 'true',
        NETBOX_PDNS_MQTT_BROKER_URL: 'mqtts://mqtt.example.com:8883',
        NETBOX_PDNS_MQTT_USERNAME: 'netbox-pdns-user',
        NETBOX_PDNS_MQTT_PASSWORD: 'secure-mqtt-password',
        NETBOX_PDNS_MQTT_CLIENT_ID: 'netbox-pdns-primary',
        NETBOX_PDNS_MQTT_TOPIC_PREFIX: 'dns/zones',
        NETBOX_PDNS_MQTT_QOS: '2',
        NETBOX_PDNS_MQTT_KEEPALIVE: '30',
        NETBOX_PDNS_MQTT_RECONNECT_DELAY: '10',
        PATH: '/usr/bin',
      },
    });
    expect(cfg).to.include({
      api_key: 'your-webhook-api-key',
      webhook_secret: 'your-hmac-secret-key',
      nb_token: 'your-netbox-api-token',
      pdns_url: 'https://pdns.example.com:8081',
      sync_crontab: '0 */6 * * *',
      mqtt_enabled: true,
      mqtt_broker_url: 'mqtts://mqtt.example.com:8883',
      mqtt_username: 'netbox-pdns-user',
      mqtt_password: 'secure-mqtt-password',
      mqtt_client_id: 'netbox-pdns-primary',
      mqtt_qos: 2,
      mqtt_keepalive: 30,
      mqtt_reconnect_delay: 10,
      log_level: 'info',
    });
  });

  it('coerces env strings by schema type', () => {
    const cfg = loadConfig({
      env: baseEnv({
        NETBOX_PDNS_DRY_RUN: 'yes',
        NETBOX_PDNS_NB_TLS_VERIFY: '0',
        NETBOX_PDNS_MQTT_ENABLED: 'False',
        NETBOX_PDNS_MAX_RRSET_CHANGE_RATIO: '0.5',
        NETBOX_PDNS_NB_TIMEOUT: '2.5',
        NETBOX_PDNS_HTTP_PORT: ' 9000 ',
      }),
    });
    expect(cfg).to.include({ dry_run: true, nb_tls_verify: false, mqtt_enabled: false, max_rrset_change_ratio: 0.5, nb_timeout: 2.5, http_port: 9000 });
  });

  it('treats an empty variable as unset', () => {
    const cfg = loadConfig({ env: baseEnv({ NETBOX_PDNS_API_KEY: '', NETBOX_PDNS_HTTP_PORT: '' }) });
    expect(cfg.api_key).to.equal(undefined);
    expect(cfg.http_port).to.equal(8000);
  });

  for (const [given, level] of [
    ['DEBUG', 'debug'], ['INFO', 'info'], ['WARNING', 'warn'], ['ERROR', 'error'], ['CRITICAL', 'error'],
    ['debug', 'debug'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['Warning', 'warn'], ['critical', 'error'],
  ] as const) {
    it(`maps LOG_LEVEL ${given} to the winston level ${level}`, () => {
      expect(loadConfig({ env: baseEnv({ NETBOX_PDNS_LOG_LEVEL: given }) }).log_level).to.equal(level);
    });
  }

  describe('config file', () => {
    const file = JSON.stringify({ nb_ns_id: 7, workers: 8, log_level: 'WARNING', pdns_server_id: 'pdns1', nb_view_id: null });

    it('reads the path given with --config', () => {
      const cfg = loadConfig({ env: baseEnv({ NETBOX_PDNS_NB_NS_ID: undefined }), configPath: '/etc/nbp.json', readFile: fakeFiles({ '/etc/nbp.json': file }) });
      expect(cfg).to.include({ nb_ns_id: 7, workers: 8, log_level: 'warn', pdns_server_id: 'pdns1' });
      expect(cfg.nb_view_id).to.equal(undefined);
    });

    it('reads the path from NETBOX_PDNS_CONFIG when there is no --config', () => {
      const cfg = loadConfig({ env: baseEnv({ NETBOX_PDNS_CONFIG: '/etc/nbp.json' }), readFile: fakeFiles({ '/etc/nbp.json': file }) });
      expect(cfg.workers).to.equal(8);
    });

    it('lets --config win over NETBOX_PDNS_CONFIG', () => {
      const cfg = loadConfig({
        env: baseEnv({ NETBOX_PDNS_CONFIG: '/etc/other.json' }),
        configPath: '/etc/nbp.json',
        readFile: fakeFiles({ '/etc/nbp.json': file, '/etc/other.json': '{"workers": 2}' }),
      });
      expect(cfg.workers).to.equal(8);
    });

    it('lets env variables override the file', () => {
      const cfg = loadConfig({
        env: baseEnv({ NETBOX_PDNS_WORKERS: '16', NETBOX_PDNS_NB_NS_ID: '3' }),
        configPath: '/etc/nbp.json',
        readFile: fakeFiles({ '/etc/nbp.json': file }),
      });
      expect(cfg).to.include({ workers: 16, nb_ns_id: 3, pdns_server_id: 'pdns1' });
    });
  });

  describe('secrets from files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'nbp-config-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads NETBOX_PDNS_<NAME>_FILE and trims the trailing newline', () => {
      writeFileSync(join(dir, 'token'), 'from-file-token\n');
      const cfg = loadConfig({ env: baseEnv({ NETBOX_PDNS_NB_TOKEN: undefined, NETBOX_PDNS_NB_TOKEN_FILE: join(dir, 'token') }) });
      expect(cfg.nb_token).to.equal('from-file-token');
    });

    it('reads $CREDENTIALS_DIRECTORY/<key> in both spellings', () => {
      writeFileSync(join(dir, 'nb_token'), 'cred-nb\n');
      writeFileSync(join(dir, 'pdns-token'), 'cred-pdns\r\n');
      const cfg = loadConfig({
        env: baseEnv({ NETBOX_PDNS_NB_TOKEN: undefined, NETBOX_PDNS_PDNS_TOKEN: undefined, CREDENTIALS_DIRECTORY: dir }),
      });
      expect(cfg).to.include({ nb_token: 'cred-nb', pdns_token: 'cred-pdns' });
    });

    it('applies env value > _FILE > credentials directory > config file', () => {
      writeFileSync(join(dir, 'api_key'), 'cred-key');
      writeFileSync(join(dir, 'webhook_secret'), 'cred-hook');
      writeFileSync(join(dir, 'mqtt_password'), 'cred-mqtt');
      writeFileSync(join(dir, 'file-key'), 'file-key\n');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        api_key: 'json-key', webhook_secret: 'json-hook', mqtt_password: 'json-mqtt', mqtt_username: 'u',
      }));
      const cfg = loadConfig({
        env: baseEnv({
          CREDENTIALS_DIRECTORY: dir,
          NETBOX_PDNS_CONFIG: join(dir, 'config.json'),
          NETBOX_PDNS_API_KEY: 'env-key',
          NETBOX_PDNS_API_KEY_FILE: join(dir, 'file-key'),
          NETBOX_PDNS_WEBHOOK_SECRET_FILE: join(dir, 'file-key'),
        }),
      });
      expect(cfg).to.include({ api_key: 'env-key', webhook_secret: 'file-key', mqtt_password: 'cred-mqtt' });
      expect(cfg.nb_token).to.equal(NB_TOKEN);
    });

    it('reports an unreadable _FILE by variable and path', () => {
      const missing = join(dir, 'nope');
      expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_API_KEY_FILE: missing }) }))).to.deep.equal([
        `NETBOX_PDNS_API_KEY_FILE="${missing}": cannot read file (ENOENT: no such file or directory, open '${missing}')`,
      ]);
    });
  });
});
