/**
 * The PowerDNS targets of one daemon. `PDNS_TARGETS` is a JSON list (in a config file, a list or the
 * same JSON text): `[{"name": "dc1", "url": "https://pdns1:8081"}, {"name": "lab", "url": "…",
 * "nb_ns_id": 7, "zone_kind": "Native"}]`. Each target's API key is a secret read like every other:
 * `NETBOX_PDNS_PDNS_TOKEN_<NAME>`, `…_FILE`, or the systemd credential `pdns_token_<name>` (a `token`
 * field in the list works but puts the key in a file). Without `PDNS_TARGETS` the single-server
 * settings (`PDNS_URL`, `PDNS_TOKEN`, …) are one target named `default`, unchanged.
 */
import { ENV_PREFIX } from './schema.js';

/** One target after validation; every field filled (defaults from the single-server settings). */
export interface TargetConfig {
  /** Bounded and safe as a metric label and a /status key. */
  name: string;
  url: string;
  token: string;
  serverId: string;
  zoneKind: 'Native' | 'Master' | 'Primary';
  notify: boolean;
  /** The NetBox nameserver whose zones this target serves. */
  nbNsId: number;
  /** Only zones of this NetBox view (none: every view). */
  nbViewId?: number;
  /** PATCH/PUT/DELETE in flight at once: `auto` (from the backend PowerDNS reports) or a number. */
  concurrentWrites: ConcurrentWritesSetting;
  /** The catalog zone (absolute, lower case) this target's zones are members of; none without one. */
  catalogZone?: string;
}

/** `auto` or a fixed number of writes in flight (1–64). */
export type ConcurrentWritesSetting = 'auto' | number;
export const MAX_CONCURRENT_WRITES = 64;

/** The validated option text (`auto` or digits) as a setting. */
export function concurrentWritesSetting(text: string): ConcurrentWritesSetting {
  return text === 'auto' ? 'auto' : Number(text);
}

export const TARGET_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const FIELDS = new Set(['name', 'url', 'token', 'server_id', 'zone_kind', 'notify', 'nb_ns_id', 'nb_view_id', 'concurrent_writes', 'catalog_zone']);
const ZONE_NAME = /^([a-z0-9_]([a-z0-9_-]{0,62})\.)*[a-z0-9_][a-z0-9_-]{0,62}\.?$/i;

/** `Catalog.Invalid` → `catalog.invalid.` (PowerDNS lower-cases catalog names). */
export function catalogName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}
const KINDS = new Set(['Native', 'Master', 'Primary']);

