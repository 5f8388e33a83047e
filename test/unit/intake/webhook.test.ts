import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import { hookSignature } from '../../../src/util/credentials.js';
import { handleWebhook, type WebhookDeps } from '../../../src/intake/webhook.js';
import { validateWebhookEnvelope, webhookTopic } from '../../../src/intake/events/index.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { createReplayGuard } from '../../../src/intake/replay-guard.js';
import { ManualClock } from '../../support/manual-clock.js';

const SECRET = 'hook-secret-ü-7d1f';
const API_KEY = 'api-key-93b0c2';

/** Python json.dumps spacing, as NetBox sends it: the bytes must reach the broker unchanged. */
const BODY = Buffer.from('{"event": "updated", "timestamp": "2026-01-05T10:00:01+00:00", "object_type": "netbox_dns.zone", '
  + '"data": {"id": 7, "name": "example.org"}, "snapshots": {"prechange": null, "postchange": null}}');

interface Envelope {
  event: string;
}

/** Stand-in validator with the events module's contract, so these tests do not depend on its schema. */
function fakeValidate(body: unknown): { ok: true; envelope: Envelope } | { ok: false; reason: string; detail: string } {
  if (typeof body === 'object' && body !== null && typeof (body as { event?: unknown }).event === 'string') {
    return { ok: true, envelope: body as Envelope };
  }
  return { ok: false, reason: 'invalid_shape', detail: 'envelope must have an event' };
}

function harness(over: Partial<WebhookDeps<Envelope>> = {}) {
  const { logger, entries } = createMemoryLogger('debug');
  const published: Array<{ topic: string; payload: Buffer }> = [];
  const outcomes: string[] = [];
  const deps: WebhookDeps<Envelope> = {
    validate: fakeValidate,
    topicFor: (e) => `netbox/netbox_dns/zone/${e.event}`,
    publish: async (topic, payload) => {
      published.push({ topic, payload });
    },
    logger,
    observer: { accepted: () => outcomes.push('accepted'), rejected: (r) => outcomes.push(r) },
    ...over,
  };
  const call = (body: Buffer, headers: IncomingHttpHeaders = {}) => handleWebhook({ rawBody: body, headers, client: '192.0.2.7' }, deps);
  return { call, published, outcomes, entries };
}

const signed = (body: Buffer, secret = SECRET): IncomingHttpHeaders => ({ 'x-hook-signature': hookSignature(secret, body) });

