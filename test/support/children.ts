/**
 * Servers the tests spawn (pdns_server, prometheus, the daemon) must not outlive the test process:
 * a crashed or interrupted run would otherwise leave them holding ports. Tracked children are
 * SIGKILLed on exit; each is forgotten once it exits on its own.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hookInstalled = false;

/** Kills `child` if the test process exits while it still runs. */
export function killOnExit(child: ChildProcess): void {
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}
