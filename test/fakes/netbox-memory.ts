/**
 * The engine's `NetboxSource` over the fake NetBox's store, without HTTP: the same model (auto
 * serial, managed SOA/NS and PTRs, active flags) read the way the real client reads it, for fast
 * component tests. Reads can be failed, emptied or held, and are counted.
 */
import type { SourceDnssecPolicy } from '../../src/core/dnssec/types.js';
import { policyRest } from './netbox/dnssec.js';
import type { NetboxSource } from '../../src/netbox/source.js';
import type { NetboxRecord, NetboxZone } from '../../src/netbox/types.js';
import { UpstreamError } from '../../src/util/errors.js';
import type { FakeNetboxStore } from './netbox/index.js';

export type NetboxRead = 'listZones' | 'findZones' | 'listRecords' | 'listRecordsByZoneName' | 'zonesWithRecordsChangedSince';

export class MemoryNetbox implements NetboxSource {
  readonly reads: NetboxRead[] = [];
  private readonly faults = new Map<NetboxRead, Array<Error | 'empty'>>();
  private readonly gates = new Map<NetboxRead, Array<{ name?: string; wait: () => Promise<void> }>>();

  constructor(readonly store: FakeNetboxStore, readonly nameserverId: number) {}

  /** The next reads of `what` fail with `error`, or answer nothing (`empty`), in order. */
  failNext(what: NetboxRead, ...outcomes: Array<Error | 'empty'>): void {
    this.faults.set(what, [...(this.faults.get(what) ?? []), ...outcomes]);
  }

  /**
   * The next read of `what` (of the zone named `name`, without a trailing dot, when given: a by-name
   * read) waits until released.
   */
  hold(what: NetboxRead, name?: string): { reached: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    let reached = (): void => undefined;
    const wait = new Promise<void>((resolve) => { release = resolve; });
    const arrived = new Promise<void>((resolve) => { reached = resolve; });
    this.gates.set(what, [...(this.gates.get(what) ?? []), { ...(name !== undefined ? { name } : {}), wait: async () => { reached(); await wait; } }]);
    return { reached: arrived, release };
  }

  static unavailable(): UpstreamError {
    return new UpstreamError('NetBox GET /api/plugins/netbox-dns/zones/: HTTP 503: Service Unavailable', 'netbox', 'transient', { operation: 'listNetboxZones', status: 503 });
  }

  /** `names`: the zones a read is for (a batched read names several; a gate for one of them holds it). */
  private async enter(what: NetboxRead, names?: readonly string[]): Promise<'empty' | null> {
    this.reads.push(what);
    const gates = this.gates.get(what) ?? [];
    const i = gates.findIndex((g) => g.name === undefined || (names ?? []).map((n) => n.replace(/\.$/, '')).includes(g.name));
    if (i >= 0) await gates.splice(i, 1)[0]?.wait();
    const fault = this.faults.get(what)?.shift();
    if (fault instanceof Error) throw fault;
    return fault ?? null;
  }

  private ours(): NetboxZone[] {
    return this.store.listZones().filter((z) => z.nameservers.some((ns) => ns.id === this.nameserverId));
  }

  private records(zoneId: number): NetboxRecord[] {
    return this.store.listRecords({ zone: zoneId }).filter((r) => r.active);
  }

  async listZones(): Promise<NetboxZone[]> {
    return (await this.enter('listZones')) === 'empty' ? [] : this.ours();
  }

  async findZones(names: string[]): Promise<NetboxZone[]> {
    if ((await this.enter('findZones', names)) === 'empty') return [];
    const wanted = new Set(names.map((n) => n.replace(/\.$/, '').toLowerCase()));
    return this.ours().filter((z) => wanted.has(z.name.toLowerCase()));
  }

  async listRecords(zoneIds: number[]): Promise<Map<number, NetboxRecord[]>> {
    const empty = (await this.enter('listRecords')) === 'empty';
    // Like the client: a zone deleted since it was listed has no entry (its records are unknown).
    return new Map(zoneIds.filter((id) => this.store.db.zones.has(id)).map((id) => [id, empty ? [] : this.records(id)] as const));
  }

  async getDnssecPolicy(id: number): Promise<SourceDnssecPolicy> {
    const row = this.store.db.policies.get(id);
    if (!row) throw new UpstreamError(`NetBox: no DNSSEC policy ${id}`, 'netbox', 'terminal', { operation: 'getNetboxDnssecPolicy', status: 404 });
    return policyRest(this.store.db, row, '') as unknown as SourceDnssecPolicy;
  }

  async listDnssecPolicies(): Promise<SourceDnssecPolicy[]> {
    return [...this.store.db.policies.values()].map((p) => policyRest(this.store.db, p, '') as unknown as SourceDnssecPolicy);
  }

  async listRecordsByZoneName(names: string[]): Promise<NetboxRecord[] | null> {
    const empty = (await this.enter('listRecordsByZoneName', names)) === 'empty';
    const all = this.store.listZones();
    // Like NetBox's ModelMultipleChoiceFilter: one unknown name fails the whole request.
    if (names.some((name) => !all.some((z) => z.name === name))) return null;
    const zones = all.filter((z) => names.includes(z.name));
    return empty ? [] : zones.flatMap((z) => this.records(z.id));
  }

  async zonesWithRecordsChangedSince(since: Date): Promise<Set<number>> {
    const empty = (await this.enter('zonesWithRecordsChangedSince')) === 'empty';
    if (empty) return new Set();
    return new Set(this.store.listRecords().filter((r) => Date.parse(r.last_updated ?? '') >= since.getTime()).map((r) => r.zone.id));
  }
}
