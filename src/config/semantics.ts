/**
 * Stage 2 of validation: rules the schema cannot say (the cron expression parses, URLs parse with
 * the right scheme, TLS files are readable, pairs of options agree). Pure apart from the injected
 * file check, and tolerant of options that are missing because they already failed stage 1: each
 * rule only looks at options that are present, so every problem is still reported in one go.
 */
import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { protectRulesProblem } from '../core/protect.js';
import { replicationProblems } from './replication.js';
import { envName, isSecret, redactUrlPassword, type Config, type ConfigKey } from './schema.js';

export interface SemanticsOptions {
  /** How a problem line names an option and its value, e.g. `NETBOX_PDNS_NB_NS_ID="0"`. */
  subject?: (key: ConfigKey) => string;
  /** How a problem line names another option, e.g. `NETBOX_PDNS_MQTT_USERNAME`. */
  name?: (key: ConfigKey) => string;
  /** Returns why a file cannot be read, or undefined when it can. */
  checkReadable?: (path: string) => string | undefined;
}

const TLS_FILES: readonly ConfigKey[] = [
  'nb_ca_file', 'pdns_ca_file', 'mqtt_ca_file', 'mqtt_cert_file', 'mqtt_key_file', 'http_tls_cert_file', 'http_tls_key_file',
];

/** Options that only make sense together: [a, b] reports a set without b. */
const PAIRS: ReadonlyArray<readonly [ConfigKey, ConfigKey]> = [
  ['mqtt_password', 'mqtt_username'],
  ['mqtt_cert_file', 'mqtt_key_file'],
  ['mqtt_key_file', 'mqtt_cert_file'],
  ['http_tls_cert_file', 'http_tls_key_file'],
  ['http_tls_key_file', 'http_tls_cert_file'],
];

/** Default readability check: actually read the file, which also catches directories. */
export function checkReadableFile(path: string): string | undefined {
  try {
    readFileSync(path);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Parses a cron expression the way the scheduler will; returns the error or undefined. */
export function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true }).stop();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function urlProblem(value: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return !schemes.includes(url.protocol) || url.hostname === '';
}

/** `a/b` and `a/b/c` overlap: a subscriber to one would see the other's messages. */
function topicsOverlap(a: string, b: string): boolean {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  return pa.slice(0, n).join('/') === pb.slice(0, n).join('/');
}

/**
 * Returns one line per semantic problem, in option order. Empty means the config is usable.
 * Missing options (unset, or removed because they failed stage 1) are skipped.
 */
