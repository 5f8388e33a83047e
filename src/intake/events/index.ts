/** Public surface of the event intake (MQTT messages and HTTP webhook bodies → zone keys). */
export { createEventInterpreter, type EventInterpreter } from './interpreter.js';
export { validateWebhookEnvelope, type EnvelopeCheck } from './netbox-envelope.js';
export { webhookTopic } from './topics.js';
export type { WebhookEnvelope } from './schemas.js';
export {
  EVENT_SOURCES,
  IGNORE_REASONS,
  REJECT_REASONS,
  WEBHOOK_REJECT_REASONS,
  type EventInterpreterOptions,
  type EventSource,
  type FullInterpretation,
  type IgnoreReason,
  type IgnoredInterpretation,
  type Interpretation,
  type RejectReason,
  type RejectedInterpretation,
  type ZoneKey,
  type ZonesInterpretation,
} from './types.js';
