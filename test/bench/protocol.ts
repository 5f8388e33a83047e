/**
 * The messages between the bench orchestrator (run.ts) and the daemon it measures (daemon-child.ts).
 * The daemon runs in its own process so its peak RSS and CPU are its own, not the fake NetBox's.
 */

export type ChildCommand =
  | { cmd: 'start'; env: Record<string, string>; logFile: string }
  /** `quick`: the quick reconcile (only zones whose listings moved) instead of the deep one. */
  | { cmd: 'full'; quick?: boolean }
  | { cmd: 'counters' }
  | { cmd: 'resetPeak' }
  | { cmd: 'idle' }
  | { cmd: 'memory' }
  | { cmd: 'reconciles' }
  | { cmd: 'state' }
  | { cmd: 'stop' };

export interface StartReply {
  httpPort: number;
  brokerUrl: string;
  rssMb: number;
}

export interface FullReply {
  outcome: string;
  error?: string;
  /** The engine's own duration (read + dispatch + every zone task). */
  durationMs: number;
  /** Zone outcomes, counted. */
  outcomes: Record<string, number>;
  /** Zones that were written (created, changed, deleted). */
  writtenZones: string[];
}

export interface CountersReply {
  /** Requests by `upstream method`, e.g. `pdns PATCH`, from the daemon's own metrics (every attempt). */
  requests: Record<string, number>;
  /** Highest sampled RSS since the last resetPeak, MB. */
  peakRssMb: number;
  /** Highest sampled V8 heapUsed since the last resetPeak (garbage included), MB. */
  peakHeapMb: number;
  /** The kernel's peak RSS over the process's whole life (VmHWM), MB. */
  maxRssMb: number;
  rssMb: number;
  /**
   * Sums and counts of the daemon's duration histograms (zone tasks by outcome, upstream requests by
   * `upstream method`), seconds: where a section's time goes, as the daemon saw it.
   */
  durations: Record<string, { sum: number; count: number }>;
  /** CPU time of the process so far, ms (user + system). */
  cpuMs: number;
}

export interface ChildRequest {
  id: number;
  command: ChildCommand;
}

export interface ChildResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Memory now (after a full GC when the child runs with --expose-gc, so growth is not garbage), MB. */
export interface MemoryReply {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** True when a GC ran first. */
  gc: boolean;
}

/** One full reconcile the daemon ran (cron, retry, API...), as the soak records them. */
export interface ReconcileRecord {
  trigger: string;
  outcome: string;
  error?: string;
  /** Wall-clock ms (Date.now) when it started and ended. */
  startedAt: number;
  endedAt: number;
  /** Zone outcomes, counted. */
  outcomes: Record<string, number>;
}

/** What the daemon holds in its bounded structures, and what its intake counted. */
export interface StateReply {
  queuePending: number;
  queueRunning: number;
  /** Read-ledger entries (only while a full reconcile runs). */
  ledger: number;
  /** Rrsets PowerDNS refused, remembered. */
  rejectedRrsets: number;
  /** Messages received / rejected as bad input / ignored, from the daemon's metrics. */
  eventsReceived: number;
  eventsRejected: number;
  eventsIgnored: number;
}
