/**
 * The plugin's side effects (P:netbox_dns/models/zone.py, record.py): the managed SOA and NS records,
 * the auto-serial, and auto-PTRs, each queueing the events NetBox would. Operations in store.ts call
 * these in the plugin's save order, which is what fixes the webhook order, e.g. for "create an A":
 * PTR created → reverse zone updated → reverse SOA updated → A created → zone updated → SOA updated.
 */
import { Db } from './db.js';
import type { EventKind, EventQueue } from './events.js';
import type { RecordRow, ZoneRow } from './model.js';
import { arpaNetwork, fqdnOf, networkContains, parseIp, ptrNameIn, type ArpaNetwork } from './names.js';
import { recordDump, zoneDump } from './dumps.js';
import { recordActive, recordRest, zoneRest } from './serialize.js';

export class Engine {
  readonly db = new Db();
  /** The current request's queue; null outside a request or when events are suppressed. */
  queue: EventQueue | null = null;
  /** Bulk loading: reverse-zone rescans are skipped and done once at the end. */
  deferPtrScan = false;
  /** zone id → its managed SOA record id. */
  private readonly soaByZone = new Map<number, number>();
  /** reverse zone id → the network it covers. */
  readonly reverseZones = new Map<number, ArpaNetwork>();

  constructor(public now: () => number) {}

  /** `ceil(now)` in Unix seconds: the plugin's `get_auto_serial`. */
  autoSerial(): number {
    return Math.ceil(this.now() / 1000);
  }

  zoneEvent(zone: ZoneRow, kind: EventKind, prechange: Record<string, unknown> | null): void {
    if (!this.queue) return;
    const frozen = kind === 'deleted' ? zoneRest(this.db, zone, '') : null;
    this.queue.add('netbox_dns.zone', zone.id, kind, kind === 'deleted' ? zoneDump(zone) : prechange, frozen);
  }

  recordEvent(record: RecordRow, kind: EventKind, prechange: Record<string, unknown> | null): void {
    if (!this.queue) return;
    const frozen = kind === 'deleted' ? recordRest(this.db, record, '') : null;
    const pre = kind === 'deleted' ? recordDump(this.db, record) : prechange;
    this.queue.add('netbox_dns.record', record.id, kind, pre, frozen);
  }

  /** Keeps the reverse-zone index in step with a zone's name and `rfc2317_prefix`. */
  indexZone(zone: ZoneRow): void {
    const net = arpaNetwork(zone.name, zone.rfc2317Prefix);
    if (net) this.reverseZones.set(zone.id, net);
    else this.reverseZones.delete(zone.id);
  }

  /** The SOA rdata with absolute names: `mname. rname. serial refresh retry expire minimum`. */
  soaValue(zone: ZoneRow): string {
    const mname = this.db.nameservers.get(zone.soaMnameId)?.name ?? 'invalid';
    const rname = zone.soaRname.endsWith('.') ? zone.soaRname : `${zone.soaRname}.`;
    return `${mname}. ${rname} ${zone.soaSerial} ${zone.soaRefresh} ${zone.soaRetry} ${zone.soaExpire} ${zone.soaMinimum}`;
  }

  /** Creates or rewrites the zone's managed SOA record (a side-effect save: prechange null). */
  writeSoa(zone: ZoneRow): void {
    const soaId = this.soaByZone.get(zone.id);
    const soa = soaId === undefined ? undefined : this.db.records.get(soaId);
    if (!soa) {
      const row = this.newRow(zone.id, 'SOA', '@', this.soaValue(zone), zone.soaTtl, true);
      this.soaByZone.set(zone.id, row.id);
      this.db.putRecord(row);
      this.recordEvent(row, 'created', null);
      return;
    }
    soa.value = this.soaValue(zone);
    soa.ttl = zone.soaTtl;
    soa.lastUpdated = this.now();
    this.db.version++;
    this.recordEvent(soa, 'updated', null);
  }

  /** The auto-serial after a record in the zone changed: new serial, zone saved, SOA rewritten. */
  touchZone(zone: ZoneRow | undefined): void {
    if (!zone || !zone.soaSerialAuto) return;
    zone.soaSerial = this.autoSerial();
    zone.lastUpdated = this.now();
    this.db.version++;
    this.zoneEvent(zone, 'updated', null); // the plugin saves without snapshot(): prechange null
    this.writeSoa(zone);
  }

  /** A record row with a fresh id (managed rows are the plugin's own). */
  newRow(zoneId: number, type: string, name: string, value: string, ttl: number | null, managed: boolean): RecordRow {
    const now = this.now();
    return {
      id: this.db.allocate('record'),
      zoneId,
      type,
      name,
      value,
      ttl,
      status: 'active',
      managed,
      disablePtr: false,
      ptrRecordId: null,
      description: '',
      created: now,
      lastUpdated: now,
    };
  }

  /** One managed NS record per zone nameserver (`value "ns.name."`, ttl null). */
  syncNs(zone: ZoneRow): void {
    const wanted = new Set(zone.nameserverIds.flatMap((id) => {
      const ns = this.db.nameservers.get(id);
      return ns ? [`${ns.name}.`] : [];
    }));
    for (const row of this.db.zoneRecords(zone.id)) {
      if (row.type !== 'NS' || !row.managed || row.name !== '@') continue;
      if (wanted.has(row.value)) wanted.delete(row.value);
      else this.dropRecordRow(row);
    }
    for (const value of wanted) {
      const row = this.newRow(zone.id, 'NS', '@', value, null, true);
      this.db.putRecord(row);
      this.recordEvent(row, 'created', null);
    }
  }

