/**
 * Periodic SOA serial checks of the secondaries: for every zone we own on the primary target (the
 * catalog included), the serial each secondary serves over DNS against the primary's (from one
 * zone listing). A zone lags on a secondary while its serial there is older (RFC 1982 arithmetic) or
 * it does not serve the zone at all. Only DNS queries: a secondary's API is never used (it may not
 * have one). /status shows the lagging zones and since when; the metric counts them.
 */
import type { HostPort } from '../config/replication.js';
import { formatHostPort } from '../config/replication.js';
import { querySoa, type SoaAnswer } from '../pdns/dns-soa.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { Target } from './types.js';

/** One secondary's serials of our zones, queried over DNS (never its API). */
export interface SecondaryState {
  /** As configured, `IP[:port]`. */
  address: string;
  /** The PowerDNS target whose zones were compared. */
  target: string;
  last_check: string | null;
  last_error: string | null;
  zones_checked: number;
  /** Zones whose serial on the secondary is behind the primary's (or absent there). */
  zones_lagging: number;
  /** The lagging zones (first 20): the primary's serial, the secondary's (null: not served) and since when. */
  lagging: Array<{ zone: string; primary_serial: number; secondary_serial: number | null; since: string }>;
}

export interface SecondaryCheckOptions {
  target: Target;
  secondaries: readonly HostPort[];
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  timeoutMs?: number;
  /** Queries in flight at once per secondary. */
  concurrency?: number;
  query?: (host: string, port: number, zone: string, timeoutMs: number) => Promise<SoaAnswer>;
}

export interface SecondaryChecker {
  /** The configured addresses (the `secondary` label values). */
  readonly addresses: readonly string[];
  start(): void;
  stop(): void;
  /** One round of checks now (also what the timer runs). */
  checkNow(): Promise<void>;
  status(): SecondaryState[];
  /** Zones lagging on this secondary at the last check. */
  lagging(address: string): number;
}

const MAX_LISTED = 20;

/** True when serial `a` is older than `b` in RFC 1982 serial arithmetic. */
export function serialBehind(a: number, b: number): boolean {
  const d = (b - a) >>> 0;
  return d !== 0 && d < 0x80000000;
}

interface Lag {
  primary: number;
  secondary: number | null;
  since: number;
}

export function createSecondaryChecker(opts: SecondaryCheckOptions): SecondaryChecker {
  const { target, clock } = opts;
  const log = opts.logger.child({ component: 'secondaries' });
  const query = opts.query ?? querySoa;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const concurrency = opts.concurrency ?? 16;
  const states = opts.secondaries.map((hp) => ({
    hp, address: formatHostPort(hp), lags: new Map<string, Lag>(), checked: 0, lastCheck: null as number | null, lastError: null as string | null,
  }));
  let cancel: (() => void) | null = null;
  let running: Promise<void> | null = null;

  async function checkOne(state: (typeof states)[number], zones: Array<{ name: string; serial: number }>): Promise<void> {
    const now = clock.now();
    const lags = new Map<string, Lag>();
    let failures = 0;
    let lastFailure = '';
    const queue = [...zones];
    const worker = async (): Promise<void> => {
      for (let z = queue.shift(); z !== undefined; z = queue.shift()) {
        let seen: number | null = null;
        try {
          const answer = await query(state.hp.host, state.hp.port, z.name, timeoutMs);
          seen = 'serial' in answer ? answer.serial : null;
        } catch (err) {
          failures += 1;
          lastFailure = errorMessage(err);
        }
        if (seen === null || serialBehind(seen, z.serial)) {
          lags.set(z.name, { primary: z.serial, secondary: seen, since: state.lags.get(z.name)?.since ?? now });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, zones.length) }, worker));
    const wasLagging = state.lags.size;
    state.lags = lags;
    state.checked = zones.length;
    state.lastCheck = now;
    state.lastError = failures > 0 ? `${failures} of ${zones.length} SOA queries failed: ${lastFailure}` : null;
    if (lags.size > 0 && wasLagging === 0) log.warn(`secondary ${state.address} lags on ${lags.size} zone(s)`, { secondary: state.address });
    else if (lags.size === 0 && wasLagging > 0) log.info(`secondary ${state.address} caught up`, { secondary: state.address });
  }

  async function round(): Promise<void> {
    try {
      const listed = await target.pdns.listZones();
      const zones = listed.filter((z) => z.account === target.policy.ownerId).map((z) => ({ name: z.name, serial: z.serial }));
      await Promise.all(states.map((s) => checkOne(s, zones)));
    } catch (err) {
      // The primary could not be listed: nothing to compare with; the last figures stay.
      for (const s of states) s.lastError = `listing the primary failed: ${errorMessage(err)}`;
      log.warn(`secondary check skipped: listing the primary failed: ${errorMessage(err)}`);
    }
  }

  function schedule(): void {
    cancel = clock.setTimer(() => {
      void api.checkNow().finally(() => { if (cancel !== null) schedule(); });
    }, opts.intervalMs);
  }

  const api: SecondaryChecker = {
    addresses: states.map((s) => s.address),
    start() {
      if (cancel === null && opts.intervalMs > 0 && states.length > 0) schedule();
    },
    stop() {
      cancel?.();
      cancel = null;
    },
    checkNow() {
      running ??= round().finally(() => { running = null; });
      return running;
    },
    status: () => states.map((s) => ({
      address: s.address, target: target.name, last_check: s.lastCheck === null ? null : new Date(s.lastCheck).toISOString(), last_error: s.lastError,
      zones_checked: s.checked, zones_lagging: s.lags.size,
      lagging: [...s.lags].sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, MAX_LISTED)
        .map(([zone, l]) => ({ zone, primary_serial: l.primary, secondary_serial: l.secondary, since: new Date(l.since).toISOString() })),
    })),
    lagging: (address) => states.find((s) => s.address === address)?.lags.size ?? 0,
  };
  return api;
}
