/**
 * `netbox-pdns run`: starts the daemon and ties it to the process: SIGTERM/SIGINT stop it cleanly
 * (exit 0), SIGHUP re-reads the HTTPS certificate and queues a full reconcile, a failure to start
 * exits 1 so systemd restarts us.
 */
import { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { createDaemon } from './daemon.js';
import { createMetrics } from '../observability/metrics.js';
import { systemClock } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { loggerFromConfig } from './logger.js';
import { buildInfo } from './version.js';
import { createSdNotifier } from './sd-notify.js';

export async function runDaemonProcess(config: Config, proc: NodeJS.Process): Promise<number> {
  const build = buildInfo();
  const metrics = createMetrics(new Registry(), build, config.targets.map((t) => t.name));
  const logger = loggerFromConfig(config, proc.stdout, proc.env, (level) => metrics.onLog(level));
  const daemon = createDaemon(config, { logger, clock: systemClock, build, metrics });
  const systemd = createSdNotifier(proc.env, logger);
  try {
    const started = await daemon.start();
    systemd?.ready(`listening on port ${started.httpPort}; initial reconcile running`);
    systemd?.startWatchdog();
  } catch (err) {
    logger.error(`failed to start: ${errorMessage(err)}`);
    await daemon.stop().catch(() => undefined);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        logger.warn(`${signal} again while stopping: exiting now`);
        resolve(1);
        return;
      }
      stopping = true;
      logger.info(`${signal} received: shutting down`);
      systemd?.stopping();
      daemon.stop().then(() => resolve(0), (err: unknown) => {
        logger.error(`shutdown failed: ${errorMessage(err)}`);
        resolve(1);
      });
    };
    proc.on('SIGTERM', () => stop('SIGTERM'));
    proc.on('SIGINT', () => stop('SIGINT'));
    proc.on('SIGHUP', () => {
      logger.info('SIGHUP received: reloading the HTTPS certificate (if any) and queuing a full reconcile');
      daemon.reloadTls();
      daemon.requestFullReconcile('signal');
    });
  });
}
