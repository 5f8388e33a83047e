/**
 * One PowerDNS server's write concurrency: the write gate (write-gate.ts) with its limit set from
 * the configuration (`pdns_concurrent_writes`) or, under `auto`, from the backend PowerDNS reports
 * (backend.ts). Under `auto` the first write waits for that one read, so no write ever runs with a
 * limit the backend was not checked for; until it answers writes are serialised (always safe). A
 * transient failure is tried again after a while, a refusal (401/403, 404: the endpoint is blocked)
 * is not: then the limit stays 1 and the log says how to set it.
 */
import { errorMessage, UpstreamError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { launchedBackends, writeConcurrency, type ConcurrencySource, type ConcurrentWritesSetting } from './backend.js';
import { createWriteGate, type WriteKind } from './write-gate.js';

/** Creates in flight at once: the concurrency measured safe on sqlite (powerdns-api.md §6: 0 errors at 8). */
export const MAX_CONCURRENT_CREATES = 8;
/** After a transient detection failure, the next write tries again once this much time has passed. */
export const DETECT_RETRY_MS = 60_000;

/** What /status shows per target, and what tests observe. */
export interface WriteState {
  setting: ConcurrentWritesSetting;
  /** The backends PowerDNS launched (`gpgsql`, `gsqlite3`, …), null until read. */
  backend: string | null;
  /** Changes (PATCH/PUT/DELETE) allowed in flight now. */
  concurrency: number;
  source: ConcurrencySource;
  /** Writes of either kind running now. */
  inFlight: number;
  /** Highest number of changes that ran at once since start. */
  peakChanges: number;
  /** Why the backend could not be read, while it could not. */
  detectionError: string | null;
}

export interface PdnsWrites {
  /** Resolves when a write may be queued: under `auto`, once the backend was read (or that failed). */
  ready(): Promise<void>;
  /** Runs one attempt of a write under the gate. */
  run<T>(kind: WriteKind, fn: () => Promise<T>): Promise<T>;
  /** Reads the backend now (once at a time; later calls after a success return the known state). */
  detect(): Promise<WriteState>;
  state(): WriteState;
}

export interface PdnsWritesOptions {
  setting: ConcurrentWritesSetting;
  /** `GET /servers/{id}/config`, parsed (it holds backend passwords: only `launch` is ever read). */
  readConfig: () => Promise<unknown>;
  logger: Logger;
  clock: Clock;
  /** The target's name, for log lines. */
  target?: string;
}

export function createPdnsWrites(opts: PdnsWritesOptions): PdnsWrites {
  const { setting, logger, clock } = opts;
  const initial = writeConcurrency(setting, null);
  const gate = createWriteGate({ maxCreates: MAX_CONCURRENT_CREATES, limit: initial.concurrency });
  const who = opts.target !== undefined && opts.target !== 'default' ? `PowerDNS ${opts.target}` : 'PowerDNS';
  let backends: string[] | null = null;
  let source: ConcurrencySource = initial.source;
  let detectionError: string | null = null;
  let inflight: Promise<WriteState> | null = null;
  let lastFailureAt: number | null = null;
  let giveUp = false;

  function state(): WriteState {
    const s = gate.stats();
    return {
      setting, backend: backends === null ? null : backends.join(','), concurrency: s.limit, source,
      inFlight: s.inFlight, peakChanges: s.peakChanges, detectionError,
    };
  }

  async function read(): Promise<WriteState> {
    try {
      const found = launchedBackends(await opts.readConfig());
      if (found === null) throw new Error('the answer has no "launch" setting');
      backends = found;
      detectionError = null;
      const decided = writeConcurrency(setting, found);
      source = decided.source;
      gate.setLimit(decided.concurrency);
      logger.info(`${who}: backend ${found.join(',')}, write concurrency ${decided.concurrency} (${setting === 'auto' ? 'auto' : 'configured'})`, {
        backend: found.join(','), write_concurrency: decided.concurrency, setting: String(setting),
      });
      if (decided.warning) logger.warn(`${who}: ${decided.warning}`, { backend: found.join(',') });
    } catch (err) {
      lastFailureAt = clock.monotonic();
      detectionError = errorMessage(err);
      // A refusal (401/403, 404, other 4xx) will answer the same again; only transient ones are retried.
      giveUp = err instanceof UpstreamError && err.errorClass !== 'transient';
      const then = setting === 'auto' ? `writes serialised${giveUp ? ' (set pdns_concurrent_writes to a number to allow more)' : ' until it answers'}` : `keeping the configured ${setting}`;
      logger.warn(`${who}: could not read its backend from /config (${detectionError}): ${then}`, { error_class: giveUp ? 'terminal' : 'transient' });
    }
    return state();
  }

  function detect(): Promise<WriteState> {
    if (backends !== null) return Promise.resolve(state());
    inflight ??= read().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /** Under `auto`, whether this write must first (re)read the backend. */
  function due(): boolean {
    if (setting !== 'auto' || backends !== null || giveUp) return false;
    return lastFailureAt === null || clock.monotonic() - lastFailureAt >= DETECT_RETRY_MS;
  }

  return {
    async ready() {
      // A configured number never waits; under auto a read already under way is waited for too.
      if (setting === 'auto' && (due() || inflight !== null)) await detect();
    },
    run: (kind, fn) => gate.run(kind, fn),
    detect,
    state,
  };
}
