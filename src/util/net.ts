/**
 * Which listen addresses only this host can reach. Used to warn when a listener that carries
 * secrets or events (the embedded broker, the HTTP endpoint) is reachable from the network while
 * nothing protects it.
 */
import { isIP } from 'node:net';

/**
 * True for loopback addresses: 127.0.0.0/8, ::1 (any spelling), ::ffff:127.x.y.z and `localhost`.
 * Any other name is assumed to be reachable from elsewhere (it may resolve to anything).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  // The WHATWG URL parser writes every IPv6 spelling in one canonical form (::1, ::ffff:7f00:1).
  const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}
