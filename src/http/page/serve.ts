/**
 * Serving the status page: who may see it (as GET /status, or HTTP Basic with the status token or
 * API key, which a browser can send), a fresh nonce per response for its inline style and script, and
 * a CSP that allows nothing else: no external assets, no frames, requests only to this origin.
 * `?part=live` serves the refreshable content alone, for the page's own script.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkPageAccess, type ReadKeys } from '../../util/credentials.js';
import type { Logger } from '../../util/log.js';
import { COMMON_HEADERS } from '../respond.js';
import { renderFragment, renderPage, type PageView } from './render.js';

export interface PageDeps {
  readKeys: ReadKeys;
  logger: Logger;
  page: () => PageView;
  /** The peer address, for the log line of a refused request. */
  client: string;
}

export function servePage(req: IncomingMessage, res: ServerResponse, deps: PageDeps): void {
  const check = checkPageAccess(req.headers, deps.readKeys);
  if (check !== 'open' && check !== 'ok') {
    deps.logger.warn('GET / rejected: missing or wrong credentials', { client: deps.client, presented: check === 'wrong' });
    const body = '<!doctype html><title>netbox-pdns</title><p>Sign in with any user name and the status token (or the API key) as the password.</p>';
    res.writeHead(401, { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'www-authenticate': 'Basic realm="netbox-pdns", charset="UTF-8"' });
    res.end(body);
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  const part = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('part');
  const html = part === 'live' ? renderFragment(deps.page()) : renderPage(deps.page(), nonce);
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; `
      + "img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}
