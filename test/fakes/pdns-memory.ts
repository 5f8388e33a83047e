/**
 * A strict in-memory PowerDNS behind the engine's `PdnsApi` interface, for fast component tests
 * (in the spirit of external-dns's in-memory provider). It enforces what the real 4.7 server does
 * (powerdns-api.md §3): canonical names, zones created once (409), apex NS either in `nameservers`
 * or in rrsets, PATCHes atomic and refused (422) for duplicate REPLACEs, out-of-zone names and
 * CNAME conflicts, REPLACE without `comments` keeping the comments. The serial is always the one
 * written (the daemon's zones use `soa_edit_api: ""`). It is stricter where our plans must never
 * go: deleting the apex SOA is refused. Faults
 * and content refusals can be injected, and every call is logged.
 */
import { UpstreamError } from '../../src/util/errors.js';
import type {
  PdnsApi, PdnsComment, PdnsCryptokey, PdnsMetadata, PdnsRRset, PdnsRRsetChange, PdnsTsigKey, PdnsZone, PdnsZoneCreate, PdnsZoneFields, PdnsZoneSummary,
} from '../../src/pdns/types.js';

export interface PdnsCall {
  op: 'listZones' | 'getZone' | 'createZone' | 'patchRRsets' | 'updateZone' | 'deleteZone' | 'notify' | 'serverInfo'
    | 'getMetadata' | 'setMetadata' | 'getTsigKey' | 'putTsigKey' | 'bumpSerial';
  zone?: string;
  changes?: PdnsRRsetChange[];
  fields?: PdnsZoneFields;
}

type Gate = () => Promise<void>;

const lower = (n: string): string => n.toLowerCase();
const refusal = (op: string, message: string): UpstreamError =>
  new UpstreamError(`PowerDNS ${op}: HTTP 422: ${message}`, 'pdns', 'terminal', { operation: op, status: 422, body: message });

export class MemoryPdns implements PdnsApi {
  readonly zones = new Map<string, PdnsZone>();
  readonly calls: PdnsCall[] = [];
  /** Zone metadata by zone, then kind. */
  readonly metadata = new Map<string, Map<string, string[]>>();
  readonly tsigKeys = new Map<string, PdnsTsigKey>();
  /** Unix seconds for EPOCH serial bumps. */
  nowSeconds = (): number => Math.floor(Date.now() / 1000);
  /** Errors thrown by the next calls of an operation, in order. */
  private readonly faults = new Map<PdnsCall['op'], Error[]>();
  /** Content PowerDNS "cannot parse": a REPLACE holding it is refused with this message. */
  private readonly refused = new Map<string, string>();
  /** Blocks the next call of an operation until the returned function is called. */
  private readonly gates = new Map<PdnsCall['op'], Gate[]>();

