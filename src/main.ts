#!/usr/bin/env node
/**
 * The netbox-pdns command. The only module that touches process (argv, env, exit code, signals);
 * everything else receives what it needs.
 */
import { parseCliArgs, USAGE } from './cli/args.js';
import { dsCommand } from './cli/ds-command.js';
import { EXIT_USAGE, planCommand, syncCommand } from './cli/reconcile-commands.js';
import { loadConfig, maskConfig, type Config } from './config/index.js';
import { ConfigError } from './util/errors.js';
import { buildCore } from './app/core.js';
import { loggerFromConfig } from './app/logger.js';
import { buildInfo } from './app/version.js';
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
    err(`netbox-pdns: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.command === 'help') {
    out(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    const info = buildInfo();
    out(`netbox-pdns ${info.version} (${info.revision}), node ${process.version}`);
    return 0;
  }
  const config = configOrExit(args.configPath);
  if (!config) return EXIT_USAGE;
  if (args.command === 'check-config') {
    out(JSON.stringify(maskConfig(config), null, 2));
    return 0;
  }
  if (args.command === 'run') {
    // Loaded on demand: the one-shot commands need none of the daemon's MQTT/HTTP machinery.
    const { runDaemonProcess } = await import('./app/run-daemon.js');
    return runDaemonProcess(config, process);
  }

  // sync / plan / ds: logs on stderr so stdout carries only the result.
  const logger = loggerFromConfig(config, process.stderr, process.env);
  const core = buildCore(config, { logger, clock: systemClock });
  const command = args.command === 'sync' ? syncCommand : args.command === 'ds' ? dsCommand : planCommand;
  return command(core.engine, args, out);
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
