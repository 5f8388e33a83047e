/**
 * The fake's in-memory tables and the indexes that keep list requests cheap at benchmark scale
 * (2,000 zones × 50 records): records per zone, zones by (view, name), address records, PTR owners.
 * No behaviour lives here beyond keeping indexes consistent; the plugin's rules are in store.ts.
 */
import type { KeyTemplateRow, NameserverRow, PolicyRow, RecordRow, ViewRow, ZoneRow } from './model.js';

export class Db {
  readonly views = new Map<number, ViewRow>();
  readonly nameservers = new Map<number, NameserverRow>();
  readonly zones = new Map<number, ZoneRow>();
  readonly records = new Map<number, RecordRow>();
  readonly keyTemplates = new Map<number, KeyTemplateRow>();
  readonly policies = new Map<number, PolicyRow>();
  /** zone id → its record ids. */
  readonly recordsByZone = new Map<number, Set<number>>();
  /** `${viewId}:${lower-case name}` → zone id (names are unique per view). */
  readonly zoneByKey = new Map<string, number>();
  /** managed PTR id → the A/AAAA record that owns it (`address_records`). */
  readonly ptrOwner = new Map<number, number>();
  /** ids of every A/AAAA record, to find candidates when a reverse zone appears or goes. */
  readonly addressRecords = new Set<number>();
  /** Bumped on every change so derived caches (sorted lists) know when to rebuild. */
  version = 0;
  private readonly next = { view: 1, nameserver: 1, zone: 1, record: 1, keyTemplate: 1, policy: 1 };

  /** Allocates an id, or claims a requested one (seed files may pin ids, e.g. our nameserver's). */
  allocate(kind: keyof Db['next'], wanted?: number): number {
    const id = wanted ?? this.next[kind];
    this.next[kind] = Math.max(this.next[kind], id + 1);
    return id;
  }

  zoneKey(viewId: number, name: string): string {
    return `${viewId}:${name.toLowerCase()}`;
  }

  putZone(zone: ZoneRow): void {
    this.zones.set(zone.id, zone);
    this.zoneByKey.set(this.zoneKey(zone.viewId, zone.name), zone.id);
    if (!this.recordsByZone.has(zone.id)) this.recordsByZone.set(zone.id, new Set());
    this.version++;
  }

  /** Changes a zone's name or view, keeping the (view, name) index right. */
  rekeyZone(zone: ZoneRow, name: string, viewId: number): void {
    this.zoneByKey.delete(this.zoneKey(zone.viewId, zone.name));
    zone.name = name;
    zone.viewId = viewId;
    this.zoneByKey.set(this.zoneKey(viewId, name), zone.id);
    this.version++;
  }

  dropZone(id: number): void {
    const zone = this.zones.get(id);
    if (!zone) return;
    this.zoneByKey.delete(this.zoneKey(zone.viewId, zone.name));
    this.zones.delete(id);
    this.recordsByZone.delete(id);
    this.version++;
  }

  putRecord(record: RecordRow): void {
    const previous = this.records.get(record.id);
    if (previous && previous.zoneId !== record.zoneId) this.recordsByZone.get(previous.zoneId)?.delete(record.id);
    this.records.set(record.id, record);
    this.recordsByZone.get(record.zoneId)?.add(record.id);
    if (record.type === 'A' || record.type === 'AAAA') this.addressRecords.add(record.id);
    else this.addressRecords.delete(record.id);
    this.version++;
  }

  /** Moves a record to another zone (the row is mutated in place). */
  moveRecord(record: RecordRow, zoneId: number): void {
    this.recordsByZone.get(record.zoneId)?.delete(record.id);
    record.zoneId = zoneId;
    this.recordsByZone.get(zoneId)?.add(record.id);
    this.version++;
  }

  dropRecord(id: number): void {
    const record = this.records.get(id);
    if (!record) return;
    this.records.delete(id);
    this.recordsByZone.get(record.zoneId)?.delete(id);
    this.addressRecords.delete(id);
    this.ptrOwner.delete(id);
    if (record.ptrRecordId !== null && this.ptrOwner.get(record.ptrRecordId) === id) {
      this.ptrOwner.delete(record.ptrRecordId);
    }
    this.version++;
  }

  /** Record rows of a zone (unordered). */
  zoneRecords(zoneId: number): RecordRow[] {
    const ids = this.recordsByZone.get(zoneId);
    const out: RecordRow[] = [];
    if (ids) for (const id of ids) {
      const row = this.records.get(id);
      if (row) out.push(row);
    }
    return out;
  }

  defaultView(): ViewRow {
    for (const view of this.views.values()) if (view.defaultView) return view;
    throw new Error('fake NetBox has no default view');
  }
}
