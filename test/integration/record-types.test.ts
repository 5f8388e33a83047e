/**
 * Every record type and spelling netbox-plugin-dns can hold, through normaliseContent into a real
 * PowerDNS 4.7 and back: what we send must come back byte-identical (so the daemon's next diff is
 * empty and nothing churns the serial), or normaliseContent must refuse it with a reason, and then
 * PowerDNS must indeed be unable to hold the value as NetBox has it (422, or rewritten). On sqlite3
 * and on gpgsql: what PowerDNS stores and gives back must not depend on the backend.
 */
import { expect } from 'chai';
import { normaliseContent } from '../../src/core/normalise.js';
import { DNSPYTHON_TYPES, ORIGIN, REFUSED, ROUND_TRIP, UNKNOWN_TO_PDNS } from '../support/record-type-cases.js';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { forEachBackend } from '../support/backends.js';

const API_KEY = 'record-types-key';
/** PowerDNS allows DNSKEY only at a zone apex, so each DNSKEY case gets a zone of its own. */
const APEX_ONLY = new Set(['DNSKEY']);

interface Rrset {
  name: string;
  type: string;
  changetype: 'REPLACE';
  ttl: number;
  records: Array<{ content: string; disabled: boolean }>;
}

interface Sent {
  zone: string;
  rrset: Rrset;
  label: string;
}

