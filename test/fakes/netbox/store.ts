/**
 * The fake NetBox's model and its public, synchronous manipulation API. Each operation behaves like
 * one NetBox API request: validation first (so a refused request changes nothing), then the plugin's
 * side effects (engine.ts), then the request's events are flushed, coalesced per object in first-seen
 * order. `batch(fn)` groups several operations into one request, like a script or bulk edit.
 */
import { randomUUID } from 'node:crypto';
import type { NetboxRecord, NetboxZone } from '../../../src/netbox/types.js';
import { Engine } from './engine.js';
import { EventQueue, pythonTimestamp, type BodyShape, type RequestInfo, type WebhookEnvelope } from './events.js';
import type { KeyTemplateInput, PolicyInput, RecordInput, RecordPatch, ZoneInput, ZonePatch, ZoneRef } from './model.js';
import * as dnssecOps from './dnssec-store.js';
import { FakeNetboxError, validationError } from './model.js';
import {
  applyRecordPatch,
  applyZonePatch,
  recordRowFromInput,
  resolveNameserver,
  resolveView,
  resolveZone,
  sortRecords,
  sortZones,
  zoneRowFromInput,
} from './rows.js';
import { eventObject } from './dumps.js';
import * as dumps from './dumps.js';
import * as ser from './serialize.js';

const API = '/api/plugins/netbox-dns';

export interface FakeNetboxStoreOptions {
  /** Wall clock in ms (serials, timestamps). Default `Date.now`. */
  now?: () => number;
  /** Webhook body shape. Default `4.5`. */
  bodyShape?: BodyShape;
  /** `username` in events. Default `admin`. */
  username?: string;
}

export interface RecordFilter {
  zone?: ZoneRef;
  type?: string;
  managed?: boolean;
}

export class FakeNetboxStore {
  readonly engine: Engine;
  bodyShape: BodyShape;
  readonly username: string;
  /** Every envelope emitted, in order (cleared by `clearEvents`). */
  readonly eventLog: WebhookEnvelope[] = [];
  private readonly listeners = new Set<(e: WebhookEnvelope) => void>();
  private depth = 0;
  private quiet = 0;

  constructor(opts: FakeNetboxStoreOptions = {}) {
    this.engine = new Engine(opts.now ?? Date.now);
    this.bodyShape = opts.bodyShape ?? '4.5';
    this.username = opts.username ?? 'admin';
    const now = this.engine.now();
    const db = this.engine.db;
    const id = db.allocate('view');
    db.views.set(id, { id, name: '_default_', description: 'Default View', defaultView: true, created: now, lastUpdated: now });
  }

  get db() {
    return this.engine.db;
  }

  /** Replaces the clock (e.g. a manual clock in tests). */
  setClock(now: () => number): void {
    this.engine.now = now;
  }