/** The env variable holding target `name`'s API key: `NETBOX_PDNS_PDNS_TOKEN_DC1` for `dc1`. */
export function targetTokenEnv(name: string): string {
  return `${ENV_PREFIX}PDNS_TOKEN_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The systemd credential names that may hold target `name`'s API key. */
export function targetTokenCredentials(name: string): string[] {
  return [`pdns_token_${name}`, `pdns-token-${name}`];
}

/** The zone kind a target gets: with a catalog and no kind configured, Master (catalog members must be Master). */
export function catalogKind(catalog: string, kindGiven: boolean, kind: TargetConfig['zoneKind']): TargetConfig['zoneKind'] {
  return catalog !== '' && !kindGiven ? 'Master' : kind;
}

/** Why the kind cannot go with the catalog: PowerDNS silently leaves Native zones out of a catalog. */
export function catalogKindProblem(catalog: string, kind: string): string | null {
  if (catalog === '' || kind !== 'Native') return null;
  return `Native conflicts with the catalog zone ${JSON.stringify(catalog)}: PowerDNS lists only Master zones in a catalog; use Master (or set no catalog)`;
}

export interface RawTarget {
  [field: string]: unknown;
}

/** Parses the option's value (JSON text); a problem line or the raw entries. */
export function parseTargetList(text: string): RawTarget[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return 'must be a non-empty JSON list of targets';
  if (!parsed.every((t) => typeof t === 'object' && t !== null && !Array.isArray(t))) return 'every entry must be an object';
  return parsed as RawTarget[];
}

/** Names the entries declare (valid or not), for the loader to know which token variables to read. */
export function declaredNames(entries: RawTarget[]): string[] {
  return entries.map((e) => e.name).filter((n): n is string => typeof n === 'string' && TARGET_NAME.test(n));
}

export interface TargetDefaults {
  serverId: string;
  zoneKind: TargetConfig['zoneKind'];
  /** Whether zoneKind was configured (PDNS_ZONE_KIND) rather than the schema default. */
  zoneKindGiven?: boolean;
  catalogZone?: string;
  notify: boolean;
  nbNsId: number;
  nbViewId?: number;
  concurrentWrites: ConcurrentWritesSetting;
}

/** A target's `concurrent_writes`: "auto", or an integer 1–64 (also as digits). */
function parseConcurrentWrites(value: unknown): ConcurrentWritesSetting | undefined {
  if (value === 'auto') return 'auto';
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_CONCURRENT_WRITES ? n as number : undefined;
}

/**
 * Validates the entries, every problem at once (`PDNS_TARGETS[1].url: …`). `tokens` holds the keys
 * read from the environment, files or credentials, by target name.
 */
export function validateTargets(entries: RawTarget[], tokens: ReadonlyMap<string, string>, defaults: TargetDefaults, label: string): TargetConfig[] | string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const targets: TargetConfig[] = [];
  entries.forEach((e, i) => {
    const at = `${label}[${i}]`;
    const bad = (field: string, why: string): void => void problems.push(`${at}.${field}: ${why}`);
    for (const field of Object.keys(e)) if (!FIELDS.has(field)) bad(field, `unknown field (allowed: ${[...FIELDS].join(', ')})`);
    const name = e.name;
    if (typeof name !== 'string' || !TARGET_NAME.test(name)) bad('name', 'must be 1–32 lower-case letters, digits, "-" or "_", starting with a letter or digit');
    else if (seen.has(name)) bad('name', `${JSON.stringify(name)} is used twice`);
    else seen.add(name);
    const url = e.url;
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) bad('url', 'must be an http:// or https:// URL');
    const serverId = e.server_id ?? defaults.serverId;
    if (typeof serverId !== 'string' || !/^[A-Za-z0-9._-]+$/.test(serverId)) bad('server_id', 'must be a PowerDNS server id (letters, digits, ., _, -)');
    const catalog = e.catalog_zone ?? defaults.catalogZone ?? '';
    if (typeof catalog !== 'string' || (catalog !== '' && !ZONE_NAME.test(catalog))) bad('catalog_zone', 'must be a DNS zone name such as catalog.invalid., or "" for none');
    const kindGiven = e.zone_kind !== undefined || defaults.zoneKindGiven === true;
    const zoneKind = e.zone_kind ?? catalogKind(typeof catalog === 'string' ? catalog : '', kindGiven, defaults.zoneKind);
    if (typeof zoneKind !== 'string' || !KINDS.has(zoneKind)) bad('zone_kind', 'must be one of Native, Master, Primary');
    else if (typeof catalog === 'string') {
      const why = catalogKindProblem(catalog, zoneKind);
      if (why !== null) bad('zone_kind', why);
    }
    const notify = e.notify ?? defaults.notify;
    if (typeof notify !== 'boolean') bad('notify', 'must be true or false');
    const nbNsId = e.nb_ns_id ?? defaults.nbNsId;
    if (!Number.isInteger(nbNsId) || (nbNsId as number) < 1) bad('nb_ns_id', 'must be an integer >= 1');
    const nbViewId = e.nb_view_id ?? defaults.nbViewId;
    if (nbViewId !== undefined && (!Number.isInteger(nbViewId) || (nbViewId as number) < 1)) bad('nb_view_id', 'must be an integer >= 1');
    const concurrentWrites = parseConcurrentWrites(e.concurrent_writes ?? defaults.concurrentWrites);
    if (concurrentWrites === undefined) bad('concurrent_writes', `must be "auto" or an integer between 1 and ${MAX_CONCURRENT_WRITES}`);
    const token = typeof name === 'string' ? tokens.get(name) ?? (typeof e.token === 'string' && e.token !== '' ? e.token : undefined) : undefined;
    if (typeof name === 'string' && TARGET_NAME.test(name) && token === undefined) {
      bad('token', `not set: set ${targetTokenEnv(name)} (or ${targetTokenEnv(name)}_FILE, or the credential ${targetTokenCredentials(name)[0]})`);
    }
    if (problems.length === 0) {
      targets.push({
        name: name as string, url: url as string, token: token as string, serverId: serverId as string,
        zoneKind: zoneKind as TargetConfig['zoneKind'], notify: notify as boolean, nbNsId: nbNsId as number,
        ...(nbViewId !== undefined ? { nbViewId: nbViewId as number } : {}),
        concurrentWrites: concurrentWrites as ConcurrentWritesSetting,
        ...(typeof catalog === 'string' && catalog !== '' ? { catalogZone: catalogName(catalog) } : {}),
      });
    }
  });
  return problems.length > 0 ? problems : targets;
}

export interface TokenSources {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  /** $CREDENTIALS_DIRECTORY, when systemd set one. */
  credentialsDir?: string;
}

/**
 * Reads each declared target's key, highest precedence first: `NETBOX_PDNS_PDNS_TOKEN_<NAME>`, its
 * `_FILE`, then the systemd credential. Returns the keys, the variable names that are therefore
 * known (not typos), and problems reading files.
 */
export function readTargetTokens(names: string[], src: TokenSources): { tokens: Map<string, string>; known: string[]; problems: string[] } {
  const tokens = new Map<string, string>();
  const known: string[] = [];
  const problems: string[] = [];
  const read = (path: string, label: string): string | undefined => {
    try {
      return src.readFile(path).replace(/[\r\n]+$/, '');
    } catch (err) {
      const missing = typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
      if (!missing || !label.startsWith('$')) problems.push(`${label}: cannot read (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  };
  for (const name of names) {
    const env = targetTokenEnv(name);
    known.push(env, `${env}_FILE`);
    const direct = src.env[env];
    const file = src.env[`${env}_FILE`];
    let token = direct !== undefined && direct !== '' ? direct : undefined;
    if (token === undefined && file !== undefined && file !== '') token = read(file, `${env}_FILE="${file}"`);
    if (token === undefined && src.credentialsDir) {
      for (const credential of targetTokenCredentials(name)) {
        token = read(`${src.credentialsDir}/${credential}`, `$CREDENTIALS_DIRECTORY/${credential}`);
        if (token !== undefined) break;
      }
    }
    if (token !== undefined && token !== '') tokens.set(name, token);
  }
  return { tokens, known, problems };
}
