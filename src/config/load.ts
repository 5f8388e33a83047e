/**
 * Loads the configuration from its sources, validates it in two stages and either returns a typed
 * `Config` or throws one `ConfigError` listing every problem. Nothing here reads `process`: the
 * caller (main.ts) passes the environment and the `--config` path in, so tests need no globals.
 *
 * Precedence, highest first, per option:
 *   1. `NETBOX_PDNS_<KEY>`            environment value (empty counts as unset)
 *   2. `NETBOX_PDNS_<KEY>_FILE`       secrets only: path of a file holding the value
 *   3. `$CREDENTIALS_DIRECTORY/<key>` secrets only: systemd LoadCredential=, `nb_token` or `nb-token`
 *   4. the JSON config file           `--config`, else `NETBOX_PDNS_CONFIG`; snake_case keys
 *   5. the schema default
 * (Files and credentials beat nothing but the config file, so an operator can always override a
 * value from the unit's environment; a trailing newline in a secret file is trimmed.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { describeAllowed } from './option.js';
import {
  CONFIG_KEYS, ENV_PREFIX, REQUIRED_KEYS, compileSchema, envName, isConfigKey, isSecret, optionSchema,
  redactUrlPassword, type Config, type ConfigKey,
} from './schema.js';
import { checkReadableFile, validateSemantics } from './semantics.js';
import { catalogKind, catalogKindProblem, catalogName, concurrentWritesSetting, declaredNames, parseTargetList, readTargetTokens, validateTargets, type RawTarget, type TargetConfig } from './targets.js';

export interface LoadConfigInput {
  /** The environment (process.env in production). */
  env: Record<string, string | undefined>;
  /** Path given with `--config`; wins over `NETBOX_PDNS_CONFIG`. */
  configPath?: string;
  /** Reads a UTF-8 file; throws with `code: 'ENOENT'` when missing. Defaults to fs.readFileSync. */
  readFile?: (path: string) => string;
}

/** Env variable naming the config file. */
export const CONFIG_ENV = `${ENV_PREFIX}CONFIG`;

