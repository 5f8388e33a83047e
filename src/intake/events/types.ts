/**
 * Result types of the event interpreter. An inbound message only *names* zones to look at (the
 * daemon is level-triggered), so the whole vocabulary is: these zones, everything, nothing (valid
 * but not ours), or nothing (invalid). Reason lists are const arrays so metrics can pre-create
 * every label value and dashboards see zeros from the first scrape.
 */
import type { ZoneName } from '../../core/types.js';

/** Why a message was dropped as invalid (counted, logged once at warn). */
export const REJECT_REASONS = [
  'too_large',
  'invalid_json',
  'invalid_shape',
  'topic_mismatch',
  'invalid_zone_name',
  'unknown_topic',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Reasons only POST /webhook produces, before a body is interpreted: a wrong signature or key, a
 * timestamp outside the freshness window, an exact repeat of an accepted body (intake/replay-guard.ts).
 */
export const WEBHOOK_REJECT_REASONS = ['bad_signature', 'stale', 'replayed'] as const;

/** Why a valid message needs no work from this daemon (counted, logged at debug). */
export const IGNORE_REASONS = ['other_nameserver', 'other_view', 'unsupported_model', 'unsupported_event'] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

/** Which of the two MQTT message forms a message came in. */
export const EVENT_SOURCES = ['netbox', 'compact'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** One zone the daemon must look at. */
export interface ZoneKey {
  zone: ZoneName;
  /**
   * True when this name may have to be deleted (a deleted zone, the old name of a renamed zone, a
   * zone that left our nameserver or view). Only a hint: the zone task re-reads NetBox and deletes
   * only zones it owns that NetBox no longer assigns to us.
   */
  removed?: boolean;
}

/** Zones to queue. `model` is `<app_label>.<model>` for NetBox envelopes and `zone` for compact messages. */
export interface ZonesInterpretation {
  kind: 'zones';
  zones: ZoneKey[];
  source: EventSource;
  model: string;
  event: string;
  requestId?: string;
  /** The NetBox user who made the change (the webhook's `username`, or `request.user` on NetBox 4.6+). */
  username?: string;
}

/** Something that may affect every zone changed (a nameserver or view, or a change we cannot pin down). */
export interface FullInterpretation {
  kind: 'full';
  reason: string;
  source: EventSource;
  model: string;
  event: string;
  requestId?: string;
  username?: string;
}

export interface IgnoredInterpretation {
  kind: 'ignored';
  reason: IgnoreReason;
  detail: string;
}

export interface RejectedInterpretation {
  kind: 'rejected';
  reason: RejectReason;
  detail: string;
}

export type Interpretation =
  | ZonesInterpretation
  | FullInterpretation
  | IgnoredInterpretation
  | RejectedInterpretation;

/** Configuration of one interpreter; fixed for the life of the daemon. */
export interface EventInterpreterOptions {
  /** Topic prefix of NetBox webhook envelopes, e.g. `netbox`. */
  eventsPrefix: string;
  /** Topic prefix of the original connector's compact zone messages, e.g. `dns/zones`. */
  compactPrefix: string;
  /** NetBox id of the nameserver this daemon serves (with one PowerDNS target). */
  nameserverId: number;
  /** NetBox view id to restrict to; unset means every view. */
  viewId?: number;
  /** With several PowerDNS targets: each one's nameserver (and view); replaces the two above. */
  scopes?: ReadonlyArray<{ nameserverId: number; viewId?: number }>;
  /** Payloads larger than this many bytes are rejected without being parsed. */
  maxPayloadBytes: number;
}

/** Helpers that build results, so every module spells them the same way. */
export function reject(reason: RejectReason, detail: string): RejectedInterpretation {
  return { kind: 'rejected', reason, detail };
}

export function ignore(reason: IgnoreReason, detail: string): IgnoredInterpretation {
  return { kind: 'ignored', reason, detail };
}
