/** Reading values out of a Prometheus text exposition, for tests and the demo. */

/** Sums the samples of one metric (optionally matching labels) in a Prometheus exposition. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((l) => line.includes(l))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
