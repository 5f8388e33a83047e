/**
 * Raw calls to a test PowerDNS's HTTP API, for test arrangement the daemon's client has no method
 * for (Producer/Consumer zones, metadata, notify) and for counting raw status codes (the client
 * retries 500s, which would hide them).
 */
import type { PdnsServer } from './pdns-server.js';

export type PdnsTarget = Pick<PdnsServer, 'apiUrl' | 'apiKey'>;

export interface PdnsResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  json: unknown;
  text: string;
}

/** `path` is relative to `/api/v1/servers/localhost`, e.g. `/zones/example.org.`. */
export async function pdnsRequest(server: PdnsTarget, method: string, path: string, body?: unknown): Promise<PdnsResponse> {
  const res = await fetch(`${server.apiUrl}/api/v1/servers/localhost${path}`, {
    method,
    headers: { 'X-API-Key': server.apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Like pdnsRequest, but throws unless the status is `expected`; returns the parsed body. */
export async function pdnsCall(server: PdnsTarget, method: string, path: string, body: unknown, expected: number): Promise<unknown> {
  const res = await pdnsRequest(server, method, path, body);
  if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res.json;
}
