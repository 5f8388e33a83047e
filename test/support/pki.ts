/**
 * A throw-away PKI made with openssl in a temp dir, for TLS tests against real listeners: a CA, a
 * server certificate it signed for 127.0.0.1/localhost, an unrelated CA, and more server
 * certificates on demand (a renewal). Nothing here is a secret outside the test.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  ca: string;
  cert: string;
  key: string;
  /** A CA that signed nothing here. */
  otherCa: string;
  /** A further server certificate (and its own key) from the CA, for 127.0.0.1/localhost. */
  issue(name: string): { cert: string; key: string };
}

export function makePki(dir: string): Pki {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=netbox-pdns test CA');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const issue = (name: string): { cert: string; key: string } => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=localhost/O=${name}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', 'san.cnf');
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  const server = issue('server');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=some other CA');
  return { ca: join(dir, 'ca.pem'), cert: server.cert, key: server.key, otherCa: join(dir, 'other.pem'), issue };
}