  failNext(op: PdnsCall['op'], ...errors: Error[]): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...errors]);
  }

  refuseContent(content: string, message: string): void {
    this.refused.set(content, message);
  }

  /** The next call of `op` waits until the returned release function is called. */
  hold(op: PdnsCall['op']): { reached: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    let reached = (): void => undefined;
    const wait = new Promise<void>((resolve) => { release = resolve; });
    const arrived = new Promise<void>((resolve) => { reached = resolve; });
    this.gates.set(op, [...(this.gates.get(op) ?? []), async () => { reached(); await wait; }]);
    return { reached: arrived, release };
  }

  writes(): PdnsCall[] {
    return this.calls.filter((c) => !['listZones', 'getZone', 'serverInfo', 'getMetadata', 'getTsigKey'].includes(c.op));
  }

  private async enter(call: PdnsCall): Promise<void> {
    this.calls.push(call);
    const gate = this.gates.get(call.op)?.shift();
    if (gate) await gate();
    const fault = this.faults.get(call.op)?.shift();
    if (fault) throw fault;
  }

  private zone(name: string): PdnsZone | undefined {
    return this.zones.get(lower(name.endsWith('.') ? name : `${name}.`));
  }

  // No backend DNSSEC switch here: key calls answer as PowerDNS does without it.
  async listCryptokeys(zone: string): Promise<PdnsCryptokey[]> {
    if (!this.zone(zone)) throw new UpstreamError('PowerDNS listCryptokeys: HTTP 404', 'pdns', 'terminal', { operation: 'listCryptokeys', status: 404 });
    return [];
  }

  async createCryptokey(): Promise<PdnsCryptokey> {
    throw refusal('createCryptokey', 'Adding key failed, perhaps DNSSEC not enabled in configuration?');
  }

  async setCryptokey(): Promise<void> {
    throw new UpstreamError('PowerDNS setCryptokey: HTTP 404', 'pdns', 'terminal', { operation: 'setCryptokey', status: 404 });
  }

  async deleteCryptokey(): Promise<void> {
    return undefined;
  }

  async rectify(): Promise<void> {
    return undefined;
  }

  async setSigning(): Promise<void> {
    throw refusal('setSigning', 'zone is not DNSSEC secured.');
  }

  async serverInfo(): Promise<{ version: string }> {
    await this.enter({ op: 'serverInfo' });
    return { version: 'memory' };
  }

  async listZones(): Promise<PdnsZoneSummary[]> {
    await this.enter({ op: 'listZones' });
    return [...this.zones.values()].map(({ id, name, kind, serial, account }) => ({ id, name, kind, serial, account }));
  }

  async getZone(zone: string): Promise<PdnsZone | null> {
    await this.enter({ op: 'getZone', zone });
    const z = this.zone(zone);
    return z ? structuredClone(z) : null;
  }

  async createZone(spec: PdnsZoneCreate): Promise<'created' | 'exists'> {
    await this.enter({ op: 'createZone', zone: spec.name, changes: spec.rrsets });
    if (!spec.name.endsWith('.')) throw refusal('createZone', `DNS Name '${spec.name}' is not canonical`);
    if (this.zone(spec.name)) return 'exists';
    const name = lower(spec.name);
    const hasApexNs = spec.rrsets.some((r) => lower(r.name) === name && r.type === 'NS');
    if (spec.nameservers.length > 0 && hasApexNs) throw refusal('createZone', 'Nameservers list MUST NOT be mixed with zone-level NS in rrsets');
    const zone: PdnsZone = {
      id: name, name, kind: spec.kind, account: spec.account, serial: 0, soa_edit_api: spec.soa_edit_api, rrsets: [],
      catalog: spec.catalog ?? '', master_tsig_key_ids: spec.master_tsig_key_ids ?? [],
    };
    // POST is atomic on 422, like PATCH.
    const rrsets = this.applied(zone, spec.rrsets.map((r) => ({ ...r, changetype: 'REPLACE' as const })), 'createZone');
    zone.rrsets = rrsets;
    zone.serial = this.serialOf(zone);
    this.zones.set(name, zone);
    return 'created';
  }

  async patchRRsets(zone: string, changes: PdnsRRsetChange[]): Promise<void> {
    await this.enter({ op: 'patchRRsets', zone, changes });
    const z = this.zone(zone);
    if (!z) throw new UpstreamError(`PowerDNS PATCH /zones/${zone}: HTTP 404: Not Found`, 'pdns', 'zone-missing', { operation: 'patchZone', status: 404 });
    if (changes.length === 0) throw refusal('patchZone', 'No rrsets given in update request');
    const replaces = new Set<string>();
    for (const c of changes) {
      const key = `${lower(c.name)} ${c.type}`;
      if (c.changetype === 'REPLACE' && replaces.has(key)) throw refusal('patchZone', `Duplicate RRset ${c.name} IN ${c.type} with changetype: REPLACE`);
      if (c.changetype === 'REPLACE') replaces.add(key);
      if (c.changetype === 'DELETE' && c.type === 'SOA' && lower(c.name) === z.name) throw new Error('strict fake: a plan must never delete the apex SOA');
    }
    z.rrsets = this.applied(z, changes, 'patchZone');
    z.serial = this.serialOf(z);
  }

  async updateZone(zone: string, fields: PdnsZoneFields): Promise<void> {
    await this.enter({ op: 'updateZone', zone, fields });
    const z = this.zone(zone);
    if (!z) throw new UpstreamError(`PowerDNS PUT /zones/${zone}: HTTP 404: Not Found`, 'pdns', 'zone-missing', { operation: 'updateZone', status: 404 });
    if (fields.account !== undefined) z.account = fields.account;
    if (fields.kind !== undefined) z.kind = fields.kind.toLowerCase() === 'primary' ? 'Master' : fields.kind;
    if (fields.soa_edit_api !== undefined) z.soa_edit_api = fields.soa_edit_api;
    if (fields.catalog !== undefined) z.catalog = fields.catalog;
    if (fields.master_tsig_key_ids !== undefined) z.master_tsig_key_ids = fields.master_tsig_key_ids;
  }

  async getMetadata(zone: string): Promise<PdnsMetadata[]> {
    await this.enter({ op: 'getMetadata', zone });
    return [...(this.metadata.get(lower(zone)) ?? new Map<string, string[]>())].map(([kind, metadata]) => ({ kind, metadata: [...metadata] }));
  }

  async setMetadata(zone: string, kind: string, values: string[]): Promise<void> {
    await this.enter({ op: 'setMetadata', zone });
    const m = this.metadata.get(lower(zone)) ?? new Map<string, string[]>();
    if (values.length === 0) m.delete(kind);
    else m.set(kind, [...values]);
    this.metadata.set(lower(zone), m);
  }

  async getTsigKey(name: string): Promise<PdnsTsigKey | null> {
    await this.enter({ op: 'getTsigKey' });
    const key = this.tsigKeys.get(name);
    return key ? { ...key } : null;
  }

  async putTsigKey(key: PdnsTsigKey): Promise<void> {
    await this.enter({ op: 'putTsigKey' });
    this.tsigKeys.set(key.name, { ...key });
  }

  async bumpSerial(zone: string): Promise<void> {
    await this.enter({ op: 'bumpSerial', zone });
    const z = this.zone(zone);
    if (!z) throw new UpstreamError(`PowerDNS PATCH /zones/${zone}: HTTP 404: Not Found`, 'pdns', 'zone-missing', { operation: 'bumpSerial', status: 404 });
    if (z.soa_edit_api === 'EPOCH') z.serial = this.nowSeconds();
  }

  async deleteZone(zone: string): Promise<void> {
    await this.enter({ op: 'deleteZone', zone });
    this.zones.delete(lower(zone.endsWith('.') ? zone : `${zone}.`));
  }

  async notify(zone: string): Promise<void> {
    await this.enter({ op: 'notify', zone });
  }

  /** The rrsets after applying `changes` in order, or a 422 (nothing applied). */
  private applied(zone: PdnsZone, changes: PdnsRRsetChange[], op: string): PdnsRRset[] {
    const rrsets = new Map<string, PdnsRRset>(zone.rrsets.map((r) => [`${r.name} ${r.type}`, structuredClone(r)]));
    for (const c of changes) {
      const name = lower(c.name);
      if (!c.name.endsWith('.')) throw refusal(op, `DNS Name '${c.name}' is not canonical`);
      if (name !== zone.name && !name.endsWith(`.${zone.name}`)) throw refusal(op, `RRset ${c.name} IN ${c.type}: Name is out of zone`);
      const key = `${name} ${c.type}`;
      if (c.changetype === 'DELETE' || (c.records ?? []).length === 0) {
        rrsets.delete(key);
        continue;
      }
      for (const record of c.records ?? []) {
        const message = this.refused.get(record.content);
        if (message) throw refusal(op, `Record ${c.name}/${c.type} '${record.content}': ${message}`);
      }
      const others = [...rrsets.values()].filter((r) => r.name === name && r.type !== c.type);
      if ((c.type === 'CNAME' && others.length > 0) || (c.type !== 'CNAME' && others.some((r) => r.type === 'CNAME'))) {
        throw refusal(op, `RRset ${c.name} IN ${c.type}: Conflicts with pre-existing RRset`);
      }
      const previous = rrsets.get(key);
      const comments: PdnsComment[] = c.comments ?? previous?.comments ?? [];
      rrsets.set(key, { name, type: c.type, ttl: c.ttl ?? 0, records: (c.records ?? []).map((r) => ({ ...r })), comments });
    }
    return [...rrsets.values()];
  }

  private serialOf(zone: PdnsZone): number {
    const soa = zone.rrsets.find((r) => r.type === 'SOA' && r.name === zone.name);
    return Number(soa?.records[0]?.content.split(' ')[2] ?? 0);
  }

  /** Test arrangement: an rrset as a hand (or an ACME client) would add it. */
  put(zone: string, rrset: { name: string; type: string; ttl?: number; records: string[]; comments?: PdnsComment[] }): void {
    const z = this.zone(zone);
    if (!z) throw new Error(`no zone ${zone}`);
    z.rrsets = z.rrsets.filter((r) => !(r.name === rrset.name && r.type === rrset.type));
    z.rrsets.push({ name: rrset.name, type: rrset.type, ttl: rrset.ttl ?? 300, records: rrset.records.map((content) => ({ content, disabled: false })), comments: rrset.comments ?? [] });
  }

  rrset(zone: string, name: string, type: string): PdnsRRset | undefined {
    return this.zone(zone)?.rrsets.find((r) => r.name === name && r.type === type);
  }
}
