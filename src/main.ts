#!/usr/bin/env node
/**
 * The netbox-pdns command. The only module that touches process (argv, env, exit code, signals);
 * everything else receives what it needs.
 */
import { userInfo } from 'node:os';
import { commandHelp, parseCliArgs, USAGE, UsageError } from './cli/args.js';
import { dsCommand } from './cli/ds-command.js';
import { EXIT_USAGE, planCommand, syncCommand } from './cli/reconcile-commands.js';
import { approveCommand, syncPlanFileCommand } from './cli/approve-commands.js';
import { historyCommand } from './cli/history-command.js';
import { loadConfig, maskConfig, type Config } from './config/index.js';
import { ConfigError } from './util/errors.js';
import { buildCore } from './app/core.js';
import { loggerFromConfig } from './app/logger.js';
import { buildInfo } from './app/version.js';
import { tuneHeap } from './app/heap-tuning.js';
import { systemClock } from './util/clock.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function configOrExit(configPath: string | undefined): Config | null {
  try {
    return loadConfig({ env: process.env, ...(configPath !== undefined ? { configPath } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) {
      err('netbox-pdns: invalid configuration:');
      for (const problem of e.problems) err(`  ${problem}`);
      return null;
    }
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    // No arguments, or wrong ones: the help of the command at hand, and a non-zero exit.
    const command = e instanceof UsageError ? e.command : undefined;
    err(`netbox-pdns: ${e instanceof Error ? e.message : String(e)}\n\n${command ? commandHelp(command) : USAGE}`);
    return EXIT_USAGE;
  }
  if (args.command === 'help') {
    out(args.helpFor ? commandHelp(args.helpFor) : USAGE);
    return 0;
  }
  if (args.command === 'version') {
    const info = buildInfo();
    out(`netbox-pdns ${info.version} (${info.revision}), node ${process.version}`);
    return 0;
  }
  const config = configOrExit(args.configPath);
  if (!config) return EXIT_USAGE;
  tuneHeap(config);
  if (args.command === 'check-config') {
    out(JSON.stringify(maskConfig(config), null, 2));
    return 0;
  }
  if (args.command === 'run') {
    // Loaded on demand: the one-shot commands need none of the daemon's MQTT/HTTP machinery.
    const { runDaemonProcess } = await import('./app/run-daemon.js');
    return runDaemonProcess(config, process);
  }

  if (args.command === 'history') return historyCommand(config, { zones: args.zones, json: args.json, ...(args.limit ? { limit: args.limit } : {}) }, out, err);
  // sync / plan / approve / ds: logs on stderr so stdout carries only the result.
  const logger = loggerFromConfig(config, process.stderr, process.env);
  const core = buildCore(config, { logger, clock: systemClock });
  if (args.command === 'approve' && args.approve) {
    return approveCommand(core.engine, { ...args.approve, servers: args.servers, json: args.json, by: operator() }, out);
  }
  if (args.command === 'sync' && args.planFile !== undefined) {
    return syncPlanFileCommand(core.engine, { planFile: args.planFile, servers: args.servers, json: args.json, by: operator() }, out);
  }
  const command = args.command === 'sync' ? syncCommand : args.command === 'ds' ? dsCommand : planCommand;
  return command(core.engine, args, out);
}

/** Who runs an approval from the command line, for the log and the audit trail: `cli:<login>`. */
function operator(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's word is all there is.
    name = process.env.SUDO_USER ?? process.env.USER;
  }
  return `cli:${name ?? 'unknown'}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`netbox-pdns: unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
