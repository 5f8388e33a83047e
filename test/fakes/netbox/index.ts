/** The fake NetBox's public surface: import from here, not from the individual files. */
export { startFakeNetbox, authenticate, FAKE_NETBOX_TOKEN, FAKE_NETBOX_V2_TOKEN } from './server.js';
export type { FakeNetbox, FakeNetboxOptions, PageRequest, RequestLogEntry } from './server.js';
export { FakeNetboxStore } from './store.js';
export type { FakeNetboxStoreOptions, RecordFilter } from './store.js';
export { signWebhook, serializeWebhook, pythonTimestamp } from './events.js';
export type { BodyShape, EventKind, ObjectType, RequestInfo, WebhookEnvelope } from './events.js';
export type { Fault, FaultControl } from './faults.js';
export { FakeNetboxError } from './model.js';
export type { RecordInput, RecordPatch, ZoneInput, ZonePatch, ZoneRef, NameserverRef, ViewRef } from './model.js';
export { loadSeed, bulkLoad, readSeedFile, syntheticSeed, syntheticAddress, syntheticReverseCount } from './seed.js';
export type { Seed, SeedZone, SeedRecord, SeedSummary, SyntheticSeedOptions } from './seed.js';
export type { Json } from './serialize.js';
