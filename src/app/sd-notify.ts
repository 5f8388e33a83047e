/**
 * systemd readiness and watchdog (Type=notify, WatchdogSec=) without native modules: Node has no
 * unix datagram sockets, so each message is sent by spawning systemd-notify (reference
 * operations.md §5.3; the unit needs NotifyAccess=all since the sender is a child). Inactive unless
 * systemd set NOTIFY_SOCKET. The child gets only NOTIFY_SOCKET and PATH: never our secrets.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../util/log.js';

export interface SdNotifier {
  /** READY=1 with a status line, once the HTTP endpoint listens and config is loaded. */
  ready(status: string): void;
  /** Pings WATCHDOG=1 every WATCHDOG_USEC/2 while the event loop turns (a hung loop stops the pings). */
  startWatchdog(): void;
  /** STOPPING=1, and the watchdog ends. */
  stopping(): void;
}

/** Returns null when not started by systemd with a notify socket. */
export function createSdNotifier(env: Record<string, string | undefined>, logger: Logger): SdNotifier | null {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  const childEnv = { NOTIFY_SOCKET: socket, PATH: env.PATH ?? '/usr/bin:/bin' };
  const send = (args: string[]): void => {
    execFile('systemd-notify', args, { env: childEnv, timeout: 10_000 }, (err) => {
      if (err) logger.warn(`systemd-notify ${args.join(' ')} failed: ${err.message}`);
    });
  };
  let watchdog: NodeJS.Timeout | null = null;
  return {
    ready: (status) => send(['--ready', `--status=${status}`]),
    startWatchdog() {
      const usec = Number(env.WATCHDOG_USEC);
      if (!Number.isFinite(usec) || usec <= 0 || watchdog) return;
      watchdog = setInterval(() => send(['WATCHDOG=1']), Math.max(1, Math.floor(usec / 2000)));
      watchdog.unref();
    },
    stopping() {
      if (watchdog) clearInterval(watchdog);
      watchdog = null;
      send(['STOPPING=1']);
    },
  };
}