  onEvent(listener: (envelope: WebhookEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearEvents(): void {
    this.eventLog.length = 0;
  }

  /**
   * Runs `fn` as one request: nested calls join the outer request. On an exception the queued events
   * are dropped (NetBox's `clear_events` on an aborted transaction) and the error rethrown.
   */
  request<T>(info: Partial<RequestInfo>, fn: () => T): T {
    if (this.depth > 0) return fn();
    const request: RequestInfo = { id: info.id ?? randomUUID(), method: info.method ?? 'POST', path: info.path ?? `${API}/`, user: info.user ?? this.username };
    this.engine.queue = this.quiet > 0 ? null : new EventQueue(request);
    this.depth++;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.engine.queue = null;
      throw err;
    } finally {
      this.depth--;
    }
    const queue = this.engine.queue;
    this.engine.queue = null;
    if (queue) this.flush(queue);
    return result;
  }

  /** Groups several operations into one request (one coalesced event flush). */
  batch<T>(fn: () => T, info: Partial<RequestInfo> = {}): T {
    return this.request(info, fn);
  }

  /** Runs `fn` with no events at all (like `nbshell`). */
  quietly<T>(fn: () => T): T {
    this.quiet++;
    try {
      return this.request({}, fn);
    } finally {
      this.quiet--;
    }
  }

  /** Fast path for big data sets: no events, and PTRs are resolved in one pass at the end. */
  bulkLoad<T>(fn: () => T): T {
    this.engine.deferPtrScan = true;
    try {
      return this.quietly(fn);
    } finally {
      this.engine.finishBulk();
    }
  }

  private flush(queue: EventQueue): void {
    const envelopes = queue.envelopes((type, id) => eventObject(this.db, type, id), this.bodyShape, pythonTimestamp(this.engine.now()));
    for (const envelope of envelopes) {
      this.eventLog.push(envelope);
      for (const listener of this.listeners) listener(envelope);
    }
  }

  createView(input: { id?: number; name: string; description?: string }): ser.Json {
    return this.request({ method: 'POST', path: `${API}/views/` }, () => {
      const db = this.db;
      if ([...db.views.values()].some((v) => v.name === input.name)) throw validationError('name', 'View with this Name already exists.');
      const now = this.engine.now();
      const view = { id: db.allocate('view', input.id), name: input.name, description: input.description ?? '', defaultView: false, created: now, lastUpdated: now };
      db.views.set(view.id, view);
      this.engine.queue?.add('netbox_dns.view', view.id, 'created', null);
      return ser.viewBrief(view, '');
    });
  }

  createNameserver(input: { id?: number; name: string; description?: string }): ser.Json {
    return this.request({ method: 'POST', path: `${API}/nameservers/` }, () => {
      const db = this.db;
      const name = input.name.replace(/\.$/, '');
      if ([...db.nameservers.values()].some((n) => n.name.toLowerCase() === name.toLowerCase())) {
        throw validationError('name', 'NameServer with this Name already exists.');
      }
      if (input.id !== undefined && db.nameservers.has(input.id)) throw validationError('id', `id ${input.id} is taken`);
      const now = this.engine.now();
      const ns = { id: db.allocate('nameserver', input.id), name, description: input.description ?? '', created: now, lastUpdated: now };
      db.nameservers.set(ns.id, ns);
      this.engine.queue?.add('netbox_dns.nameserver', ns.id, 'created', null);
      return ser.nameserverBrief(ns, '');
    });
  }

  /** Creates a zone with its managed SOA and NS records; a reverse zone picks up matching A/AAAA PTRs. */
  createZone(input: ZoneInput): NetboxZone {
    const id = this.addZone(input);
    return ser.zoneRest(this.db, this.zoneRow(id), '');
  }

  /** `createZone` without serialising the result (the bulk-load path); returns the new id. */
  addZone(input: ZoneInput): number {
    return this.request({ method: 'POST', path: `${API}/zones/` }, () => {
      const e = this.engine;
      const zone = zoneRowFromInput(e, input);
      e.db.putZone(zone);
      e.indexZone(zone);
      e.zoneEvent(zone, 'created', null);
      e.writeSoa(zone);
      e.syncNs(zone);
      if (e.reverseZones.has(zone.id)) e.rescanPtrs(zone.viewId);
      return zone.id;
    });
  }

  /** PATCH a zone: rename re-saves every record (new fqdn); a status change only moves PTRs. */
  updateZone(id: number, patch: ZonePatch): NetboxZone {
    return this.request({ method: 'PATCH', path: `${API}/zones/${id}/` }, () => {
      const e = this.engine;
      const zone = this.zoneRow(id);
      const prechange = dumps.zoneDump(zone);
      const wasActive = ser.zoneActive(zone);
      const wasReverse = e.reverseZones.has(zone.id);
      const change = applyZonePatch(e, zone, patch);
      zone.lastUpdated = e.now();
      e.db.version++;
      e.zoneEvent(zone, 'updated', prechange);
      if (change.significant && zone.soaSerialAuto) zone.soaSerial = e.autoSerial();
      if (change.significant) e.writeSoa(zone);
      if (change.nameservers) e.syncNs(zone);
      if (change.renamed) {
        for (const row of e.db.zoneRecords(zone.id).sort((a, b) => a.id - b.id)) {
          if (row.type === 'A' || row.type === 'AAAA') e.syncPtr(row);
          row.lastUpdated = e.now();
          e.recordEvent(row, 'updated', null);
        }
      } else if (wasActive !== ser.zoneActive(zone)) {
        for (const row of e.db.zoneRecords(zone.id)) {
          if ((row.type === 'A' || row.type === 'AAAA') && e.syncPtr(row)) e.recordEvent(row, 'updated', null);
        }
      }
      e.indexZone(zone);
      if (wasReverse || e.reverseZones.has(zone.id)) e.rescanPtrs(zone.viewId);
      return ser.zoneRest(e.db, zone, '');
    });
  }

  /** Deletes a zone: its A/AAAA PTRs elsewhere first, then its records, then the zone itself. */
  deleteZone(id: number): void {
    this.request({ method: 'DELETE', path: `${API}/zones/${id}/` }, () => {
      const e = this.engine;
      const zone = this.zoneRow(id);
      const rows = e.db.zoneRecords(id).sort((a, b) => a.id - b.id);
      for (const row of rows) if (row.ptrRecordId !== null) e.removePtrOf(row);
      for (const row of rows) if (e.db.records.has(row.id)) e.dropRecordRow(row);
      e.zoneEvent(zone, 'deleted', null);
      e.db.dropZone(id);
      const wasReverse = e.reverseZones.delete(id);
      if (wasReverse) e.rescanPtrs(zone.viewId);
    });
  }

  /** Creates a record: PTR (if any) first, then the record, then the zone's serial. */
  createRecord(input: RecordInput): NetboxRecord {
    const id = this.addRecord(input);
    return ser.recordRest(this.db, this.recordRow(id), '');
  }

  /** `createRecord` without serialising the result (the bulk-load path); returns the new id. */
  addRecord(input: RecordInput): number {
    return this.request({ method: 'POST', path: `${API}/records/` }, () => {
      const row = recordRowFromInput(this.engine, input);
      this.engine.saveRecord(row, null, true);
      return row.id;
    });
  }

  updateRecord(id: number, patch: RecordPatch): NetboxRecord {
    return this.request({ method: 'PATCH', path: `${API}/records/${id}/` }, () => {
      const e = this.engine;
      const row = this.recordRow(id);
      if (row.managed) throw new FakeNetboxError(400, [`${ser.recordDisplay(e.db, row)} is managed, refusing update`]);
      const prechange = dumps.recordDump(e.db, row);
      const oldZoneId = row.zoneId;
      applyRecordPatch(e, row, patch);
      e.saveRecord(row, prechange, true);
      if (row.zoneId !== oldZoneId) e.touchZone(e.db.zones.get(oldZoneId));
      return ser.recordRest(e.db, row, '');
    });
  }

  deleteRecord(id: number): void {
    this.request({ method: 'DELETE', path: `${API}/records/${id}/` }, () => {
      const e = this.engine;
      const row = this.recordRow(id);
      if (row.managed) throw new FakeNetboxError(400, [`${ser.recordDisplay(e.db, row)} is managed, refusing deletion`]);
      e.deleteRecord(row, true);
    });
  }

  // DNSSEC key templates and policies (dnssec-store.ts), each one request like the rest.
  createKeyTemplate(input: KeyTemplateInput): ser.Json {
    return dnssecOps.createKeyTemplate(this, input);
  }

  updateKeyTemplate(id: number, patch: Partial<KeyTemplateInput>): ser.Json {
    return dnssecOps.updateKeyTemplate(this, id, patch);
  }

  deleteKeyTemplate(id: number): void {
    dnssecOps.deleteKeyTemplate(this, id);
  }

  createDnssecPolicy(input: PolicyInput): ser.Json {
    return dnssecOps.createDnssecPolicy(this, input);
  }

  updateDnssecPolicy(id: number, patch: Partial<PolicyInput>): ser.Json {
    return dnssecOps.updateDnssecPolicy(this, id, patch);
  }

  deleteDnssecPolicy(id: number): void {
    dnssecOps.deleteDnssecPolicy(this, id);
  }

  /** The zone row, or 404 as the API would answer. */
  zoneRow(id: number) {
    const zone = this.db.zones.get(id);
    if (!zone) throw new FakeNetboxError(404, { detail: 'No Zone matches the given query.' });
    return zone;
  }

  recordRow(id: number) {
    const row = this.db.records.get(id);
    if (!row) throw new FakeNetboxError(404, { detail: 'No Record matches the given query.' });
    return row;
  }

  getZone(id: number): NetboxZone | undefined {
    const zone = this.db.zones.get(id);
    return zone ? ser.zoneRest(this.db, zone, '') : undefined;
  }

  /** A zone by name (in the default view unless `view` is given). */
  findZone(name: string, view?: number | string): NetboxZone | undefined {
    const viewId = resolveView(this.engine, view).id;
    const id = this.db.zoneByKey.get(this.db.zoneKey(viewId, name.replace(/\.$/, '')));
    return id === undefined ? undefined : this.getZone(id);
  }

  getRecord(id: number): NetboxRecord | undefined {
    const row = this.db.records.get(id);
    return row ? ser.recordRest(this.db, row, '') : undefined;
  }

  /** Zones in NetBox's default order (view, name); relative URLs. */
  listZones(): NetboxZone[] {
    return this.zoneRowsSorted().map((z) => ser.zoneRest(this.db, z, ''));
  }

  /** Records in NetBox's default order, optionally of one zone / type / managed flag. */
  listRecords(filter: RecordFilter = {}): NetboxRecord[] {
    const zoneId = filter.zone === undefined ? undefined : resolveZone(this.engine, filter.zone).id;
    let rows = zoneId === undefined ? [...this.db.records.values()] : this.db.zoneRecords(zoneId);
    if (filter.type !== undefined) rows = rows.filter((r) => r.type === filter.type?.toUpperCase());
    if (filter.managed !== undefined) rows = rows.filter((r) => r.managed === filter.managed);
    return sortRecords(this.db, rows).map((r) => ser.recordRest(this.db, r, ''));
  }

  zoneRowsSorted() {
    return sortZones(this.db, [...this.db.zones.values()]);
  }

  /** Resolves a nameserver by id or name (404-style error when unknown). */
  nameserverId(ref: number | string): number {
    return resolveNameserver(this.engine, ref).id;
  }
}
