/**
 * The one configuration schema. Every option's type, range, default, description, group and
 * secrecy lives here (through the two option lists) and nowhere else: the loader, the env overlay,
 * the masking, the README table, the example env file and the TS `Config` type are all derived from it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { CUSTOM_KEYWORDS, describeAllowed, type OptionGroup, type OptionSchema } from './option.js';
import { DAEMON_OPTIONS } from './options-daemon.js';
import { REPLICATION_OPTIONS } from './options-replication.js';
import { UPSTREAM_OPTIONS, UPSTREAM_REQUIRED } from './options-upstream.js';
import type { TargetConfig } from './targets.js';

/** Every option, in documentation order. */
export const OPTIONS = { ...UPSTREAM_OPTIONS, ...REPLICATION_OPTIONS, ...DAEMON_OPTIONS } as const;

type Options = typeof OPTIONS;

/** A config key: flat snake_case, the same in the JSON config file and (upper-cased) in env names. */
export type ConfigKey = keyof Options;

/**
 * Keys that have no default and must be set: the schema's own, plus the single PowerDNS server's URL
 * and key, which `PDNS_TARGETS` replaces (checked by the loader, so the schema leaves them optional).
 */
export const REQUIRED_KEYS: readonly ConfigKey[] = [...UPSTREAM_REQUIRED, 'pdns_url', 'pdns_token'];

/** Prefix of every environment variable. */
export const ENV_PREFIX = 'NETBOX_PDNS_';

/** The JSON Schema itself (draft-07 compatible), e.g. for `config/schema.json` and editors. */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'netbox-pdns configuration',
  type: 'object',
  additionalProperties: false,
  required: [...UPSTREAM_REQUIRED],
  properties: OPTIONS,
} as const;

type ValueOf<P> = P extends { readonly enum: readonly (infer E)[] }
  ? E
  : P extends { readonly type: 'boolean' }
    ? boolean
    : P extends { readonly type: 'integer' | 'number' }
      ? number
      : string;

type Defaulted = { [K in ConfigKey]: Options[K] extends { readonly default: unknown } ? K : never }[ConfigKey];
type Mandatory = Defaulted | (typeof UPSTREAM_REQUIRED)[number];

/**
 * The validated configuration, inferred from the schema: options with a default or marked required
 * are always present; the rest are optional. Enums become literal unions (e.g. `log_level` is
 * `'debug' | 'info' | 'warn' | 'error'`, the winston levels after normalisation).
 */
export type Config = {
  readonly [K in Mandatory]: ValueOf<Options[K]>;
} & {
  readonly [K in Exclude<ConfigKey, Mandatory>]?: ValueOf<Options[K]>;
} & {
  /**
   * The PowerDNS targets, resolved by the loader with their keys: the `PDNS_TARGETS` list, or the
   * single-server settings as one target named `default`. Not a schema key.
   */
  readonly targets: readonly TargetConfig[];
};

/** All keys, in schema order. */
export const CONFIG_KEYS = Object.keys(OPTIONS) as ConfigKey[];

/** The schema of one option (widened to the common shape). */
export function optionSchema(key: ConfigKey): OptionSchema {
  return OPTIONS[key];
}

/** Whether a string names an option. */
export function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(OPTIONS, key);
}

/** `nb_url` → `NETBOX_PDNS_NB_URL`. */
export function envName(key: ConfigKey): string {
  return ENV_PREFIX + key.toUpperCase();
}

/** Whether an option is a secret (`x-secret`). */
export function isSecret(key: ConfigKey): boolean {
  return optionSchema(key)['x-secret'] === true;
}

/** One row of the option reference (README table, example env file, `check-config --help`). */
export interface OptionInfo {
  key: ConfigKey;
  env: string;
  type: OptionSchema['type'];
  default: string | number | boolean | undefined;
  description: string;
  /** "must be ..." wording of the allowed values. */
  allowed: string;
  secret: boolean;
  group: OptionGroup;
  required: boolean;
}

/** Every option with its metadata, in schema order. */
export function configOptions(): OptionInfo[] {
  return CONFIG_KEYS.map((key) => {
    const o = optionSchema(key);
    return {
      key,
      env: envName(key),
      type: o.type,
      default: o.default,
      description: o.description,
      allowed: describeAllowed(o),
      secret: o['x-secret'] === true,
      group: o['x-group'],
      required: REQUIRED_KEYS.includes(key),
    };
  });
}

/**
 * `mqtt://user:pass@host` → `mqtt://user:****@host`: a password inside a URL is a secret even when
 * the option is not, and broker URLs commonly carry one.
 */
export function redactUrlPassword(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s"]*):[^/@\s"]*@/gi, '$1:****@');
}

/** The values of every secret option that is set (for the scrubber that keeps them out of all output). */
export function secretValues(cfg: Config): string[] {
  const values = cfg as Readonly<Record<string, unknown>>;
  const keys = CONFIG_KEYS.filter(isSecret).map((key) => values[key]);
  return [...keys, ...(cfg.targets ?? []).map((t) => t.token)].filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * The config with secrets replaced by `****` (or null when unset) and unset options as null, for
 * `check-config` and the startup log line. Never log a `Config` without passing it through here.
 */
export function maskConfig(cfg: Config): Record<string, unknown> {
  const values = cfg as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const v = values[key];
    if (v === undefined || v === null) out[key] = null;
    else if (isSecret(key)) out[key] = '****';
    else if (key === 'pdns_targets' && typeof v === 'string') out[key] = maskTargetTokens(v);
    else out[key] = typeof v === 'string' ? redactUrlPassword(v) : v;
  }
  out.targets = (cfg.targets ?? []).map((t) => ({ ...t, token: '****', url: redactUrlPassword(t.url) }));
  return out;
}

/** The `PDNS_TARGETS` text with any `token` field masked (the list may carry keys). */
function maskTargetTokens(text: string): string {
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return '****';
    return JSON.stringify(list.map((t: unknown) => (typeof t === 'object' && t !== null && 'token' in t ? { ...t, token: '****' } : t)));
  } catch {
    return '****';
  }
}

let compiled: ValidateFunction | undefined;

/**
 * Compiles the schema with ajv: allErrors so every problem is reported at once, useDefaults so the
 * schema is the only place defaults live. Coercion of env strings is done by the loader, not ajv,
 * so file values stay strictly typed. Compiled once and reused (validation mutates only its input).
 */
export function compileSchema(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
  for (const keyword of CUSTOM_KEYWORDS) {
    ajv.addKeyword({ keyword, schemaType: keyword === 'x-secret' ? 'boolean' : 'string' });
  }
  compiled = ajv.compile(CONFIG_SCHEMA);
  return compiled;
}
