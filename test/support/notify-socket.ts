/**
 * A stand-in for systemd's notify socket: a python3 AF_UNIX datagram listener (Node has none) that
 * prints every message it receives, and closes any file descriptors passed along (systemd-notify's
 * BARRIER=1 waits for that), so tests can watch READY=1 / WATCHDOG=1 / STOPPING=1 arrive.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killOnExit } from './children.js';
import { waitFor } from './wait.js';

const LISTENER = `
import os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
print("LISTENING", flush=True)
while True:
    msg, fds, flags, addr = socket.recv_fds(s, 4096, 16)
    for fd in fds:
        os.close(fd)
    print(repr(msg.decode("utf-8", "replace")), flush=True)
`;

export interface NotifySocket {
  path: string;
  /** Every message received so far, one string each (e.g. `READY=1\\nSTATUS=…`). */
  messages(): string[];
  close(): Promise<void>;
}

export async function startNotifySocket(): Promise<NotifySocket> {
  const dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-notify-'));
  const path = join(dir, 'notify.sock');
  const child = spawn('python3', ['-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  await waitFor(() => out.includes('LISTENING'), { message: 'the python notify-socket listener' });
  return {
    path,
    messages: () => out.split('\n').filter((l) => l.startsWith("'") || l.startsWith('"')).map((l) => l.slice(1, -1).replace(/\\n/g, '\n')),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