  /**
   * Saves a record the way `Record.save` does: PTR maintenance first, then the row itself, then the
   * zone's serial. `row.id` is 0 for a new record; its id is allocated after the PTR's (PTR pk < A pk).
   */
  saveRecord(row: RecordRow, prechange: Record<string, unknown> | null, touch: boolean): void {
    const created = row.id === 0;
    const deferred = created && this.deferPtrScan; // bulk load: one PTR pass at the end
    if (!deferred && (row.type === 'A' || row.type === 'AAAA' || row.ptrRecordId !== null)) this.syncPtr(row);
    if (created) row.id = this.db.allocate('record');
    row.lastUpdated = this.now();
    this.db.putRecord(row);
    if (row.ptrRecordId !== null) this.db.ptrOwner.set(row.ptrRecordId, row.id);
    this.recordEvent(row, created ? 'created' : 'updated', prechange);
    if (touch) this.touchZone(this.db.zones.get(row.zoneId));
  }

  /** Deletes a record (its PTR first); `touch` bumps its zone (false inside a zone cascade). */
  deleteRecord(row: RecordRow, touch: boolean): void {
    const ptr = row.ptrRecordId === null ? undefined : this.db.records.get(row.ptrRecordId);
    if (ptr) this.deletePtr(ptr);
    row.ptrRecordId = null;
    this.dropRecordRow(row);
    if (touch) this.touchZone(this.db.zones.get(row.zoneId));
  }

  /** Queues the delete event (data frozen first) and removes the row; owners of a PTR lose it (SET_NULL). */
  dropRecordRow(row: RecordRow): void {
    this.recordEvent(row, 'deleted', null);
    const ownerId = this.db.ptrOwner.get(row.id);
    const owner = ownerId === undefined ? undefined : this.db.records.get(ownerId);
    if (owner) owner.ptrRecordId = null;
    this.db.dropRecord(row.id);
  }

  /** Zone delete, step one: an A/AAAA's PTR (in another zone) goes first, bumping that zone. */
  removePtrOf(a: RecordRow): void {
    const ptr = a.ptrRecordId === null ? undefined : this.db.records.get(a.ptrRecordId);
    a.ptrRecordId = null;
    if (ptr) this.deletePtr(ptr);
  }

  private deletePtr(ptr: RecordRow): void {
    this.dropRecordRow(ptr);
    this.touchZone(this.db.zones.get(ptr.zoneId));
  }

  /** Where the A/AAAA's PTR should be, or null (inactive, disable_ptr, no reverse zone in the view). */
  private desiredPtr(a: RecordRow): { zone: ZoneRow; name: string; value: string } | null {
    if (this.reverseZones.size === 0) return null;
    if ((a.type !== 'A' && a.type !== 'AAAA') || a.disablePtr || !recordActive(this.db, a)) return null;
    const zone = this.db.zones.get(a.zoneId);
    const ip = parseIp(a.value);
    if (!zone || !ip) return null;
    let best: { zone: ZoneRow; net: ArpaNetwork } | null = null;
    for (const [id, net] of this.reverseZones) {
      if (best && net.length <= best.net.length) continue;
      const candidate = this.db.zones.get(id);
      if (candidate && candidate.viewId === zone.viewId && networkContains(net, ip)) best = { zone: candidate, net };
    }
    if (!best) return null;
    return { zone: best.zone, name: ptrNameIn(best.zone.name, best.net, ip), value: fqdnOf(a.name, zone.name) };
  }

  /** Creates, moves, updates or deletes the A/AAAA's managed PTR. Returns whether `ptrRecordId` changed. */
  syncPtr(a: RecordRow): boolean {
    const desired = this.desiredPtr(a);
    const before = a.ptrRecordId;
    const existing = before === null ? undefined : this.db.records.get(before);
    if (existing && desired && existing.zoneId === desired.zone.id) {
      if (existing.name !== desired.name || existing.value !== desired.value || existing.ttl !== a.ttl) {
        existing.name = desired.name;
        existing.value = desired.value;
        existing.ttl = a.ttl;
        existing.lastUpdated = this.now();
        this.db.putRecord(existing);
        this.recordEvent(existing, 'updated', null);
        this.touchZone(desired.zone);
      }
      return false;
    }
    if (existing) this.deletePtr(existing);
    a.ptrRecordId = null;
    if (desired) {
      const ptr = this.newRow(desired.zone.id, 'PTR', desired.name, desired.value, a.ttl, true);
      this.db.putRecord(ptr);
      if (a.id !== 0) this.db.ptrOwner.set(ptr.id, a.id);
      this.recordEvent(ptr, 'created', null);
      this.touchZone(desired.zone);
      a.ptrRecordId = ptr.id;
    }
    return a.ptrRecordId !== before;
  }

  /**
   * Re-evaluates PTRs of address records after reverse zones changed in a view (a reverse zone was
   * created, renamed or deleted). An A whose PTR moved is re-saved (event, prechange null), without
   * bumping its own zone: its own data did not change.
   */
  rescanPtrs(viewId: number): void {
    if (this.deferPtrScan) return;
    for (const id of [...this.db.addressRecords]) {
      const a = this.db.records.get(id);
      const zone = a ? this.db.zones.get(a.zoneId) : undefined;
      if (!a || !zone || zone.viewId !== viewId) continue;
      if (this.syncPtr(a)) {
        a.lastUpdated = this.now();
        if (a.ptrRecordId !== null) this.db.ptrOwner.set(a.ptrRecordId, a.id);
        this.recordEvent(a, 'updated', null);
      }
    }
  }

  /** Bulk-load finish: one PTR pass over every address record. */
  finishBulk(): void {
    this.deferPtrScan = false;
    for (const viewId of this.db.views.keys()) this.rescanPtrs(viewId);
  }
}
