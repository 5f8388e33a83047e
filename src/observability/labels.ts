/**
 * The metric prefix and every label value the daemon's metrics may carry. Label values are closed
 * sets on purpose: Prometheus keeps one series per combination, so nothing derived from input (a zone
 * name, an id, an error message) may ever become a label value. Listing them here also lets
 * `createMetrics` export every combination as 0 from the first scrape, so alerts and `rate()` see a
 * series before the first event (prometheus.io "avoid missing metrics").
 */

import { EVENT_SOURCES as INTAKE_SOURCES, IGNORE_REASONS, REJECT_REASONS, WEBHOOK_REJECT_REASONS } from '../intake/events/types.js';

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

/** What put a zone task into the queue. */
export const TASK_TRIGGERS = ['event', 'reconcile', 'startup', 'api', 'cli'] as const;
export type TaskTrigger = (typeof TASK_TRIGGERS)[number];

/**
 * How a zone task ended. `refused` is a plan stopped by the safety thresholds; `failed` is an error
 * after the last retry (its reason goes to zone_task_failures_total).
 */
export const TASK_OUTCOMES = ['changed', 'unchanged', 'created', 'deleted', 'refused', 'failed'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** Why a zone task failed. */
export const TASK_FAILURE_REASONS = [
  'pdns_rejected',
  'pdns_unavailable',
  'netbox_unavailable',
  'auth',
  'lock_timeout',
  'unsafe_plan',
  'invalid_data',
  'internal',
] as const;
export type TaskFailureReason = (typeof TASK_FAILURE_REASONS)[number];

/** What started a full reconcile. */
export const RECONCILE_TRIGGERS = ['startup', 'cron', 'api', 'signal', 'cli', 'event', 'retry'] as const;
export type ReconcileTrigger = (typeof RECONCILE_TRIGGERS)[number];

/** How a full reconcile ended; `skipped` is a cron tick that found the previous run still going. */
export const RECONCILE_OUTCOMES = ['success', 'failure', 'refused', 'skipped'] as const;
export type ReconcileOutcome = (typeof RECONCILE_OUTCOMES)[number];

/** The kind of RRset change written to PowerDNS. */
export const RRSET_ACTIONS = ['create', 'update', 'delete'] as const;
export type RrsetAction = (typeof RRSET_ACTIONS)[number];

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