describe('record types: normaliseContent against a real PowerDNS 4.7', function () {
  this.timeout(60_000);
  forEachBackend((backend) => {
    let pdns: PdnsServer;

    async function api(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
      const res = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost${path}`, {
        method,
        headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    }

    async function createZone(name: string): Promise<void> {
      const res = await api('POST', '/zones', { name, kind: 'Native', soa_edit_api: '', nameservers: ['ns1.example.net.'] });
      expect(res.status, res.text).to.equal(201);
    }

    /** PATCHes rrsets into `zone`; on a 422 finds the culprits one by one (a PATCH is atomic). */
    async function patch(zone: string, sent: Sent[]): Promise<string[]> {
      const res = await api('PATCH', `/zones/${zone}`, { rrsets: sent.map((s) => s.rrset) });
      if (res.status === 204) return [];
      if (sent.length === 1) return [`${sent[0]?.label}: HTTP ${res.status} ${res.text}`];
      const failures: string[] = [];
      for (const one of sent) failures.push(...(await patch(zone, [one])));
      return failures;
    }

    /** name/type → the contents PowerDNS holds, for every rrset of `zone`. */
    async function contents(zone: string): Promise<Map<string, string[]>> {
      const res = await api('GET', `/zones/${zone}`);
      expect(res.status, res.text).to.equal(200);
      const body = JSON.parse(res.text) as { rrsets: Array<{ name: string; type: string; records: Array<{ content: string }> }> };
      return new Map(body.rrsets.map((r) => [`${r.name} ${r.type}`, r.records.map((rec) => rec.content)]));
    }

    function rrset(name: string, type: string, content: string): Rrset {
      return { name, type, changetype: 'REPLACE', ttl: 300, records: [{ content, disabled: false }] };
    }

    before(async () => {
      pdns = await startPdns({ apiKey: API_KEY, backend });
      await createZone(ORIGIN);
    });
    after(async () => {
      await pdns?.stop();
    });

    it('covers every type dnspython knows: round-trip cases, or refused as unknown to PowerDNS', () => {
      const covered = new Set([...ROUND_TRIP.map(([type]) => type), ...UNKNOWN_TO_PDNS.map(([type]) => type), 'SOA']);
      expect(DNSPYTHON_TYPES.filter((type) => !covered.has(type))).to.deep.equal([]);
    });

    it(`round-trips all ${ROUND_TRIP.length} spellings byte-identical (second sync: empty diff)`, async () => {
      const inZone: Sent[] = [];
      const ownZone: Sent[] = [];
      const problems: string[] = [];
      ROUND_TRIP.forEach(([type, value, expected], i) => {
        const label = `#${i} ${type} ${JSON.stringify(value)}`;
        let content: string;
        try {
          content = normaliseContent(type, value, ORIGIN);
        } catch (err) {
          problems.push(`${label}: normaliseContent threw: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        if (content !== expected) problems.push(`${label}: normalised to ${JSON.stringify(content)}, table says ${JSON.stringify(expected)}`);
        try {
          const again = normaliseContent(type, content, ORIGIN);
          if (again !== content) problems.push(`${label}: not idempotent: ${JSON.stringify(content)} → ${JSON.stringify(again)}`);
        } catch (err) {
          problems.push(`${label}: normalising ${JSON.stringify(content)} again threw: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (APEX_ONLY.has(type)) {
          const zone = `k${i}.${ORIGIN}`;
          ownZone.push({ zone, label, rrset: rrset(zone, type, content) });
        } else {
          inZone.push({ zone: ORIGIN, label, rrset: rrset(`c${i}.${ORIGIN}`, type, content) });
        }
      });
      problems.push(...(await patch(ORIGIN, inZone)));
      for (const one of ownZone) {
        await createZone(one.zone);
        problems.push(...(await patch(one.zone, [one])));
      }
      const held = await contents(ORIGIN);
      for (const zone of new Set(ownZone.map((s) => s.zone))) for (const [k, v] of await contents(zone)) held.set(k, v);
      for (const { rrset: r, label } of [...inZone, ...ownZone]) {
        const back = held.get(`${r.name} ${r.type}`);
        const sentContent = r.records[0]?.content;
        if (back !== undefined && (back.length !== 1 || back[0] !== sentContent)) {
          problems.push(`${label}: sent ${JSON.stringify(sentContent)}, PowerDNS returned ${JSON.stringify(back)}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it(`refuses the ${REFUSED.length} spellings PowerDNS 4.7 cannot hold, with a reason; sent as is they fail or change`, async () => {
      const problems: string[] = [];
      for (const [i, [type, value, reason]] of REFUSED.entries()) {
        const label = `#${i} ${type} ${JSON.stringify(value)}`;
        try {
          const content = normaliseContent(type, value, ORIGIN);
          problems.push(`${label}: normalised to ${JSON.stringify(content)} instead of being refused`);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (!reason.test(message)) problems.push(`${label}: refused with ${JSON.stringify(message)}, expected ${String(reason)}`);
        }
        const name = `r${i}.${ORIGIN}`;
        const res = await api('PATCH', `/zones/${ORIGIN}`, { rrsets: [rrset(name, type, value)] });
        if (res.status === 204) {
          const back = (await contents(ORIGIN)).get(`${name} ${type}`);
          if (back?.length === 1 && back[0] === value) problems.push(`${label}: PowerDNS holds it as is, so the refusal is not needed`);
        } else if (res.status !== 422) {
          problems.push(`${label}: HTTP ${res.status} ${res.text}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it(`refuses the ${UNKNOWN_TO_PDNS.length} types PowerDNS 4.7 does not know, which it answers with "unknown type given"`, async () => {
      const problems: string[] = [];
      for (const [i, [type, value]] of UNKNOWN_TO_PDNS.entries()) {
        expect(() => normaliseContent(type, value, ORIGIN), type).to.throw(Error, `PowerDNS 4.7 does not support the ${type} type`);
        const res = await api('PATCH', `/zones/${ORIGIN}`, { rrsets: [rrset(`u${i}.${ORIGIN}`, type, value)] });
        const expected = `{"error": "RRset u${i}.${ORIGIN} IN ${type}: unknown type given"}`;
        if (res.status !== 422 || res.text !== expected) problems.push(`${type}: HTTP ${res.status} ${res.text}`);
      }
      expect(problems).to.deep.equal([]);
    });
  });
});
