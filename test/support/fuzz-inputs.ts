/**
 * A seeded, deterministic generator of malformed event inputs for the fuzz test: the same seed gives
 * the same inputs on every run and machine, so a failure is reproducible from the seed alone (no
 * new dependency: a 32-bit mulberry PRNG is plenty for picking cases).
 *
 * Every case says what the daemon must make of it (`rejected` or `ignored`): nothing generated here
 * may ever name a zone to reconcile. Names that an MQTT broker would refuse in a *topic* (NUL, `+`,
 * `#`) only ever appear inside payloads, so each input really reaches the daemon.
 */
import { createHmac } from 'node:crypto';

export type Channel = 'mqtt' | 'webhook';

export interface FuzzCase {
  channel: Channel;
  /** Generator family, for per-family reporting. */
  family: string;
  /** MQTT topic (mqtt only). */
  topic: string;
  payload: Buffer;
  /** Webhook only: the X-Hook-Signature to send, or null for none. */
  signature: string | null;
  /** What the daemon must count it as. */
  expect: 'rejected' | 'ignored';
  /** Webhook only: the HTTP status the daemon must answer. */
  status?: number;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Zones that exist in NetBox for our nameserver, without trailing dot. */
  zones: string[];
  nameserverId: number;
  /** The daemon's payload/body limit in bytes. */
  maxBytes: number;
  webhookSecret: string;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** `n` characters from `alphabet` (a string or code points). */
  text(n: number, alphabet: string): string {
    const chars = [...alphabet];
    let out = '';
    for (let i = 0; i < n; i++) out += this.pick(chars);
    return out;
  }
}

const GARBAGE = 'abcXYZ019{}[]":,\\ \t\n\'tfn-+.eE/=%é€😀\u0001\u007f';

/** Zone names the strict check must refuse; all safe to put in an MQTT topic. */
function badTopicNames(rng: Rng, zone: string): string[] {
  return [
    `../${zone}`, `${zone}/../../etc`, '../../../../etc/passwd', `..%2F${zone}`, `%2F${zone}`, `a%2Fb.${zone}`,
    `=2F${zone}`, `a=2Fb.${zone}`, `with space.${zone}`, ` ${zone}`, `${zone} `, `${'x'.repeat(300)}.${zone}`,
    `${rng.text(64, 'abc')}.${zone}`, `exämple.${zone}`, `例え.テスト`, `${zone}..`, `a..${zone}`, `${'a.'.repeat(130)}com`,
    `${zone}\\`, `*.${zone}`, `"${zone}"`, `<script>.${zone}`, `${zone};rm -rf`, `@.${zone}`,
  ];
}

/** Names only sent inside payloads (not valid or not deliverable in a topic). */
function badPayloadOnlyNames(zone: string): string[] {
  return [`${zone}\u0000`, `a\nb.${zone}`, `tab\t.${zone}`, `${zone}+`, `#.${zone}`, '', '.', `\u202e${zone}`];
}

/** Per compact field, values of the wrong type or range (each one alone makes the message invalid). */
const COMPACT_WRONG: Record<string, unknown[]> = {
  zone: [null, 0, 1.5, true, [], {}, ['a']],
  serial: [null, -1, 1.5, true, [], {}, '1', 4294967296, 1e308],
  event: [null, 0, true, [], {}],
  timestamp: [null, '1', true, [], {}],
  nameserver_ids: [0, 'x', true, {}, ['a'], [-1], [1.5]],
};

/** Per envelope field, values the envelope schema refuses. */
const ENVELOPE_WRONG: Record<string, unknown[]> = {
  event: [null, 7, [], '', 'X', 'has space', {}],
  timestamp: [null, 7, [], {}, true],
  data: [null, 7, [], 'x'],
  snapshots: [null, 7, [], 'x'],
  object_type: [null, 7, 'x', '', 'Netbox_dns.Record', {}],
  zone: [null, 'x', 5, [], { id: 'a', name: 'x' }, { id: 1 }, { id: -1, name: 'x' }],
};

export function compact(zone: string, event = 'update', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { zone, serial: 2026010101, event, timestamp: 1_764_000_000, ...extra };
}

