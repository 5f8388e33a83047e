/**
 * V8's heap pacing, from the configuration. Process-wide, so only a process's entry point calls it
 * (the command, and the bench's daemon child that stands in for it).
 */
import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/index.js';

/**
 * A full reconcile makes garbage fast and GC keeps up easily, so V8 grows the heap to about 4× what
 * is live before it collects (measured by `make bench`: ~100 MB of heap around ~28 MB live). The flag
 * is read at each collection, so setting it after start takes effect for the first reconcile.
 */
export function tuneHeap(config: Pick<Config, 'heap_growth_percent'>): void {
  if (config.heap_growth_percent > 0) setFlagsFromString(`--heap-growing-percent=${config.heap_growth_percent}`);
}
