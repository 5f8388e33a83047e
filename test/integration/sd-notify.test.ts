/** Under systemd (Type=notify, WatchdogSec=) the daemon reports readiness, pings the watchdog and says when it stops. */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startNotifySocket, type NotifySocket } from '../support/notify-socket.js';
import { waitFor } from '../support/wait.js';

describe('systemd notify protocol', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let socket: NotifySocket;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    env = await startSyncEnv();
    socket = await startNotifySocket();
  });
  after(async () => {
    await daemon?.stop();
    await socket?.close();
    await env?.stop();
  });

  it('sends READY=1 once listening, WATCHDOG=1 every WATCHDOG_USEC/2, and STOPPING=1 on SIGTERM', async () => {
    daemon = await spawnDaemon({ ...env.env(), NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '400000' });
    await waitFor(() => socket.messages().some((m) => m.includes('READY=1')), { message: 'READY=1' });
    const ready = socket.messages().find((m) => m.includes('READY=1')) ?? '';
    expect(ready).to.match(/STATUS=listening on port \d+/);
    await waitFor(() => socket.messages().filter((m) => m === 'WATCHDOG=1').length >= 3, { message: 'three watchdog pings' });
    await daemon.stop();
    expect((await daemon.exited).code).to.equal(0);
    await waitFor(() => socket.messages().includes('STOPPING=1'), { message: 'STOPPING=1' });
    // The notifier's child never sees our secrets.
    expect(socket.messages().join('\n')).to.not.include(env.env().NETBOX_PDNS_PDNS_TOKEN);
  });
});
