/**
 * Composition of the secondary serial checks from configuration: which target's zones are compared
 * (the first with a catalog zone, else the first) and against which secondaries (`secondaries`,
 * else the `also_notify` targets). No logic of its own.
 */
import type { Config } from '../config/index.js';
import type { HostPort } from '../config/replication.js';
import { createSecondaryChecker, type SecondaryChecker } from '../reconcile/secondary-check.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { Core } from './core.js';

export function buildSecondaryChecker(config: Config, core: Core, secondaries: readonly HostPort[], deps: { clock: Clock; logger: Logger }): SecondaryChecker | null {
  if (secondaries.length === 0 || config.secondary_check_interval <= 0) return null;
  const target = core.targets.find((t) => t.policy.catalog !== undefined) ?? core.targets[0];
  if (target === undefined) return null;
  return createSecondaryChecker({ target, secondaries, clock: deps.clock, logger: deps.logger, intervalMs: config.secondary_check_interval * 1000 });
}
