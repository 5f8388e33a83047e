import { expect } from 'chai';
import {
  CONFIG_KEYS, CONFIG_SCHEMA, GROUP_ORDER, configOptions, envName, loadConfig, maskConfig, validateSemantics, type Config, type ConfigKey,
} from '../../../src/config/index.js';
import { renderConfigTable, renderEnvExample, renderJsonSchema } from '../../../tools/docs/render.js';
import { compileSchema } from '../../../src/config/schema.js';
import type { LogLevel } from '../../../src/util/log.js';
import { NB_TOKEN, PDNS_TOKEN, baseEnv } from './helpers.js';

/** Compile-time equality of two types: `true` only when each is assignable to the other. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('config: schema', () => {
  it('derives the Config type from the schema (checked by tsc)', () => {
    const sameKeys: Equal<Exclude<keyof Config, 'targets'>, ConfigKey> = true;
    const level: Equal<Config['log_level'], LogLevel> = true;
    const qos: Equal<Config['mqtt_qos'], 0 | 1 | 2> = true;
    const required: Equal<Config['nb_ns_id'], number> = true;
    const optional: Equal<Config['nb_view_id'], number | undefined> = true;
    const secret: Equal<Config['api_key'], string | undefined> = true;
    expect([sameKeys, level, qos, required, optional, secret]).to.deep.equal([true, true, true, true, true, true]);
  });

  it('has the same keys at run time as the type and the schema properties', () => {
    const cfg = loadConfig({ env: baseEnv({ NETBOX_PDNS_NB_VIEW_ID: '2' }) });
    expect(Object.keys(CONFIG_SCHEMA.properties)).to.deep.equal(CONFIG_KEYS);
    expect(Object.keys(maskConfig(cfg))).to.deep.equal([...CONFIG_KEYS, 'targets']);
  });

  it('keeps the original connector names as env variables', () => {
    const env = configOptions().map((o) => o.env);
    for (const name of [
      'NB_URL', 'NB_TOKEN', 'NB_NS_ID', 'PDNS_URL', 'PDNS_TOKEN', 'PDNS_SERVER_ID', 'SYNC_CRONTAB', 'LOG_LEVEL', 'API_KEY',
      'WEBHOOK_SECRET', 'MQTT_ENABLED', 'MQTT_BROKER_URL', 'MQTT_CLIENT_ID', 'MQTT_TOPIC_PREFIX', 'MQTT_QOS',
      'MQTT_KEEPALIVE', 'MQTT_RECONNECT_DELAY', 'MQTT_USERNAME', 'MQTT_PASSWORD',
    ]) {
      expect(env).to.include(`NETBOX_PDNS_${name}`);
    }
    expect(envName('nb_ns_id')).to.equal('NETBOX_PDNS_NB_NS_ID');
  });

  it('describes every option with a group, a description and its secrecy', () => {
    const options = configOptions();
    for (const o of options) {
      expect(GROUP_ORDER, o.key).to.include(o.group);
      expect(o.description, o.key).to.match(/\S{3}/);
      expect(o.required && o.default !== undefined, o.key).to.equal(false);
    }
    expect(options.filter((o) => o.secret).map((o) => o.key)).to.deep.equal(
      ['nb_token', 'pdns_token', 'tsig_secret', 'api_key', 'status_token', 'webhook_secret', 'mqtt_password'],
    );
    expect(options.filter((o) => o.required).map((o) => o.key)).to.deep.equal(
      ['nb_url', 'nb_token', 'nb_ns_id', 'pdns_url', 'pdns_token'],
    );
  });

  it('compiles under ajv strict mode with the custom keywords', () => {
    expect(compileSchema()).to.be.a('function');
  });
});

describe('config: maskConfig', () => {
  it('masks set secrets, nulls unset options and redacts URL passwords', () => {
    const cfg = loadConfig({
      env: baseEnv({
        NETBOX_PDNS_API_KEY: 'api-SECRET',
        NETBOX_PDNS_MQTT_USERNAME: 'bob',
        NETBOX_PDNS_MQTT_PASSWORD: 'mqtt-SECRET',
        NETBOX_PDNS_MQTT_BROKER_URL: 'mqtts://bob:url-SECRET@broker:8883',
      }),
    });
    const masked = maskConfig(cfg);
    expect(masked).to.include({
      nb_token: '****', pdns_token: '****', api_key: '****', mqtt_password: '****', webhook_secret: null,
      nb_view_id: null, mqtt_username: 'bob', mqtt_broker_url: 'mqtts://bob:****@broker:8883', nb_ns_id: 1,
    });
    const text = JSON.stringify(masked);
    for (const secret of [NB_TOKEN, PDNS_TOKEN, 'api-SECRET', 'mqtt-SECRET', 'url-SECRET']) expect(text).to.not.include(secret);
  });
});

describe('config: validateSemantics', () => {
  const valid = (): Record<string, unknown> => ({ ...loadConfig({ env: baseEnv() }) });

  it('accepts the defaults', () => {
    expect(validateSemantics(valid() as Config, { checkReadable: () => undefined })).to.deep.equal([]);
  });

  it('names options by env name and masks secrets when used on its own', () => {
    const cfg = { ...valid(), sync_crontab: 'nope', mqtt_password: 'pw-SECRET' } as Config;
    expect(validateSemantics(cfg)).to.deep.equal([
      'NETBOX_PDNS_SYNC_CRONTAB="nope": not a valid crontab (croner: CronPattern: invalid configuration format (\'nope\'), exactly five or six space separated parts are required.)',
      'NETBOX_PDNS_MQTT_PASSWORD=****: set without NETBOX_PDNS_MQTT_USERNAME',
    ]);
  });

  it('skips options that are missing (failed stage 1)', () => {
    const cfg = valid();
    for (const key of ['nb_url', 'sync_crontab', 'retry_base_delay', 'mqtt_topic_prefix'] as const) delete cfg[key];
    expect(validateSemantics(cfg as Config)).to.deep.equal([]);
  });

  it('accepts 6-field crontabs, embedded broker and ws URLs', () => {
    const extras: Array<Record<string, unknown>> = [
      { sync_crontab: '0 */5 * * * *' }, { mqtt_broker_url: 'embedded' }, { mqtt_broker_url: 'wss://broker/mqtt' },
      { nb_token: 'nbt_key.secret', nb_auth_scheme: 'bearer' },
    ];
    for (const extra of extras) {
      expect(validateSemantics({ ...valid(), ...extra } as Config), JSON.stringify(extra)).to.deep.equal([]);
    }
  });
});

