/**
 * The fake NetBox as a standalone process, for the demo:
 *
 *   npx tsx test/fakes/netbox/main.ts --seed config/sample-netbox.json --port 8001 --token T \
 *     [--max-page-size N] [--body-shape 4.4|4.5|4.6] [--host H] \
 *     [--webhook http://127.0.0.1:8080/webhook --webhook-secret S]
 *
 * Prints one JSON line `{"url": …, "tokens": […], …}` on stdout once listening. With `--webhook`, every
 * event is POSTed there as NetBox would (Python-style JSON, `X-Hook-Signature` when a secret is set).
 * Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { serializeWebhook, signWebhook, type BodyShape, type WebhookEnvelope } from './events.js';
import { loadSeed, readSeedFile } from './seed.js';
import { FAKE_NETBOX_TOKEN, FAKE_NETBOX_V2_TOKEN, startFakeNetbox } from './server.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string', multiple: true },
    'max-page-size': { type: 'string' },
    'body-shape': { type: 'string', default: '4.5' },
    webhook: { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
});

const shape = values['body-shape'] as BodyShape;
if (!['4.4', '4.5', '4.6'].includes(shape)) throw new Error(`--body-shape must be 4.4, 4.5 or 4.6, not ${shape}`);
const tokens = values.token ?? [FAKE_NETBOX_TOKEN, FAKE_NETBOX_V2_TOKEN];
const netbox = await startFakeNetbox({
  port: Number(values.port),
  host: values.host,
  tokens,
  bodyShape: shape,
  maxPageSize: values['max-page-size'] ? Number(values['max-page-size']) : undefined,
});
const summary = values.seed ? loadSeed(netbox.store, readSeedFile(values.seed)) : null;

/** Webhook delivery is fire-and-forget in order, like one RQ worker without retries. */
let chain: Promise<void> = Promise.resolve();
const target = values.webhook;
if (target) {
  const secret = values['webhook-secret'];
  netbox.onEvent((envelope: WebhookEnvelope) => {
    const body = serializeWebhook(envelope);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (secret) headers['X-Hook-Signature'] = signWebhook(body, secret);
    chain = chain
      .then(async () => {
        const res = await fetch(target, { method: 'POST', headers, body });
        if (!res.ok) console.error(`webhook ${envelope.object_type} ${envelope.event}: HTTP ${res.status}`);
      })
      .catch((err: unknown) => console.error(`webhook delivery failed: ${String(err)}`));
  });
}

process.stdout.write(`${JSON.stringify({ url: netbox.url, tokens, bodyShape: shape, seed: summary })}\n`);

const stop = (): void => {
  void netbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