export function validateSemantics(cfg: Config, options: SemanticsOptions = {}): string[] {
  const values = cfg as Readonly<Record<string, unknown>>;
  const name = options.name ?? envName;
  const subject =
    options.subject ??
    ((key: ConfigKey) => `${envName(key)}=${isSecret(key) ? '****' : redactUrlPassword(JSON.stringify(values[key]))}`);
  const checkReadable = options.checkReadable ?? checkReadableFile;
  const str = (key: ConfigKey): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const num = (key: ConfigKey): number | undefined => (typeof values[key] === 'number' ? (values[key] as number) : undefined);
  const problems: string[] = [];

  for (const key of ['nb_url', 'pdns_url'] as const) {
    const v = str(key);
    if (v !== undefined && urlProblem(v, ['http:', 'https:'])) {
      problems.push(`${subject(key)}: must be an http:// or https:// URL`);
    }
  }
  const token = str('nb_token');
  if (token?.startsWith('nbt_') === true) {
    if (cfg.nb_auth_scheme === 'token') {
      problems.push(`${subject('nb_token')}: a v2 (nbt_) token needs ${name('nb_auth_scheme')} auto or bearer, not token`);
    } else if (!token.includes('.')) {
      problems.push(`${subject('nb_token')}: a v2 (nbt_) token must have the form nbt_<key>.<secret>`);
    }
  }

  const protect = str('protected_rrsets');
  const protectWhy = protect === undefined ? null : protectRulesProblem(protect);
  if (protectWhy !== null) problems.push(`${subject('protected_rrsets')}: ${protectWhy}`);

  for (const key of ['sync_crontab', 'quick_sync_crontab'] as const) {
    const crontab = str(key);
    if (crontab === undefined || (key === 'quick_sync_crontab' && crontab === 'off')) continue;
    const why = cronProblem(crontab);
    if (why !== undefined) problems.push(`${subject(key)}: not a valid crontab (croner: ${why}${key === 'quick_sync_crontab' ? '; or `off`' : ''})`);
  }

  const broker = str('mqtt_broker_url');
  if (broker !== undefined && broker !== 'embedded' && urlProblem(broker, ['mqtt:', 'mqtts:', 'ws:', 'wss:'])) {
    problems.push(`${subject('mqtt_broker_url')}: must be an mqtt://, mqtts://, ws:// or wss:// URL, or "embedded"`);
  }
  const compact = str('mqtt_topic_prefix');
  const events = str('mqtt_events_prefix');
  if (compact !== undefined && events !== undefined && topicsOverlap(compact, events)) {
    problems.push(`${subject('mqtt_topic_prefix')}: must not overlap ${name('mqtt_events_prefix')} (${JSON.stringify(events)})`);
  }
  for (const [set, needs] of PAIRS) {
    if (str(set) !== undefined && str(needs) === undefined) problems.push(`${subject(set)}: set without ${name(needs)}`);
  }
  // The embedded broker accepts exactly this account: a user name alone would protect nothing.
  if (cfg.mqtt_enabled !== false && broker === 'embedded' && str('mqtt_username') !== undefined && str('mqtt_password') === undefined) {
    problems.push(`${subject('mqtt_username')}: set without ${name('mqtt_password')}; the embedded broker needs both to require authentication`);
  }
  const httpPort = num('http_port');
  if (cfg.mqtt_enabled !== false && broker === 'embedded' && httpPort !== undefined && httpPort !== 0 &&
      num('embedded_broker_port') === httpPort) {
    problems.push(`${subject('embedded_broker_port')}: must differ from ${name('http_port')}`);
  }

  problems.push(...replicationProblems({
    ...(str('also_notify') !== undefined ? { also_notify: str('also_notify') as string } : {}),
    ...(str('allow_axfr_from') !== undefined ? { allow_axfr_from: str('allow_axfr_from') as string } : {}),
    ...(str('secondaries') !== undefined ? { secondaries: str('secondaries') as string } : {}),
    ...(str('tsig_key_name') !== undefined ? { tsig_key_name: str('tsig_key_name') as string } : {}),
    ...(str('tsig_secret') !== undefined ? { tsig_secret: str('tsig_secret') as string } : {}),
  }, subject, name));

  for (const key of TLS_FILES) {
    const path = str(key);
    if (path === undefined) continue;
    const why = checkReadable(path);
    if (why !== undefined) problems.push(`${subject(key)}: cannot read file (${why})`);
  }

  const pairs: ReadonlyArray<readonly [ConfigKey, ConfigKey, string]> = [
    ['retry_max_delay', 'retry_base_delay', '>='],
    ['mqtt_reconnect_max_delay', 'mqtt_reconnect_delay', '>='],
    ['requeue_max_delay', 'requeue_base_delay', '>='],
    ['reconcile_retry_max_delay', 'reconcile_retry_delay', '>='],
    ['lock_timeout_seconds', 'lock_warn_seconds', '>'],
  ];
  for (const [hi, lo, op] of pairs) {
    const h = num(hi);
    const l = num(lo);
    if (h === undefined || l === undefined) continue;
    if (op === '>=' ? h < l : h <= l) problems.push(`${subject(hi)}: must be ${op} ${name(lo)} (${l})`);
  }
  return problems;
}