/** Where a value came from, to name it in problem lines. */
interface Origin {
  /** `NETBOX_PDNS_NB_NS_ID`, `nb_ns_id` (file key), `NETBOX_PDNS_NB_TOKEN_FILE`... */
  label: string;
  /** The value as the user wrote it (env strings raw, file values as JSON); masked for secrets. */
  shown: string;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Turns an env string into the schema type. A string that does not convert is returned unchanged,
 * so ajv reports it with the option's "must be ..." wording instead of the loader crashing.
 */
export function coerceEnvValue(key: ConfigKey, raw: string): unknown {
  const type = optionSchema(key).type;
  const s = raw.trim();
  if (type === 'boolean') {
    if (TRUE.has(s.toLowerCase())) return true;
    if (FALSE.has(s.toLowerCase())) return false;
    return raw;
  }
  if (type === 'integer') return /^[+-]?\d+$/.test(s) ? Number(s) : raw;
  if (type === 'number') return s !== '' && Number.isFinite(Number(s)) ? Number(s) : raw;
  return raw;
}

/** Log level spellings of the original connector (Python logging) mapped to winston levels. */
const LOG_LEVELS: Record<string, string> = {
  debug: 'debug', info: 'info', warning: 'warn', warn: 'warn', error: 'error', critical: 'error',
};

/** `adopt_zones` was a boolean: true keeps adopting (now safely), false keeps never adopting. */
function adoption(value: unknown): unknown {
  if (value === true) return 'safe';
  if (value === false) return 'never';
  if (typeof value !== 'string') return value;
  const s = value.trim().toLowerCase();
  if (TRUE.has(s)) return 'safe';
  if (FALSE.has(s)) return 'never';
  return s;
}

/** Per-option normalisation applied to every source before validation. */
function normalise(key: ConfigKey, value: unknown): unknown {
  if (key === 'log_level' && typeof value === 'string') return LOG_LEVELS[value.trim().toLowerCase()] ?? value;
  if (key === 'adopt_zones') return adoption(value);
  // In a config file the target list is naturally a JSON list; it is validated as its text.
  if (key === 'pdns_targets' && Array.isArray(value)) return JSON.stringify(value);
  // `auto` or a number: a config file may well give the number as a number.
  if (key === 'pdns_concurrent_writes') return typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : value;
  return value;
}

/** Levenshtein distance, for "did you mean" on typos (compared case-insensitively). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function suggestion(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= 3 ? ` (did you mean ${best}?)` : '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/**
 * Where a JSON syntax error is, without V8's quoted excerpt of the file (which may hold a secret).
 */
function jsonPosition(err: unknown): string {
  const m = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(errorText(err));
  if (m === null) return '';
  return m[2] !== undefined ? ` (line ${m[2]} column ${m[3]})` : ` (at position ${m[1]})`;
}

function show(key: ConfigKey, value: string): string {
  return isSecret(key) ? '****' : redactUrlPassword(value);
}

function unknownVariable(name: string, known: readonly string[]): string {
  const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : undefined;
  if (base !== undefined && known.includes(base)) {
    return `${name}: unknown variable (only secrets can be read from a _FILE; set ${base} instead)`;
  }
  return `${name}: unknown variable${suggestion(name, known)}`;
}

/**
 * Loads and validates the configuration. Throws `ConfigError` with one line per problem, naming the
 * variable (env name, or file key when the value came from the file), the value (secrets as `****`)
 * and what is allowed.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const env = input.env;
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const origins = new Map<ConfigKey, Origin>();
  const set = (key: ConfigKey, value: unknown, origin: Origin): void => {
    values[key] = normalise(key, value);
    origins.set(key, origin);
  };
  const secretKeys = CONFIG_KEYS.filter(isSecret);

  // 4. the config file
  const fileLabel = input.configPath !== undefined ? '--config' : CONFIG_ENV;
  const filePath = input.configPath ?? (env[CONFIG_ENV] === '' ? undefined : env[CONFIG_ENV]);
  if (filePath !== undefined) {
    let parsed: unknown;
    let text: string | undefined;
    try {
      text = readFile(filePath);
    } catch (err) {
      problems.push(`${fileLabel}="${filePath}": cannot read config file (${errorText(err)})`);
    }
    try {
      if (text !== undefined) parsed = JSON.parse(text);
    } catch (err) {
      problems.push(`${fileLabel}="${filePath}": config file is not valid JSON${jsonPosition(err)}`);
    }
    if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
      problems.push(`${fileLabel}="${filePath}": config file must hold a JSON object`);
    } else if (parsed !== undefined) {
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (!isConfigKey(k)) {
          problems.push(`${k}: unknown key in config file ${filePath}${suggestion(k, CONFIG_KEYS)}`);
        } else if (v !== null) {
          set(k, v, { label: k, shown: show(k, JSON.stringify(v)) });
        }
      }
    }
  }

  // 3. systemd credentials
  const credDir = env.CREDENTIALS_DIRECTORY;
  if (credDir !== undefined && credDir !== '') {
    for (const key of secretKeys) {
      for (const fileName of [key, key.replace(/_/g, '-')]) {
        const path = join(credDir, fileName);
        try {
          set(key, readFile(path).replace(/[\r\n]+$/, ''), { label: `$CREDENTIALS_DIRECTORY/${fileName}`, shown: '****' });
          break;
        } catch (err) {
          if (!isMissing(err)) problems.push(`$CREDENTIALS_DIRECTORY/${fileName}: cannot read credential (${errorText(err)})`);
        }
      }
    }
  }

  // 2. *_FILE variables
  for (const key of secretKeys) {
    const name = `${envName(key)}_FILE`;
    const path = env[name];
    if (path === undefined || path === '') continue;
    try {
      set(key, readFile(path).replace(/[\r\n]+$/, ''), { label: name, shown: '****' });
    } catch (err) {
      problems.push(`${name}="${path}": cannot read file (${errorText(err)})`);
    }
  }

  // 1. environment values
  for (const key of CONFIG_KEYS) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    set(key, coerceEnvValue(key, raw), { label: envName(key), shown: show(key, JSON.stringify(raw)) });
  }

  // PowerDNS targets: a list declares names, whose keys are read like every other secret
  const targetList = typeof values.pdns_targets === 'string' ? parseTargetList(values.pdns_targets) : null;
  const targetTokens = readTargetTokens(Array.isArray(targetList) ? declaredNames(targetList) : [], {
    env, readFile, ...(credDir ? { credentialsDir: credDir } : {}),
  });
  problems.push(...targetTokens.problems);

  // unknown NETBOX_PDNS_* variables: a typo must not silently fall back to a default
  const known = new Set<string>([CONFIG_ENV, ...CONFIG_KEYS.map(envName), ...secretKeys.map((k) => `${envName(k)}_FILE`), ...targetTokens.known]);
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith(ENV_PREFIX) && !known.has(name)) {
      problems.push(unknownVariable(name, [...known]));
    }
  }

  // stage 1: the schema (types, ranges, enums, required); defaults are filled in here
  const validate = compileSchema();
  const bad = new Set<ConfigKey>();
  if (!validate(values)) {
    for (const e of validate.errors ?? []) {
      const prop = e.keyword === 'required' ? String((e.params as { missingProperty?: unknown }).missingProperty) : e.instancePath.slice(1);
      if (isConfigKey(prop)) bad.add(prop);
    }
  }
  const subject = (key: ConfigKey): string => {
    const o = origins.get(key);
    if (o !== undefined) return `${o.label}=${o.shown}`;
    return `${envName(key)}=${show(key, JSON.stringify(values[key]))}`;
  };
  for (const key of CONFIG_KEYS) {
    if (!bad.has(key)) continue;
    if (values[key] === undefined && REQUIRED_KEYS.includes(key)) {
      problems.push(`${envName(key)}: required, not set`);
    } else {
      problems.push(`${subject(key)}: ${describeAllowed(optionSchema(key))}`);
    }
    delete values[key];
  }

  // stage 2: semantic rules, on whatever passed stage 1
  const checkReadable = input.readFile === undefined
    ? checkReadableFile
    : (path: string): string | undefined => {
        try {
          readFile(path);
          return undefined;
        } catch (err) {
          return errorText(err);
        }
      };
  problems.push(
    ...validateSemantics(values as Config, {
      subject,
      name: (key) => origins.get(key)?.label ?? envName(key),
      checkReadable,
    }),
  );

  const targets = resolveTargets(values as Partial<Config>, targetList, targetTokens.tokens, (key) => origins.get(key)?.label ?? envName(key), origins);
  if (typeof targets === 'object' && !Array.isArray(targets)) problems.push(...targets.problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...values, targets: Object.freeze(targets as TargetConfig[]) }) as Config;
}

/** The target list, or the single-server settings as the one target `default`; or its problems. */
function resolveTargets(
  values: Partial<Config>, list: RawTarget[] | string | null, tokens: ReadonlyMap<string, string>, label: (key: ConfigKey) => string,
  given: ReadonlyMap<ConfigKey, unknown>,
): TargetConfig[] | { problems: string[] } {
  const defaults = {
    serverId: values.pdns_server_id ?? 'localhost', zoneKind: values.pdns_zone_kind ?? 'Native', notify: values.pdns_notify ?? true,
    nbNsId: values.nb_ns_id ?? 0, ...(values.nb_view_id !== undefined ? { nbViewId: values.nb_view_id } : {}),
    zoneKindGiven: given.has('pdns_zone_kind'), ...(values.catalog_zone !== undefined ? { catalogZone: values.catalog_zone } : {}),
    concurrentWrites: concurrentWritesSetting(values.pdns_concurrent_writes ?? 'auto'),
  };
  if (list === null) {
    // A value that was given but invalid has its problem line already.
    const missing = (['pdns_url', 'pdns_token'] as const).filter((k) => values[k] === undefined && !given.has(k))
      .map((k) => `${envName(k)}: required, not set (or list several servers in ${envName('pdns_targets')})`);
    if (missing.length > 0) return { problems: missing };
    const catalog = values.catalog_zone ?? '';
    const zoneKind = catalogKind(catalog, defaults.zoneKindGiven, defaults.zoneKind);
    const why = catalogKindProblem(catalog, zoneKind);
    if (why !== null) return { problems: [`${label('pdns_zone_kind')}: ${why}`] };
    const { zoneKindGiven: _given, catalogZone: _catalog, ...rest } = defaults;
    return [{
      name: 'default', url: values.pdns_url as string, token: values.pdns_token as string, ...rest, zoneKind,
      ...(catalog !== '' ? { catalogZone: catalogName(catalog) } : {}),
    }];
  }
  if (typeof list === 'string') return { problems: [`${label('pdns_targets')}: ${list}`] };
  const problems = (['pdns_url', 'pdns_token'] as const).filter((k) => given.has(k))
    .map((k) => `${label(k)}: set together with ${label('pdns_targets')}; give each target its URL and key instead`);
  const targets = validateTargets(list, tokens, defaults, label('pdns_targets'));
  if (typeof targets[0] === 'string') return { problems: [...problems, ...(targets as string[])] };
  return problems.length > 0 ? { problems } : (targets as TargetConfig[]);
}
