/**
 * The DNSSEC calls of the PowerDNS API (replication-dnssec.md §2): cryptokeys, rectify and the
 * zone's signing switches (zone metadata is the client's getMetadata/setMetadata). Part of the one
 * PowerDNS client: same retrier, exchange and write gate.
 */
import type { ZoneName } from '../core/types.js';
import { UpstreamError } from '../util/errors.js';
import type { PdnsRequest, PdnsResponse } from './http.js';
import type { PdnsCryptokey, PdnsKeyCreate, PdnsSigningApi } from './types.js';

type Run = (req: PdnsRequest) => Promise<PdnsResponse>;

function parse<T>(operation: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new UpstreamError(`PowerDNS ${operation}: response body is not complete JSON`, 'pdns', 'transient', { operation, code: 'bad_json' }, { cause: err });
  }
}

/** Only what the daemon reads of a key; `privatekey` (never listed, only on a key's own GET) is dropped. */
function slimKey(k: PdnsCryptokey): PdnsCryptokey {
  return { id: k.id, flags: k.flags, algorithm: k.algorithm, bits: k.bits, active: k.active, published: k.published, dnskey: k.dnskey, ...(k.ds ? { ds: k.ds } : {}) };
}

export function createSigningCalls(run: Run, zonePath: (zone: ZoneName) => string): PdnsSigningApi {
  const keys = (zone: ZoneName): string => `${zonePath(zone)}/cryptokeys`;
  return {
    async listCryptokeys(zone) {
      const res = await run({ operation: 'listCryptokeys', method: 'GET', path: keys(zone), zone, endpoint: 'cryptokeys', accept: [200] });
      return parse<PdnsCryptokey[]>('listCryptokeys', res.body).map(slimKey);
    },
    async createCryptokey(zone, spec: PdnsKeyCreate) {
      const res = await run({ operation: 'createCryptokey', method: 'POST', path: keys(zone), zone, endpoint: 'cryptokeys', body: JSON.stringify(spec), accept: [201] });
      return slimKey(parse<PdnsCryptokey>('createCryptokey', res.body));
    },
    async setCryptokey(zone, id, flags) {
      // Both booleans always: a PUT without `published` re-publishes the key (pitfall 13).
      await run({
        operation: 'setCryptokey', method: 'PUT', path: `${keys(zone)}/${id}`, zone, endpoint: 'cryptokey',
        body: JSON.stringify({ active: flags.active, published: flags.published }), accept: [204],
      });
    },
    async deleteCryptokey(zone, id) {
      await run({ operation: 'deleteCryptokey', method: 'DELETE', path: `${keys(zone)}/${id}`, zone, endpoint: 'cryptokey', accept: [204, 404] });
    },
    async rectify(zone) {
      await run({ operation: 'rectifyZone', method: 'PUT', path: `${zonePath(zone)}/rectify`, zone, endpoint: 'rectify', accept: [200] });
    },
    async setSigning(zone, fields) {
      await run({ operation: 'setSigning', method: 'PUT', path: zonePath(zone), zone, endpoint: 'zone', body: JSON.stringify(fields), accept: [204] });
    },
  };
}
