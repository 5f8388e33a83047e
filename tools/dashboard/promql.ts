/** PromQL helpers of the dashboard specs: every selector carries the job/instance variables. */
import { METRIC_PREFIX } from '../../src/observability/labels.js';

/** Series filter every query carries, so the job/instance variables apply everywhere. */
const FILTER = 'job=~"$job",instance=~"$instance"';

/** A selector for one of our metrics, e.g. `sel('mqtt_connected')`. */
export function sel(suffix: string, extra?: string): string {
  return `${METRIC_PREFIX}${suffix}{${FILTER}${extra === undefined ? '' : `,${extra}`}}`;
}
/** A selector for a prom-client default metric (process_*, nodejs_*). */
export function selDefault(metric: string): string {
  return `${metric}{${FILTER}}`;
}
export function rate(selector: string): string {
  return `rate(${selector}[$__rate_interval])`;
}
export function quantile(q: number, bucketSuffix: string, by: string): string {
  return `histogram_quantile(${q}, sum by (${by}, le) (${rate(sel(bucketSuffix))}))`;
}

export const GREEN_ONLY = [{ color: 'green', value: null }];
