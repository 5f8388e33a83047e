/** Command-line parsing (node:util parseArgs): one place that knows the commands and their flags. */
import { parseArgs } from 'node:util';

export type Command = 'run' | 'sync' | 'plan' | 'ds' | 'check-config' | 'version' | 'help';

export interface CliArgs {
  command: Command;
  configPath?: string;
  zones: string[];
  /** `--server NAME`: only these PowerDNS targets. */
  servers: string[];
  dryRun: boolean;
  force: boolean;
  json: boolean;
}

export const USAGE = `Usage: netbox-pdns <command> [options]

Commands:
  run                 run the daemon: MQTT/webhook events, cron reconcile, HTTP endpoints
  sync                run one full reconcile and exit (0 ok, 1 failure, 3 refused as unsafe)
  plan                print what a reconcile would change (0 in sync, 3 changes pending, 1 failure)
  ds ZONE             the DS records the parent needs for a signed zone, and whether it publishes them
                      (0 published, 3 missing or not checked, 1 failure, 2 unknown or unsigned zone)
  check-config        validate the configuration and print it with secrets masked (2 when invalid)
  version             print the version

Options:
  --config FILE       JSON config file (else NETBOX_PDNS_CONFIG); environment variables override it
  --zone ZONE         sync/plan: only this zone (repeatable)
  --server NAME       sync/plan/ds: only this PowerDNS target of PDNS_TARGETS (repeatable)
  --dry-run           sync: compute and report plans without writing
  --force             sync: apply plans that break the safety thresholds
  --json              plan/sync/ds: machine-readable output
`;

/** Parses argv (without node and script). Throws an Error with a usage message on bad input. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
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
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
    },
  });
  if (values.help) return { command: 'help', zones: [], servers: [], dryRun: false, force: false, json: false };
  if (values.version) return { command: 'version', zones: [], servers: [], dryRun: false, force: false, json: false };
  const [command = 'help', ...rest] = positionals;
  const known: Command[] = ['run', 'sync', 'plan', 'ds', 'check-config', 'version', 'help'];
  if (!known.includes(command as Command)) throw new Error(`unknown command: ${command}`);
  if (command === 'ds' && rest.length !== 1) throw new Error('ds takes one zone: netbox-pdns ds ZONE');
  if (command !== 'ds' && rest.length > 0) throw new Error(`unexpected argument: ${rest.join(' ')}`);
  if (command === 'ds' && values.zone !== undefined) throw new Error('ds takes its zone as an argument, not --zone');
  const zones = command === 'ds' ? rest : values.zone ?? [];
  if (zones.length > 0 && command !== 'sync' && command !== 'plan' && command !== 'ds') throw new Error('--zone only applies to sync and plan');
  const servers = values.server ?? [];
  if (servers.length > 0 && command !== 'sync' && command !== 'plan' && command !== 'ds') throw new Error('--server only applies to sync, plan and ds');
  if ((values['dry-run'] || values.force) && command !== 'sync') throw new Error('--dry-run and --force only apply to sync');
  return {
    command: command as Command,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    zones,
    servers,
    dryRun: values['dry-run'] ?? false,
    force: values.force ?? false,
    json: values.json ?? false,
  };
}