describe('webhook handler', () => {
  describe('with a secret (HMAC-SHA512 of the raw body)', () => {
    it('accepts a good signature and publishes the raw bytes unchanged', async () => {
      const h = harness({ secret: SECRET });
      const res = await h.call(BODY, signed(BODY));
      expect(res).to.deep.equal({ status: 202, body: { status: 'accepted', topic: 'netbox/netbox_dns/zone/updated' } });
      expect(h.published).to.have.length(1);
      expect(h.published[0]?.payload.equals(BODY)).to.equal(true);
      expect(h.outcomes).to.deep.equal(['accepted']);
    });

    it('matches the NetBox scheme: lowercase hex HMAC-SHA512, key = secret as UTF-8', () => {
      // Python (NetBox generate_signature): hmac.new('s3cr\u00e9t'.encode('utf8'), body, hashlib.sha512).hexdigest()
      expect(hookSignature('s3cr\u00e9t', '{"event": "created"}')).to.equal(
        '6b90bee0c4a037b16e0ba25d6d6e22c1454866a0a26df551ff038abadc913fbb'
        + '839e58facb05fa30339838720b92ce164d6b8349111281e1c86a41741899cbc8',
      );
    });

    const bad: Array<[string, IncomingHttpHeaders]> = [
      ['missing', {}],
      ['empty', { 'x-hook-signature': '' }],
      ['wrong', signed(BODY, 'another-secret')],
      ['truncated', { 'x-hook-signature': hookSignature(SECRET, BODY).slice(0, 64) }],
      ['one digit short', { 'x-hook-signature': hookSignature(SECRET, BODY).slice(0, 127) }],
      ['non-hex', { 'x-hook-signature': `${hookSignature(SECRET, BODY).slice(0, 126)}zz` }],
      ['prefixed', { 'x-hook-signature': `sha512=${hookSignature(SECRET, BODY)}` }],
      ['over a different body', signed(Buffer.from(`${BODY.toString()} `))],
    ];
    for (const [name, headers] of bad) {
      it(`rejects with 401 and no details: ${name} signature`, async () => {
        const h = harness({ secret: SECRET, apiKey: API_KEY });
        const res = await h.call(BODY, headers);
        expect(res).to.deep.equal({ status: 401, body: { error: 'unauthorized' } });
        expect(h.published).to.deep.equal([]);
        expect(h.outcomes).to.deep.equal(['bad_signature']);
      });
    }

    it('does not fall back to the API key when a secret is set', async () => {
      const h = harness({ secret: SECRET, apiKey: API_KEY });
      expect((await h.call(BODY, { 'x-api-key': API_KEY })).status).to.equal(401);
    });
  });

  describe('without a secret (API key)', () => {
    for (const header of ['x-api-key', 'x-netbox-pdns-api-key']) {
      it(`accepts the key in ${header}`, async () => {
        const h = harness({ apiKey: API_KEY });
        expect((await h.call(BODY, { [header]: API_KEY })).status).to.equal(202);
        expect(h.published[0]?.payload.equals(BODY)).to.equal(true);
      });
    }

    it('rejects a wrong or missing key with 401', async () => {
      const h = harness({ apiKey: API_KEY });
      expect(await h.call(BODY, { 'x-api-key': 'nope' })).to.deep.equal({ status: 401, body: { error: 'unauthorized' } });
      expect(await h.call(BODY, { 'x-api-key': `${API_KEY}x` })).to.deep.equal({ status: 401, body: { error: 'unauthorized' } });
      expect(await h.call(BODY)).to.deep.equal({ status: 401, body: { error: 'unauthorized' } });
      expect(h.outcomes).to.deep.equal(['unauthorized', 'unauthorized', 'unauthorized']);
      expect(h.published).to.deep.equal([]);
    });
  });

  it('refuses everything with 503 when neither secret nor API key is configured', async () => {
    const h = harness();
    const res = await h.call(BODY, { 'x-api-key': 'anything', ...signed(BODY) });
    expect(res.status).to.equal(503);
    expect(JSON.stringify(res.body)).to.match(/disabled/);
    expect(h.published).to.deep.equal([]);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const h = harness({ apiKey: API_KEY });
    const res = await h.call(Buffer.from('{"event": '), { 'x-api-key': API_KEY });
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ error: 'invalid_json' });
    expect(h.outcomes).to.deep.equal(['invalid_json']);
    expect((await h.call(Buffer.alloc(0), { 'x-api-key': API_KEY })).status).to.equal(400);
  });

  it('answers 400 with the validator reason for a wrong shape', async () => {
    const h = harness({ apiKey: API_KEY });
    const res = await h.call(Buffer.from('{"hello": 1}'), { 'x-api-key': API_KEY });
    expect(res).to.deep.equal({ status: 400, body: { error: 'invalid_shape', detail: 'envelope must have an event' } });
    expect(h.outcomes).to.deep.equal(['invalid_shape']);
  });

  it('answers 503 when publishing fails, so NetBox may retry', async () => {
    const h = harness({ apiKey: API_KEY, publish: () => Promise.reject(new Error('broker down')) });
    const res = await h.call(BODY, { 'x-api-key': API_KEY });
    expect(res.status).to.equal(503);
    expect(h.outcomes).to.deep.equal([]);
  });

  describe('replays', () => {
    const sentAt = Date.parse('2026-01-05T10:00:01+00:00');

    it('hands a fresh body on once; the same bytes again get 200 duplicate, counted as replayed, without a publish', async () => {
      const clock = new ManualClock(sentAt + 5_000);
      const h = harness({ secret: SECRET, replayGuard: createReplayGuard({ maxAgeMs: 900_000, clock }) });
      expect((await h.call(BODY, signed(BODY))).status).to.equal(202);
      const again = await h.call(BODY, signed(BODY));
      expect(again).to.deep.equal({ status: 200, body: { status: 'duplicate', detail: 'this exact body was accepted before' } });
      expect(h.published).to.have.length(1);
      expect(h.outcomes).to.deep.equal(['accepted', 'replayed']);
      expect(h.entries.find((e) => e.reason === 'replayed')).to.include({ level: 'warn', client: '192.0.2.7' });
    });

    it('refuses a body older than the window with 400 stale, however well signed', async () => {
      const clock = new ManualClock(sentAt + 901_000);
      const h = harness({ secret: SECRET, replayGuard: createReplayGuard({ maxAgeMs: 900_000, clock }) });
      const res = await h.call(BODY, signed(BODY));
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ error: 'stale', detail: 'timestamp is 901 s old, more than the 900 s allowed' });
      expect(h.published).to.deep.equal([]);
      expect(h.outcomes).to.deep.equal(['stale']);
    });

    it('checks the signature first: an unsigned replay is a bad signature, and is not remembered', async () => {
      const clock = new ManualClock(sentAt);
      const h = harness({ secret: SECRET, replayGuard: createReplayGuard({ maxAgeMs: 900_000, clock }) });
      expect((await h.call(BODY, {})).status).to.equal(401);
      expect((await h.call(BODY, signed(BODY))).status).to.equal(202);
      expect(h.outcomes).to.deep.equal(['bad_signature', 'accepted']);
    });

    it('forgets a body it could not hand on, so the sender\'s retry is accepted', async () => {
      const clock = new ManualClock(sentAt);
      let fail = true;
      const published: Buffer[] = [];
      const h = harness({
        secret: SECRET,
        replayGuard: createReplayGuard({ maxAgeMs: 900_000, clock }),
        publish: async (_topic, payload) => {
          if (fail) throw new Error('broker down');
          published.push(payload);
        },
      });
      expect((await h.call(BODY, signed(BODY))).status).to.equal(503);
      fail = false;
      expect((await h.call(BODY, signed(BODY))).status).to.equal(202);
      expect(published).to.have.length(1);
    });
  });

  it('logs the client address of a refused request', async () => {
    const h = harness({ secret: SECRET });
    await h.call(BODY, { 'x-hook-signature': 'ab'.repeat(64) });
    expect(h.entries.find((e) => e.reason === 'bad_signature')).to.include({ level: 'warn', client: '192.0.2.7' });
  });

  it('never puts the secret or the API key in a response or a log line', async () => {
    const h = harness({ secret: SECRET, apiKey: API_KEY });
    const responses = [
      await h.call(BODY, signed(BODY)),
      await h.call(BODY, { 'x-hook-signature': 'ab' }),
      await h.call(BODY, { 'x-api-key': API_KEY }),
      await h.call(Buffer.from('nope'), signed(Buffer.from('nope'))),
    ];
    const text = JSON.stringify(responses) + JSON.stringify(h.entries);
    expect(text).to.not.include(SECRET);
    expect(text).to.not.include(API_KEY);
    expect(text).to.not.include(hookSignature(SECRET, BODY));
  });

  it('works with the real envelope validator and topic', async () => {
    const { logger } = createMemoryLogger();
    const published: string[] = [];
    const deps = {
      secret: SECRET,
      validate: validateWebhookEnvelope,
      topicFor: (e: Parameters<typeof webhookTopic>[1]) => webhookTopic('netbox', e),
      publish: async (topic: string) => {
        published.push(topic);
      },
      logger,
    };
    expect(await handleWebhook({ rawBody: BODY, headers: signed(BODY) }, deps))
      .to.deep.equal({ status: 202, body: { status: 'accepted', topic: 'netbox/netbox_dns/zone/updated' } });
    const notEnvelope = Buffer.from('{"event": "updated"}');
    const res = await handleWebhook({ rawBody: notEnvelope, headers: signed(notEnvelope) }, deps);
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ error: 'invalid_shape' });
  });
});
