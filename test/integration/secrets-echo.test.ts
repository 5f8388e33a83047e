/**
 * Upstreams that echo the request back: a proxy's error page quoting every request header (so the
 * NetBox token and the PowerDNS key come back in the body), in plain text and in JSON, with the
 * secret also in a Location header and a URL with user:password. Neither `plan`, nor the daemon's
 * JSON log, nor its unauthenticated /status and /metrics may carry any configured secret.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const SECRETS = {
  nb_token: 'nbt_echoKey123.echoSecret-9f8e7d6c5b4a39281706',
  pdns_token: 'pdns-echo-SECRET-0a1b2c3d4e',
  api_key: 'api-echo-SECRET-77aa88bb99',
  webhook_secret: 'hook-echo-SECRET-44dd55ee66',
};

/** A server that answers `status` with a body quoting the request: headers, URL, and the URL percent-encoded. */
async function startEcho(status: number, json: boolean): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req: IncomingMessage, res) => {
    hits += 1;
    req.resume();
    const quoted = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
    const echo = `proxy error for ${req.method} ${req.url}\n${quoted}\nencoded: ${encodeURIComponent(quoted)}\nupstream http://user:${SECRETS.pdns_token}@backend/`;
    const body = json ? JSON.stringify({ detail: echo, error: echo }) : echo;
    res.writeHead(status, {
      'content-type': json ? 'application/json' : 'text/plain',
      'x-echo-auth': String(req.headers.authorization ?? req.headers['x-api-key'] ?? ''),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

function leaksIn(outputs: Array<[string, string]>): string[] {
  const leaks: string[] = [];
  for (const [what, text] of outputs) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      const tail = secret.slice(-10);
      if (text.includes(secret) || text.includes(tail) || text.includes(encodeURIComponent(secret))) leaks.push(`${name} in ${what}`);
    }
  }
  return leaks;
}

describe('security: secrets echoed back by upstreams are scrubbed everywhere', function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  let daemon: DaemonProcess | undefined;

  after(async () => {
    await daemon?.stop(2000);
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  for (const [label, netboxStatus, pdnsStatus, json] of [
    ['plain-text 502 pages', 502, 502, false],
    ['JSON 403 / 422 bodies', 403, 422, true],
  ] as const) {
    it(`plan, the daemon's log, /status and /metrics stay clean with ${label}`, async () => {
      const netbox = await startEcho(netboxStatus, json);
      const pdns = await startEcho(pdnsStatus, json);
      servers.push(netbox.server, pdns.server);
      const settings: Record<string, string> = {
        NETBOX_PDNS_NB_URL: netbox.url,
        NETBOX_PDNS_NB_TOKEN: SECRETS.nb_token,
        NETBOX_PDNS_NB_NS_ID: '1',
        NETBOX_PDNS_PDNS_URL: pdns.url,
        NETBOX_PDNS_PDNS_TOKEN: SECRETS.pdns_token,
        NETBOX_PDNS_API_KEY: SECRETS.api_key,
        NETBOX_PDNS_WEBHOOK_SECRET: SECRETS.webhook_secret,
        NETBOX_PDNS_MQTT_ENABLED: 'false',
        NETBOX_PDNS_RETRY_ATTEMPTS: '2',
        NETBOX_PDNS_RETRY_BASE_DELAY: '0.01',
        NETBOX_PDNS_RECONCILE_RETRY_DELAY: '0.05',
        NETBOX_PDNS_LOG_LEVEL: 'debug',
      };
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETBOX_PDNS_')));
      const planned = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts', 'plan', '--json'], {
        cwd: process.cwd(), env: { ...inherited, ...settings },
      }).catch((err: { stdout?: string; stderr?: string; code?: number }) => err);
      const planOut = `${planned.stdout ?? ''}${planned.stderr ?? ''}`;
      expect(planOut).to.match(new RegExp(`HTTP ${netboxStatus}`));

      daemon = await spawnDaemon(settings);
      const d = daemon;
      await waitFor(async () => {
        const doc = (await (await d.get('/status')).json()) as StatusDocument;
        return doc.reliability.last_reconcile?.outcome === 'failure' && doc.upstreams.netbox.ok === false;
      }, { message: 'a failed reconcile recorded' });
      const outputs: Array<[string, string]> = [['plan', planOut]];
      for (const path of ['/status', '/metrics', '/health']) outputs.push([path, await (await d.get(path)).text()]);
      await d.stop(2000);
      daemon = undefined;
      outputs.push(['stdout', d.stdout()], ['stderr', d.stderr()]);
      expect(netbox.hits()).to.be.greaterThan(1);
      expect(d.stdout(), 'the echoed body reached the log').to.match(/proxy error for GET/);
      expect(leaksIn(outputs)).to.deep.equal([]);
    });
  }
});