describe('config: generated docs', () => {
  it('renders a Markdown table with one row per option', () => {
    const table = renderConfigTable().trimEnd().split('\n');
    expect(table).to.have.length(CONFIG_KEYS.length + 2);
    expect(table[0]).to.equal('| Variable | File key | Group | Default | Allowed | Description |');
    expect(table).to.include(
      '| `NETBOX_PDNS_NB_NS_ID` | `nb_ns_id` | netbox | **required** | an integer >= 1 | ID of the NetBox DNS nameserver object this PowerDNS serves; only its zones are synced. |',
    );
    expect(table.find((l) => l.startsWith('| `NETBOX_PDNS_SYNC_CRONTAB`'))).to.include('`*/15 * * * *`');
  });

  it('renders an env example that, uncommented, loads to the defaults', () => {
    const text = renderEnvExample();
    const env: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^(?:# )?(NETBOX_PDNS_[A-Z0-9_]+)=(.*)$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) env[m[1]] = m[2];
    }
    expect(Object.keys(env)).to.have.length(CONFIG_KEYS.length);
    const fromExample = loadConfig({ env: { ...env, ...baseEnv() } });
    expect(fromExample).to.deep.equal(loadConfig({ env: baseEnv() }));
    expect(text).to.include('# Secret: prefer NETBOX_PDNS_NB_TOKEN_FILE=/path or systemd LoadCredential=nb_token:/path');
  });

  it('renders the JSON schema for editors', () => {
    const schema = JSON.parse(renderJsonSchema()) as { properties: Record<string, { 'x-secret'?: boolean }> };
    expect(Object.keys(schema.properties)).to.deep.equal(CONFIG_KEYS);
    expect(schema.properties.pdns_token?.['x-secret']).to.equal(true);
  });
});
