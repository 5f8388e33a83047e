/**
 * A real HTTP server on a loopback port with stand-in handlers and a manual clock, plus the clients
 * the HTTP server tests talk to it with. Every answer body is kept in `seenBodies` so each test file
 * can check at the end that no secret ever appeared in one.
 */
import { connect } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { createHttpServer, type HttpHandlers, type HttpServer, type HttpServerOptions } from '../../../src/http/server.js';
import { hookSignature } from '../../../src/util/credentials.js';
import { handleWebhook } from '../../../src/intake/webhook.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../support/manual-clock.js';
import { createStatusStore } from '../../../src/observability/status-store.js';
import type { PageView } from '../../../src/http/page/render.js';

/** A real status document (an empty daemon's) with what a test adds, for the status page. */
export function pageView(clock: ManualClock, over: Partial<PageView> = {}): PageView {
  const doc = createStatusStore({ clock, initialSyncWarningMs: 60_000 }).snapshot({
    scheduler: { running: true, next_run: null, next_quick_run: null }, mqtt: { enabled: false }, queue: { pending: 0, running: 0 }, lock_contention_events: 0,
  });
  return { doc, audit: [], version: 'test', approveEnabled: true, refreshSeconds: 10, now: new Date(clock.now()).toISOString(), ...over };
}

export const API_KEY = 'sync-key-5f0e9a';
export const STATUS_TOKEN = 'status-token-3b7c1d';
export const SECRET = 'hook-secret-c81d';
export const LIMIT = 2048;
export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const ZONE_DOC = { zone: 'example.org.', outcome: 'changed' };

export interface Harness {
  base: string;
  port: number;
  server: HttpServer;
  clock: ManualClock;
  entries: Array<Record<string, unknown>>;
  published: Buffer[];
  webhookCalls: number;
  syncCalls: number;
  observed: string[];
}

/** Every body any test received, checked for secrets at the end. */
export const seenBodies: string[] = [];

export async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  seenBodies.push(text);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** Speaks HTTP/1.1 by hand (for lying or unfinished bodies fetch cannot send); resolves on the first full response. */
export function raw(port: number, head: string, body: Buffer | string = '', keepOpen = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? '0');
      if (data.length < end + 4 + length) return;
      socket.destroy();
      const status = Number(text.slice(9, 12));
      const bodyText = text.slice(end + 4, end + 4 + length);
      seenBodies.push(bodyText);
      resolve({ status, text: bodyText });
    });
    socket.write(head);
    if (body.length > 0) socket.write(body);
    if (!keepOpen) socket.end();
  });
}

export async function start(over: Partial<HttpServerOptions> = {}, handlerOver: Partial<HttpHandlers> = {}, perMinute = 100): Promise<Harness> {
  const clock = new ManualClock();
  const { logger, entries } = createMemoryLogger('debug');
  const h = { clock, entries, published: [] as Buffer[], webhookCalls: 0, syncCalls: 0, observed: [] as string[] } as Harness;
  const handlers: HttpHandlers = {
    status: (zone) => (zone === undefined ? { status: 'Healthy' } : zone === 'example.org' ? ZONE_DOC : null),
    metrics: async () => ({ contentType: METRICS_TYPE, body: 'netbox_pdns_up 1\n' }),
    sync: async () => {
      h.syncCalls += 1;
      return { queued: true };
    },
    page: () => pageView(clock),
    approve: async (request, by) => ({ status: 200, body: { result: 'applied', zone: request.zone, plan_id: request.planId, by } }),
    webhook: (rawBody: Buffer, headers: IncomingHttpHeaders) => {
      h.webhookCalls += 1;
      return handleWebhook({ rawBody, headers }, {
        secret: SECRET,
        validate: (body) => ({ ok: true, envelope: body }),
        topicFor: () => 'netbox/netbox_dns/record/updated',
        publish: async (_topic, payload) => {
          h.published.push(payload);
        },
        logger,
      });
    },
    ...handlerOver,
  };
  h.server = createHttpServer({
    host: '127.0.0.1', port: 0, logger, clock, maxBodyBytes: LIMIT, rateLimitPerMinute: perMinute, apiKey: API_KEY, handlers,
    webhookObserver: { rejected: (reason) => h.observed.push(reason) },
    ...over,
  });
  const address = await h.server.start();
  h.port = address.port;
  h.base = `http://127.0.0.1:${address.port}`;
  return h;
}

export const sign = (body: string): Record<string, string> => ({ 'content-type': 'application/json', 'x-hook-signature': hookSignature(SECRET, body) });
