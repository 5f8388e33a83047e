/**
 * The table on stdout: one line per figure, the daemon beside its floor, the ratio, and the goal from
 * issue 6. Reads the same object that is written as JSON, so the two can never disagree.
 */

type Tree = Record<string, unknown>;

/** The value at a dotted path (`cold.floors.0.ms`), or undefined. */
export function at(tree: unknown, path: string): unknown {
  let node: unknown = tree;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Tree)[key];
  }
  return node;
}

export function fmt(value: unknown, unit = ''): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '–';
    const text = Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Number.isInteger(value) ? 0 : 1);
    return `${text}${unit}`;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return String(value);
}

function counts(value: unknown): string {
  if (!value || typeof value !== 'object') return '–';
  return Object.entries(value as Record<string, number>).map(([k, v]) => `${k.replace(/^pdns /, '')} ${v}`).join(', ') || '0';
}

export function printTable(r: Tree): void {
  const g = (p: string): unknown => at(r, p);
  const rows: Array<[string, string, string, string, string]> = [
    ['section / figure', 'netbox-pdns', 'floor', 'ratio', 'goal'],
    ['1 cold sync: wall time', fmt(g('cold.ms'), ' ms'), `${fmt(g('cold.floorWithNetboxMs'), ' ms')} (NetBox read ${fmt(g('netboxReadFloor.ms'), ' ms')} + fastest create)`, fmt(g('cold.ratio'), '×'), '≤ 1.25×'],
    ['  create floors; ratio without the NetBox read', `${fmt(g('cold.floors.0.ms'), ' ms')} seq / ${fmt(g('cold.floors.1.ms'), ' ms')} c4 / ${fmt(g('cold.floors.2.ms'), ' ms')} c8`, '', fmt(g('cold.ratioWithoutNetbox'), '×'), ''],
    ['  NetBox read phase / PowerDNS phase', `${fmt(g('cold.netboxPhaseMs'), ' ms')} / ${fmt(g('cold.pdnsPhaseMs'), ' ms')}`, '', fmt(g('cold.pdnsRatio'), '×'), ''],
    ['  requests NetBox / PowerDNS', `${fmt(g('cold.netboxRequests'))} / ${counts(g('cold.pdnsRequests'))}`, `0 / POST ${fmt(g('data.zones'))}`, '', ''],
    ['  zones in PowerDNS / outcome', `${fmt(g('cold.zonesInPdns'))} / ${fmt(g('cold.outcome'))}`, '', '', ''],
    ['  peak RSS (heap) daemon; fake NetBox CPU', `${fmt(g('cold.peakRssMb'), ' MB')} (${fmt(g('cold.peakHeapMb'), ' MB')}); ${fmt(g('cold.fakeNetboxCpuMs'), ' ms')}`, '', '', '≤ 90 MB'],
    ['2 no-op deep reconcile: wall time', fmt(g('noop.ms'), ' ms'), `${fmt(g('noop.floorWithNetboxMs'), ' ms')} (NetBox read + GET all c4)`, fmt(g('noop.ratio'), '×'), '≤ 1.25×'],
    ['  read floors; ratio without the NetBox read', `${fmt(g('noop.floors.0.ms'), ' ms')} seq / ${fmt(g('noop.floors.1.ms'), ' ms')} c4`, '', fmt(g('noop.ratioWithoutNetbox'), '×'), ''],
    ['  NetBox read phase / PowerDNS phase', `${fmt(g('noop.netboxPhaseMs'), ' ms')} / ${fmt(g('noop.pdnsPhaseMs'), ' ms')}`, '', fmt(g('noop.pdnsRatio'), '×'), ''],
    ['  requests NetBox / PowerDNS', `${fmt(g('noop.netboxRequests'))} / ${counts(g('noop.pdnsRequests'))}`, `– / GET ${fmt(g('data.zones'))}`, '', 'NetBox ≈ pages'],
    ['  PowerDNS writes', fmt(g('noop.pdnsWrites')), '0', '', '0'],
    ['  peak RSS (heap) daemon; fake NetBox CPU', `${fmt(g('noop.peakRssMb'), ' MB')} (${fmt(g('noop.peakHeapMb'), ' MB')}); ${fmt(g('noop.fakeNetboxCpuMs'), ' ms')}`, '', '', '≤ 90 MB'],
    ['2b quick reconcile, nothing changed', fmt(g('quick.ms'), ' ms'), `${fmt(g('quick.listingFloorMs'), ' ms')} listings; original ${fmt(g('quick.originalMs'), ' ms')}`, `${fmt(g('quick.ratio'), '×')} / ${fmt(g('quick.originalRatio'), '×')}`, '≤ original'],
    ['  requests NetBox / PowerDNS; zones looked at', `${fmt(g('quick.netboxRequests'))} / ${counts(g('quick.pdnsRequests'))}; ${fmt(g('quick.writtenZones'))} written`, '', '', ''],
    ['3 drift (1 % of zones): wall time', fmt(g('drift.ms'), ' ms'), '', '', ''],
    ['  writes; only drifted zones written', `${counts(g('drift.pdnsRequests'))}; ${fmt(g('drift.onlyDriftedZonesWritten'))}`, `${fmt(g('drift.drifted'))} PATCH`, '', 'only those'],
    ['4 event latency p50 (floor: to DNS / calls only)', fmt(g('latency.p50'), ' ms'), `${fmt(g('latency.floor.served.p50'), ' ms')} / ${fmt(g('latency.floor.p50'), ' ms')}`, `${fmt(g('latency.ratioP50'), '×')} / ${fmt(g('latency.callsRatioP50'), '×')}`, '≤ 2×'],
    ['  p90 / max', `${fmt(g('latency.p90'), ' ms')} / ${fmt(g('latency.max'), ' ms')}`, `${fmt(g('latency.floor.served.p90'), ' ms')} / ${fmt(g('latency.floor.served.max'), ' ms')}`, '', ''],
    ['  p99', fmt(g('latency.p99'), ' ms'), `${fmt(g('latency.floor.served.p99'), ' ms')} / ${fmt(g('latency.floor.p99'), ' ms')}`, `${fmt(g('latency.ratioP99'), '×')} / ${fmt(g('latency.callsRatioP99'), '×')}`, '≤ 3×'],
    ['  floor for both zones (A + PTR by hand) p50 / p99', '', `${fmt(g('latency.floorFanOut.served.p50'), ' ms')} / ${fmt(g('latency.floorFanOut.served.p99'), ' ms')}`, `${fmt(g('latency.fanOutRatioP50'), '×')} / ${fmt(g('latency.fanOutRatioP99'), '×')}`, '≤ 2× / ≤ 3×'],
    ['  changes / timeouts / upstream requests', `${fmt(g('latency.changes'))} / ${fmt(g('latency.timeouts'))} / ${counts(g('latency.pdnsRequests'))}`, '', '', ''],
    ['5 burst: record events / messages / zones', `${fmt(g('burst.recordEvents'))} / ${fmt(g('burst.messages'))} / ${fmt(g('burst.zones'))}`, '', '', ''],
    ['  PATCHes (per zone)', `${fmt(g('burst.patches'))} (${fmt(g('burst.patchesPerZone'))})`, '', '', '≤ 2 per zone'],
    ['  converged after last event', fmt(g('burst.convergedAfterLastMs'), ' ms'), '', '', '≤ 5000 ms'],
    ['  publish window / total', `${fmt(g('burst.publishMs'), ' ms')} / ${fmt(g('burst.totalMs'), ' ms')}`, '', '', ''],
    ['6 pure diff: median of 5', fmt(g('diff.diffMedianMs'), ' ms'), '', '', '≤ 100 ms'],
    ['  rrsets / changed; with actualFromPdns', `${fmt(g('diff.rrsets'))} / ${fmt(g('diff.changedRrsets'))}; ${fmt(g('diff.planMedianMs'), ' ms')}`, '', '', ''],
    ['7 sync command, cold: wall time / peak RSS', `${fmt(g('cli.configured.ms'), ' ms')} / ${fmt(g('cli.configured.maxRssMb'), ' MB')}`, `bare node ${fmt(g('cli.bareNodeRssMb'), ' MB')}`, fmt(g('cli.rssRatioToBare'), '×'), '≤ 90 MB'],
    ['  with HEAP_GROWTH_PERCENT=0 (V8 sizes the heap)', `${fmt(g('cli.v8Default.ms'), ' ms')} / ${fmt(g('cli.v8Default.maxRssMb'), ' MB')}`, '', `time ${fmt(g('cli.timeRatioToV8Default'), '×')}`, ''],
    ['  exit codes; zones in PowerDNS', `${fmt(g('cli.configured.code'))}, ${fmt(g('cli.v8Default.code'))}; ${fmt(g('cli.configured.zonesInPdns'))}, ${fmt(g('cli.v8Default.zonesInPdns'))}`, '', '', `0; ${fmt(g('data.zones'))}`],
    ['daemon idle RSS; peak RSS (whole run, VmHWM)', `${fmt(g('daemon.idleRssMb'), ' MB')}; ${fmt(g('daemon.maxRssMb'), ' MB')}`, `bare node ${fmt(g('cli.bareNodeRssMb'), ' MB')}`, '', '≤ 90 MB'],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    `netbox-pdns bench: ${fmt(g('data.zones'))} zones, ${fmt(g('data.rrsets'))} rrsets; PowerDNS on ${fmt(g('pdnsBackend.backend'))}${g('pdnsBackend.postgres') !== undefined ? ` (PostgreSQL ${fmt(g('pdnsBackend.postgres'))})` : ''}, daemon write concurrency ${fmt(g('pdnsBackend.writeConcurrency'))}; ${fmt(g('machine.cpus'))} × ${fmt(g('machine.cpuModel'))}, node ${fmt(g('machine.node'))}`,
    line(rows[0] ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** A markdown-style table of already formatted cells, the first row being the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
