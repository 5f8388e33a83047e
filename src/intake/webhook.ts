/**
 * POST /webhook: NetBox Event Rule → authenticated, validated → republished to MQTT. The HTTP layer
 * has already read the body under its size limit; this module decides what to do with it and is
 * independent of node:http so it is tested with plain buffers.
 *
 * Authentication never has an "open" mode: with a webhook secret the HMAC signature is required,
 * without one the API key is, and with neither the endpoint refuses every request (503), because an
 * unauthenticated endpoint would let anyone trigger PowerDNS writes.
 *
 * The raw body bytes are what gets published, never a re-serialisation: a subscriber sees exactly
 * what NetBox sent, and a signature over the body stays checkable downstream. An authenticated,
 * valid body must also be fresh and new (replay-guard.ts) before it is handed on.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { checkApiKey, verifyHookSignature } from '../util/credentials.js';
import type { ReplayGuard } from './replay-guard.js';

export interface WebhookObserver {
  accepted(): void;
  /**
   * `bad_signature`, `stale`, `replayed` (events/types.ts WEBHOOK_REJECT_REASONS), `unauthorized`
   * (wrong API key), `invalid_json`, or the validator's or replay guard's `invalid_shape`.
   */
  rejected(reason: string): void;
}

/** The validator's contract (events/netbox-envelope.ts `validateWebhookEnvelope`). */
export type EnvelopeValidation<E> = { ok: true; envelope: E } | { ok: false; reason: string; detail: string };

export interface WebhookDeps<E> {
  secret?: string;
  apiKey?: string;
  validate: (body: unknown) => EnvelopeValidation<E>;
  topicFor: (envelope: E) => string;
  publish: (topic: string, payload: Buffer) => Promise<void>;
  /** Rejects stale and repeated bodies; without one every valid body is handed on. */
  replayGuard?: Pick<ReplayGuard, 'admit'>;
  logger: Logger;
  observer?: WebhookObserver;
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** The peer address, logged when a request is turned away (never a credential). */
  client?: string;
}

export interface WebhookResponse {
  status: number;
  body: object;
}

/** Longest detail echoed back for a bad body (parser messages can quote the input). */
const MAX_DETAIL_CHARS = 300;

/** Loggers that already said "disabled" at warn level (said once per logger, then at debug). */
const warnedDisabled = new WeakSet<Logger>();

const UNAUTHORIZED: WebhookResponse = { status: 401, body: { error: 'unauthorized' } };

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

/**
 * Handles one webhook delivery. Answers 202 once the body is handed to the broker: NetBox counts
 * any 2xx as delivered, and the zone work happens later, off the request.
 */
export async function handleWebhook<E>(req: WebhookRequest, deps: WebhookDeps<E>): Promise<WebhookResponse> {
  const { logger, observer } = deps;
  const secret = deps.secret === '' ? undefined : deps.secret;
  const client = req.client ?? 'unknown';

  if (secret !== undefined) {
    if (!verifyHookSignature(secret, req.rawBody, req.headers)) {
      observer?.rejected('bad_signature');
      logger.warn('webhook rejected: missing or wrong X-Hook-Signature', { reason: 'bad_signature', bytes: req.rawBody.length, client });
      return UNAUTHORIZED;
    }
  } else {
    const check = checkApiKey(req.headers, deps.apiKey);
    if (check === 'disabled') {
      const message = 'webhook intake is disabled: set webhook_secret (NETBOX_PDNS_WEBHOOK_SECRET) or api_key to enable it';
      if (warnedDisabled.has(logger)) logger.debug(message);
      else {
        warnedDisabled.add(logger);
        logger.warn(message);
      }
      return { status: 503, body: { error: 'webhook_disabled', detail: 'webhook intake is disabled until a webhook secret or an API key is configured' } };
    }
    if (check !== 'ok') {
      observer?.rejected('unauthorized');
      logger.warn('webhook rejected: missing or wrong API key', { reason: 'unauthorized', presented: check === 'wrong', client });
      return UNAUTHORIZED;
    }
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody.toString('utf8'));
  } catch (err) {
    const detail = clip(errorMessage(err));
    observer?.rejected('invalid_json');
    logger.warn('webhook rejected: body is not JSON', { reason: 'invalid_json', detail });
    return { status: 400, body: { error: 'invalid_json', detail } };
  }

  const check = deps.validate(parsed);
  if (!check.ok) {
    const detail = clip(check.detail);
    observer?.rejected(check.reason);
    logger.warn('webhook rejected: not a NetBox webhook envelope', { reason: check.reason, detail });
    return { status: 400, body: { error: check.reason, detail } };
  }

  const fresh = deps.replayGuard?.admit(req.rawBody, (parsed as { timestamp?: unknown }).timestamp) ?? { ok: true, undo: () => undefined };
  if (!fresh.ok) {
    observer?.rejected(fresh.reason);
    logger.warn(`webhook rejected: ${fresh.reason === 'replayed' ? 'a replay' : 'not fresh'} (${fresh.detail})`, { reason: fresh.reason, client });
    // A repeat is answered like the first delivery was, so a sender's retry stops; nothing is done twice.
    if (fresh.reason === 'replayed') return { status: 200, body: { status: 'duplicate', detail: fresh.detail } };
    return { status: 400, body: { error: fresh.reason, detail: fresh.detail } };
  }

  const topic = deps.topicFor(check.envelope);
  try {
    await deps.publish(topic, req.rawBody);
  } catch (err) {
    fresh.undo();
    logger.error('webhook could not be handed on; answering 503 so the sender may retry', { topic, error: errorMessage(err) });
    return { status: 503, body: { error: 'unavailable', detail: 'the event could not be queued; retry later' } };
  }
  observer?.accepted();
  logger.debug('webhook accepted', { topic, bytes: req.rawBody.length });
  return { status: 202, body: { status: 'accepted', topic } };
}
