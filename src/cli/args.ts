/**
 * Command-line parsing (node:util parseArgs): one place that knows the commands, their flags and
 * their help. Each command takes only its own options, and `netbox-pdns <command> --help` (or
 * `netbox-pdns help <command>`) prints that command's options and examples.
 */
import { parseArgs } from 'node:util';

export type Command = 'run' | 'sync' | 'plan' | 'approve' | 'history' | 'ds' | 'check-config' | 'version' | 'help';

export interface CliArgs {
  command: Command;
  /** `help <command>` / `<command> --help`: the command whose help to print. */
  helpFor?: Command;
  configPath?: string;
  zones: string[];
  /** `--server NAME`: only these PowerDNS targets. */
  servers: string[];
  dryRun: boolean;
  force: boolean;
  json: boolean;
  /** `plan --out FILE`: the plans written to a file, for `sync --plan FILE`. */
  out?: string;
  /** `sync --plan FILE`: apply exactly the plans of that file. */
  planFile?: string;
  /** `approve ZONE PLAN-ID`. */
  approve?: { zone: string; planId: string };
  /** `history --limit N`. */
  limit?: number;
}

type Flag = 'config' | 'zone' | 'server' | 'dry-run' | 'force' | 'json' | 'out' | 'plan' | 'limit';

interface CommandSpec {
  summary: string;
  usage: string;
  flags: readonly Flag[];
  /** Positional arguments it takes (names, for the usage line and the count check). */
  positionals?: readonly string[];
  details?: string;
  examples: readonly string[];
}

const FLAG_HELP: Record<Flag, string> = {
  config: '--config FILE       JSON config file (else NETBOX_PDNS_CONFIG); environment variables override it',
  zone: '--zone ZONE         only this zone (repeatable)',
  server: '--server NAME       only this PowerDNS target of PDNS_TARGETS (repeatable)',
  'dry-run': '--dry-run           compute and report plans without writing',
  force: '--force             apply plans the safety checks refuse, as re-planned now (prefer approve)',
  json: '--json              machine-readable output on stdout',
  out: '--out FILE          also write the plans (with their ids) to FILE, for `sync --plan FILE`',
  plan: '--plan FILE         apply exactly the plans in FILE (from `plan --out`), each only if still current',
  limit: '--limit N           at most the N most recent entries (default 50)',
};

const SPECS: Record<Exclude<Command, 'help'>, CommandSpec> = {
  run: {
    summary: 'run the daemon: MQTT/webhook events, cron reconcile, HTTP endpoints and the status page',
    usage: 'netbox-pdns run [--config FILE]',
    flags: ['config'],
    examples: ['netbox-pdns run', 'netbox-pdns run --config /etc/netbox-pdns/config.json'],
  },
  sync: {
    summary: 'run one full reconcile and exit (0 ok, 1 failure, 3 refused as unsafe)',
    usage: 'netbox-pdns sync [--zone Z]... [--server S]... [--dry-run] [--force] [--plan FILE] [--json]',
    flags: ['config', 'zone', 'server', 'dry-run', 'force', 'plan', 'json'],
    details: 'With --plan FILE it applies only the plans listed in FILE, each only when the zone\'s current plan still has\n'
      + 'that id (exit 3 when one no longer does: nothing of it is applied).',
    examples: ['netbox-pdns sync', 'netbox-pdns sync --zone example.com --dry-run', 'netbox-pdns sync --plan change-window.json'],
  },
  plan: {
    summary: 'print what a reconcile would change, with plan ids (0 in sync, 3 changes pending, 1 failure)',
    usage: 'netbox-pdns plan [--zone Z]... [--server S]... [--json] [--out FILE]',
    flags: ['config', 'zone', 'server', 'json', 'out'],
    examples: ['netbox-pdns plan', 'netbox-pdns plan --zone example.com --json', 'netbox-pdns plan --out change-window.json'],
  },
  approve: {
    summary: 'apply one refused plan by its id, only if it is still the zone\'s current plan (0 applied, 3 stale, 1 failure)',
    usage: 'netbox-pdns approve ZONE PLAN-ID [--server S] [--json]',
    flags: ['config', 'server', 'json'],
    positionals: ['ZONE', 'PLAN-ID'],
    details: 'PLAN-ID is the id `plan` prints (and /status, the status page and the refusal log line show). When the\n'
      + 'zone\'s plan changed since, nothing is applied and the new plan and its id are printed.',
    examples: ['netbox-pdns approve hand.example. 3fa9c0e1b2d4'],
  },
  history: {
    summary: 'print the audit trail of writes to PowerDNS from NETBOX_PDNS_AUDIT_FILE (newest last)',
    usage: 'netbox-pdns history [--zone Z]... [--limit N] [--json]',
    flags: ['config', 'zone', 'limit', 'json'],
    examples: ['netbox-pdns history', 'netbox-pdns history --zone example.com --limit 20'],
  },
  ds: {
    summary: 'the DS records the parent needs for a signed zone, and whether it publishes them (0 published, 3 missing or not asked, 2 not signed)',
    usage: 'netbox-pdns ds ZONE [--server S]... [--json]',
    flags: ['config', 'server', 'json'],
    positionals: ['ZONE'],
    details: 'The policy\'s digest types, for every KSK/CSK in the DNSKEY set, with its key and state; whether the parent publishes\n'
      + 'each is asked of NETBOX_PDNS_DNSSEC_DS_RESOLVER (a DS query). Read-only: the zone\'s task runs as a dry run.',
    examples: ['netbox-pdns ds example.com', 'netbox-pdns ds example.com --json'],
  },
  'check-config': {
    summary: 'validate the configuration and print it with secrets masked (2 when invalid)',
    usage: 'netbox-pdns check-config [--config FILE]',
    flags: ['config'],
    examples: ['netbox-pdns check-config'],
  },
  version: {
    summary: 'print the version',
    usage: 'netbox-pdns version',
    flags: [],
    examples: ['netbox-pdns version'],
  },
};

