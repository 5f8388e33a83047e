/**
 * The sync sections (cold full sync, no-op reconcile, 1 % drift): one full reconcile each in the
 * daemon child, with request counts from the daemon's own metrics and from the fake NetBox's request
 * log, the daemon's peak RSS, and the orchestrator's CPU (which is the fake NetBox serving pages).
 */
import type { FakeNetbox } from '../fakes/netbox/index.js';
import { diffCounts, sumCounts, type DaemonProc } from './daemon-proc.js';
import { round, since } from './stats.js';
import type { FullReply } from './protocol.js';

export interface SyncSection {
  ms: number;
  /** The engine's own duration (excludes IPC). */
  engineMs: number;
  outcome: string;
  outcomes: Record<string, number>;
  netboxRequests: number;
  pdnsRequests: Record<string, number>;
  pdnsWrites: number;
  peakRssMb: number;
  peakHeapMb: number;
  daemonCpuMs: number;
  /** CPU the orchestrator spent meanwhile: almost all of it the fake NetBox building pages. */
  fakeNetboxCpuMs: number;
  writtenZones: string[];
  /**
   * When the last NetBox response was sent, ms from the start: a full reconcile reads all of NetBox
   * before it dispatches any zone, so this splits the wall time into the NetBox read and the
   * PowerDNS work (the part comparable to the floors).
   */
  netboxPhaseMs: number;
  pdnsPhaseMs: number;
}

/** Runs one full reconcile in the daemon and measures it. */
export async function measureFull(daemon: DaemonProc, netbox: FakeNetbox, quick = false): Promise<SyncSection> {
  await daemon.resetPeak();
  const before = await daemon.counters();
  netbox.resetRequests();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let seen = 0;
  let netboxDoneAt = started;
  const watch = setInterval(() => {
    const done = netbox.requests.filter((r) => r.status !== 0).length;
    if (done !== seen) {
      seen = done;
      netboxDoneAt = performance.now();
    }
  }, 2);
  const result: FullReply = await daemon.full(quick).finally(() => clearInterval(watch));
  const ms = since(started);
  const cpuUsed = process.cpuUsage(cpu);
  const after = await daemon.counters();
  const pdnsRequests = diffCounts(after.requests, before.requests);
  for (const key of Object.keys(pdnsRequests)) if (!key.startsWith('pdns ')) delete pdnsRequests[key];
  if (result.error) console.error(`full reconcile error: ${result.error}`);
  return {
    ms, engineMs: round(result.durationMs), outcome: result.outcome, outcomes: result.outcomes,
    netboxRequests: netbox.requests.length,
    pdnsRequests, pdnsWrites: sumCounts(pdnsRequests, 'pdns ', true),
    peakRssMb: round(after.peakRssMb), peakHeapMb: round(after.peakHeapMb), daemonCpuMs: round(after.cpuMs - before.cpuMs),
    fakeNetboxCpuMs: round((cpuUsed.user + cpuUsed.system) / 1000),
    writtenZones: result.writtenZones,
    netboxPhaseMs: round(netboxDoneAt - started), pdnsPhaseMs: round(ms - (netboxDoneAt - started)),
  };
}
