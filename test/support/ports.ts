/**
 * Free-port helpers for tests. Every server a test starts listens on a port picked here (or on 0):
 * fixed ports collide between parallel runs, and a clash can make a readiness probe talk to the
 * wrong server (shared/reference/powerdns-api.md §2, "Port clash").
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port by listening on 0, then releases it. */
function freeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the listening port'))));
    });
  });
}

/** True when a UDP socket can bind `host:port` right now. */
export function udpPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * A TCP port that was free a moment ago. With `{ udp: true }` the same port number is also free for
 * UDP (a DNS server binds both). The port is released before returning, so a race with another process
 * is possible: servers started on it must detect a bind failure and retry with a new port.
 */
export async function freePort(host = '127.0.0.1', opts: { udp?: boolean; exclude?: number[] } = {}): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = await freeTcpPort(host);
    if (opts.exclude?.includes(port)) continue;
    if (!opts.udp || (await udpPortFree(port, host))) return port;
  }
  throw new Error(`no free ${opts.udp ? 'TCP+UDP' : 'TCP'} port found on ${host} after 50 tries`);
}