const COMMANDS = Object.keys(SPECS) as Array<Exclude<Command, 'help'>>;

export const USAGE = `Usage: netbox-pdns <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.padEnd(18)}  ${SPECS[c].summary}`).join('\n')}

Run \`netbox-pdns <command> --help\` for a command's options and examples.
`;

/** One command's help: usage, what it does, its options and examples. */
export function commandHelp(command: Command): string {
  if (command === 'help') return USAGE;
  const spec = SPECS[command];
  return [
    `Usage: ${spec.usage}`, '', spec.summary,
    ...(spec.details ? ['', spec.details] : []),
    ...(spec.flags.length > 0 ? ['', 'Options:', ...spec.flags.map((f) => `  ${FLAG_HELP[f]}`), '  --help              this help'] : []),
    '', 'Examples:', ...spec.examples.map((e) => `  ${e}`), '',
  ].join('\n');
}

/** A usage error: the message, and the help of the command it is about. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: Command) {
    super(message);
    this.name = 'UsageError';
  }
}

const isCommand = (c: string): c is Exclude<Command, 'help'> => (COMMANDS as string[]).includes(c);

/** Parses argv (without node and script). Throws a UsageError on bad input. */
export function parseCliArgs(argv: string[]): CliArgs {
  const empty = { zones: [], servers: [], dryRun: false, force: false, json: false };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        zone: { type: 'string', short: 'z', multiple: true },
        server: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        plan: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'V', default: false },
      },
    });
  } catch (e) {
    const first = argv.find((a) => !a.startsWith('-'));
    throw new UsageError(e instanceof Error ? e.message : String(e), first !== undefined && isCommand(first) ? first : undefined);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === 'help') {
    const about = rest[0];
    if (about !== undefined && !isCommand(about)) throw new UsageError(`unknown command: ${about}`);
    return { command: 'help', ...(about !== undefined ? { helpFor: about } : {}), ...empty };
  }
  if (command !== undefined && !isCommand(command)) throw new UsageError(`unknown command: ${command}`);
  if (values.help) return { command: 'help', ...(command !== undefined ? { helpFor: command } : {}), ...empty };
  if (values.version) return { command: 'version', ...empty };
  if (command === undefined) throw new UsageError('no command given');

  const spec = SPECS[command];
  const given: Flag[] = (['config', 'zone', 'server', 'dry-run', 'force', 'json', 'out', 'plan', 'limit'] as const).filter((f) => {
    const v = values[f];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false;
  });
  const foreign = given.filter((f) => !spec.flags.includes(f));
  if (foreign.length > 0) throw new UsageError(`${foreign.map((f) => `--${f}`).join(', ')} does not apply to ${command}`, command);
  const wanted = spec.positionals ?? [];
  if (rest.length > wanted.length) throw new UsageError(`unexpected argument: ${rest.slice(wanted.length).join(' ')}`, command);
  if (rest.length < wanted.length) throw new UsageError(`missing ${wanted.slice(rest.length).join(' and ')}`, command);
  if (values.plan !== undefined && (values.force || values['dry-run'] || (values.zone ?? []).length > 0)) {
    throw new UsageError('--plan applies exactly the plans of its file: it takes no --zone, --force or --dry-run', command);
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${JSON.stringify(values.limit)}: must be an integer >= 1`, command);
  }
  return {
    command,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    // `ds ZONE` names its zone as an argument.
    zones: command === 'ds' ? rest : values.zone ?? [],
    servers: values.server ?? [],
    dryRun: values['dry-run'] ?? false,
    force: values.force ?? false,
    json: values.json ?? false,
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.plan !== undefined ? { planFile: values.plan } : {}),
    ...(command === 'approve' ? { approve: { zone: rest[0] as string, planId: rest[1] as string } } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}
