/**
 * The metric prefix and every label value the daemon's metrics may carry. Label values are closed
 * sets on purpose: Prometheus keeps one series per combination, so nothing derived from input (a zone
 * name, an id, an error message) may ever become a label value. Listing them here also lets
 * `createMetrics` export every combination as 0 from the first scrape, so alerts and `rate()` see a
 * series before the first event (prometheus.io "avoid missing metrics").
 */

import { KEEP_REASONS, type KeepReason } from '../core/plan.js';
import { REFUSAL_CODES, type RefusalCode } from '../core/safety.js';
import { EVENT_SOURCES as INTAKE_SOURCES, IGNORE_REASONS, REJECT_REASONS, WEBHOOK_REJECT_REASONS } from '../intake/events/types.js';
import {
  FAILURE_REASONS, FULL_OUTCOMES, RRSET_ACTIONS, TRIGGERS, ZONE_OUTCOMES,
  type FailureReason, type FullOutcome, type RrsetAction, type Trigger, type ZoneOutcome,
} from '../reconcile/types.js';

/** Prefix of every metric this daemon exports. Rules and dashboards must use the same string. */
export const METRIC_PREFIX = 'netbox_pdns_';

/** Where an event came from: a NetBox webhook envelope on MQTT, a compact zone message, or POST /webhook. */
export const EVENT_SOURCES = [...INTAKE_SOURCES, 'webhook'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Why an incoming message was dropped as bad input: the interpreter's reasons plus the webhook's own checks. */
export const EVENT_REJECT_REASONS = [...REJECT_REASONS, ...WEBHOOK_REJECT_REASONS] as const;
export type EventRejectReason = (typeof EVENT_REJECT_REASONS)[number];

/** Why a well-formed event was deliberately not acted on. */
export const EVENT_IGNORE_REASONS = IGNORE_REASONS;
export type EventIgnoreReason = (typeof EVENT_IGNORE_REASONS)[number];

/** What asked for a zone task or a full reconcile (one vocabulary, reconcile/types.ts). */
export const TASK_TRIGGERS = TRIGGERS;
export type TaskTrigger = Trigger;
export const RECONCILE_TRIGGERS = TRIGGERS;
export type ReconcileTrigger = Trigger;

/**
 * How a zone task ended on a target. `refused` is a plan stopped by a safety check; `failed` an
 * error after the last retry (its reason goes to zone_task_failures_total); `skipped` a zone that
 * is not ours to touch or absent on both sides.
 */
export const TASK_OUTCOMES = ZONE_OUTCOMES;
export type TaskOutcome = ZoneOutcome;

export const TASK_FAILURE_REASONS = FAILURE_REASONS;
export type TaskFailureReason = FailureReason;

export const RECONCILE_OUTCOMES = FULL_OUTCOMES;
export type ReconcileOutcome = FullOutcome;

export { RRSET_ACTIONS, type RrsetAction };

/** Why rrsets are kept as PowerDNS holds them, and why plans are refused (core/). */
export { KEEP_REASONS, type KeepReason, REFUSAL_CODES, type RefusalCode };

/** The HTTP services we talk to (matches `Upstream` in util/errors.ts). */
export const UPSTREAMS = ['pdns', 'netbox'] as const;

/** Retry reasons the backoff wrapper reports; anything else is counted as `other`. */
export const RETRY_REASONS = ['http_5xx', 'http_429', 'timeout', 'network_error'] as const;

/** HTTP methods kept as label values; anything else is counted as `OTHER`. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Log levels the logger emits (util/log.ts). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevelLabel = (typeof LOG_LEVELS)[number];

/** True when `value` is one of `values`; narrows a free string to a label union. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