/** A netbox_dns record envelope naming `zoneName` (shape of NetBox 4.5). */
export function recordEnvelope(zoneName: string, event = 'created', objectType = 'netbox_dns.record'): Record<string, unknown> {
  return {
    event, timestamp: '2026-01-01T00:00:00.000000+00:00', object_type: objectType, username: 'fuzz', request_id: 'fuzz-1',
    data: { id: 1, name: 'www', type: 'A', value: '192.0.2.1', zone: { id: 1, name: zoneName } },
    snapshots: { prechange: null, postchange: { zone: 1, name: 'www' } },
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function sign(secret: string, body: Buffer): string {
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

type Draft = Omit<FuzzCase, 'signature' | 'channel'> & { signature?: string | null };

/** One MQTT case of a random family. */
function mqttCase(rng: Rng, o: FuzzOptions): Draft {
  const zone = rng.pick(o.zones);
  const other = o.zones.find((z) => z !== zone) ?? `${zone}x`;
  const cTopic = (z: string, e = 'update'): string => `dns/zones/${z}/${e}`;
  const family = rng.pick(['invalid_json', 'wrong_types', 'missing_fields', 'huge', 'deep', 'bad_zone', 'unknown_type', 'mismatch', 'unknown_topic', 'other_ns'] as const);
  const r = (topic: string, payload: Buffer, expect: 'rejected' | 'ignored' = 'rejected'): Draft => ({ family: `mqtt:${family}`, topic, payload, expect });
  switch (family) {
    case 'invalid_json': {
      const valid = JSON.stringify(compact(zone));
      const options = [
        Buffer.from(valid.slice(0, 1 + rng.int(valid.length - 2)), 'utf8'),
        Buffer.from(`{${rng.text(1 + rng.int(80), GARBAGE)}`, 'utf8'),
        Buffer.from([0xff, 0xfe, 0x7b, 0x80, ...Array.from({ length: rng.int(40) }, () => rng.int(256))]),
        Buffer.from(`{'zone': '${zone}'}`, 'utf8'),
        Buffer.from('', 'utf8'),
        Buffer.from(`${valid}${valid}`, 'utf8'),
      ];
      return r(rng.chance(0.5) ? cTopic(zone) : 'netbox/netbox_dns/record/created', rng.pick(options));
    }
    case 'wrong_types': {
      if (rng.chance(0.5)) {
        const field = rng.pick(Object.keys(COMPACT_WRONG));
        return r(cTopic(zone), json(compact(zone, 'update', { [field]: rng.pick(COMPACT_WRONG[field] ?? []) })));
      }
      const env = recordEnvelope(zone);
      const target = rng.pick(Object.keys(ENVELOPE_WRONG));
      const value = rng.pick(ENVELOPE_WRONG[target] ?? []);
      if (target === 'zone') (env.data as Record<string, unknown>).zone = value;
      else env[target] = value;
      return r('netbox/netbox_dns/record/created', json(env));
    }
    case 'missing_fields': {
      if (rng.chance(0.5)) {
        const body = compact(zone);
        for (const k of ['zone', 'serial', 'event', 'timestamp']) if (rng.chance(0.5)) delete body[k];
        if (Object.keys(body).length === 4) delete body.serial;
        return r(cTopic(zone), json(body));
      }
      const env = recordEnvelope(zone);
      const key = rng.pick(['event', 'timestamp', 'data', 'snapshots', 'object_type', 'data.zone', 'data.zone.name', 'data.zone.id']);
      if (key === 'data.zone') delete (env.data as Record<string, unknown>).zone;
      else if (key.startsWith('data.zone.')) delete ((env.data as Record<string, unknown>).zone as Record<string, unknown>)[key.slice(10)];
      else delete env[key];
      return r('netbox/netbox_dns/record/created', json(env));
    }
    case 'huge':
      return r(cTopic(zone), json(compact(zone, 'update', { pad: 'p'.repeat(o.maxBytes + rng.int(o.maxBytes)) })));
    case 'deep': {
      const d = 33 + rng.int(3000);
      const text = rng.chance(0.5) ? `${'['.repeat(d)}${']'.repeat(d)}` : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
      const wrapped = rng.chance(0.5) ? text : JSON.stringify(compact(zone, 'update', {})).replace(/}$/, `,"x":${text}}`);
      return r(rng.chance(0.5) ? cTopic(zone) : 'netbox/netbox_dns/record/created', Buffer.from(wrapped, 'utf8'));
    }
    case 'bad_zone': {
      if (rng.chance(0.5)) {
        const name = rng.pick(badTopicNames(rng, zone));
        return r(cTopic(name), json(compact(name)));
      }
      const name = rng.pick([...badTopicNames(rng, zone), ...badPayloadOnlyNames(zone)]);
      if (rng.chance(0.5)) return r('netbox/netbox_dns/record/updated', json(recordEnvelope(name, 'updated')));
      const env = recordEnvelope(name, 'updated', 'netbox_dns.zone');
      env.data = { id: 9, name };
      return r('netbox/netbox_dns/zone/updated', json(env));
    }
    case 'unknown_type': {
      const pick = rng.int(3);
      if (pick === 0) {
        const [app, model] = rng.pick([['dcim', 'device'], ['ipam', 'ipaddress'], ['netbox_dns', 'zonetemplate'], ['netbox_dns', 'registrar']]) as [string, string];
        return r(`netbox/${app}/${model}/created`, json(recordEnvelope(zone, 'created', `${app}.${model}`)), 'ignored');
      }
      if (pick === 1) {
        const ev = rng.pick(['frobbed', 'object_exploded', 'job_started', 'renamed']);
        return r(`netbox/netbox_dns/record/${ev}`, json(recordEnvelope(zone, ev)), 'ignored');
      }
      const ev = rng.pick(['explode', 'refresh', 'created', 'x']);
      return r(cTopic(zone, ev), json(compact(zone, ev)), 'ignored');
    }
    case 'mismatch': {
      const pick = rng.int(4);
      if (pick === 0) return r(cTopic(zone), json(compact(other)));
      if (pick === 1) return r(cTopic(zone, 'update'), json(compact(zone, 'delete')));
      if (pick === 2) return r('netbox/netbox_dns/zone/created', json(recordEnvelope(zone, 'created')));
      return r('netbox/netbox_dns/record/created', json(recordEnvelope(zone, 'updated')));
    }
    case 'unknown_topic': {
      const topic = rng.pick(['netbox/x', 'netbox/a/b', 'netbox/A/B/C', 'netbox/netbox_dns/record/created/extra', 'dns/zones/update',
        `netbox/netbox_dns/Record/created`, `netbox/${rng.text(5, 'äöü')}/record/created`, 'netbox//record/created']);
      return r(topic, json(recordEnvelope(zone)));
    }
    case 'other_ns': {
      if (rng.chance(0.5)) return r(cTopic(zone), json(compact(zone, 'update', { nameserver_ids: [o.nameserverId + 1000 + rng.int(50)] })), 'ignored');
      const env = recordEnvelope(zone, 'updated', 'netbox_dns.zone');
      env.data = { id: 7, name: zone, nameservers: [{ id: o.nameserverId + 1000 }] };
      env.snapshots = { prechange: null, postchange: { name: zone, nameservers: [o.nameserverId + 1000] } };
      return r('netbox/netbox_dns/zone/updated', json(env), 'ignored');
    }
  }
}

/** One webhook case of a random family. */
function webhookCase(rng: Rng, o: FuzzOptions): Draft {
  const zone = rng.pick(o.zones);
  const family = rng.pick(['bad_signature', 'invalid_json', 'wrong_shape', 'deep', 'huge', 'bad_zone', 'unknown_type'] as const);
  const d = (payload: Buffer, expect: 'rejected' | 'ignored', status: number, signature?: string | null): Draft =>
    ({ family: `webhook:${family}`, topic: '', payload, expect, status, ...(signature !== undefined ? { signature } : {}) });
  switch (family) {
    case 'bad_signature': {
      const body = json(recordEnvelope(zone));
      const good = sign(o.webhookSecret, body);
      const sig = rng.pick([null, good.slice(0, 64), good.slice(0, 127), rng.text(128, '0123456789abcdef'), `sha512=${good}`,
        sign(o.webhookSecret, json(recordEnvelope(`${zone}x`))), sign(`${o.webhookSecret}x`, body), '', `${good}00`, ' '.repeat(128)]);
      return d(body, 'rejected', 401, sig);
    }
    case 'invalid_json':
      return d(Buffer.from(rng.pick([`{${rng.text(1 + rng.int(60), GARBAGE)}`, '{"event":', "{'a':1}", 'undefined']), 'utf8'), 'rejected', 400);
    case 'wrong_shape': {
      const env = recordEnvelope(zone);
      const key = rng.pick(['event', 'timestamp', 'data', 'snapshots']);
      if (rng.chance(0.5)) delete env[key];
      else env[key] = rng.pick(ENVELOPE_WRONG[key] ?? []);
      return d(json(rng.chance(0.2) ? rng.pick([[], 'str', 42, null, { event: 'created' }]) : env), 'rejected', 400);
    }
    case 'deep': {
      const n = 33 + rng.int(2000);
      return d(Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`, 'utf8'), 'rejected', 400);
    }
    case 'huge':
      return d(json({ ...recordEnvelope(zone), pad: 'p'.repeat(o.maxBytes + rng.int(o.maxBytes)) }), 'rejected', 413);
    case 'bad_zone':
      return d(json(recordEnvelope(rng.pick([...badTopicNames(rng, zone), ...badPayloadOnlyNames(zone)]))), 'rejected', 202);
    case 'unknown_type':
      return d(json(recordEnvelope(zone, 'created', rng.pick(['dcim.device', 'ipam.prefix', 'netbox_dns.registrar']))), 'ignored', 202);
  }
}

/** `count` malformed inputs; about 60 % MQTT, 40 % webhook, interleaved at random. */
export function generateBadInputs(o: FuzzOptions): FuzzCase[] {
  const rng = new Rng(o.seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < o.count; i++) {
    if (rng.chance(0.6)) {
      cases.push({ ...mqttCase(rng, o), channel: 'mqtt', signature: null });
    } else {
      const draft = webhookCase(rng, o);
      const signature = draft.signature !== undefined ? draft.signature : sign(o.webhookSecret, draft.payload);
      cases.push({ ...draft, channel: 'webhook', signature });
    }
  }
  return cases;
}

export { sign as signBody };
