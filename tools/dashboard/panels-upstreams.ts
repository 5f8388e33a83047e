/** The dashboard rows about what the daemon depends on: PowerDNS and NetBox, MQTT, the process. */
import type { RowSpec } from './panels.js';
import { quantile, rate, sel, selDefault } from './promql.js';

export const UPSTREAM_ROWS: RowSpec[] = [
  {
    title: 'PowerDNS and NetBox',
    description: 'Health of the HTTP APIs the daemon depends on: NetBox, and each PowerDNS server (the server label).',
    panels: [
      {
        kind: 'timeseries',
        title: 'PowerDNS servers up',
        description: 'Whether each PowerDNS server answered its last request (alert NetboxPdnsServerDown). One server down delays nobody else.',
        unit: 'bool_yes_no',
        width: 12,
        targets: [{ expr: `min by (instance, server) (${sel('server_up')})`, legend: '{{instance}} {{server}}' }],
      },
      {
        kind: 'timeseries',
        title: 'PowerDNS writes in flight',
        description: 'Writes running on each PowerDNS server, and how many PATCH/PUT/DELETE its write gate allows at once: 1 on sqlite (concurrent writes fail there), 8 on PostgreSQL/MySQL under pdns_concurrent_writes=auto.',
        unit: 'short',
        width: 12,
        targets: [
          { expr: `max by (instance, server) (${sel('pdns_writes_in_flight')})`, legend: 'in flight {{instance}} {{server}}' },
          { expr: `max by (instance, server) (${sel('pdns_write_concurrency')})`, legend: 'allowed {{instance}} {{server}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Upstream requests by status code',
        description: 'HTTP requests per second to PowerDNS and NetBox by status code. 5xx, timeout and network_error are retried; 4xx are not.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (upstream, server, code) (${rate(sel('upstream_requests_total'))})`, legend: '{{upstream}} {{server}} {{code}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Upstream request latency',
        description: 'HTTP request duration to PowerDNS and NetBox (p50 and p95).',
        unit: 's',
        width: 8,
        targets: [
          { expr: quantile(0.5, 'upstream_request_duration_seconds_bucket', 'upstream'), legend: 'p50 {{upstream}}' },
          { expr: quantile(0.95, 'upstream_request_duration_seconds_bucket', 'upstream'), legend: 'p95 {{upstream}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Upstream retries',
        description: 'Retries scheduled by the backoff policy per second, by upstream and reason.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (upstream, reason) (${rate(sel('upstream_request_retries_total'))})`, legend: '{{upstream}} {{reason}}' }],
      },
    ],
  },
  {
    title: 'MQTT',
    description: 'The event path from NetBox through the MQTT broker.',
    panels: [
      {
        kind: 'timeseries',
        title: 'MQTT connection',
        description: 'Whether each instance was connected to the broker over time.',
        unit: 'bool_yes_no',
        width: 8,
        targets: [{ expr: `min by (instance) (${sel('mqtt_connected')})`, legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'MQTT reconnects',
        description: 'Reconnection attempts per interval. A steady stream means a flapping broker or a client id used twice.',
        unit: 'short',
        width: 8,
        bars: true,
        targets: [{ expr: `sum by (instance) (increase(${sel('mqtt_reconnects_total')}[$__rate_interval]))`, legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Since last event received',
        description: 'Time since the last NetBox event arrived. Quiet periods are normal; a long gap during known NetBox activity means events are not arriving.',
        unit: 's',
        width: 8,
        targets: [{ expr: `time() - max by (instance) (${sel('last_event_received_timestamp_seconds')} > 0)`, legend: '{{instance}}' }],
      },
    ],
  },
  {
    title: 'Process',
    description: 'The Node.js process itself.',
    panels: [
      {
        kind: 'timeseries',
        title: 'Memory',
        description: 'Resident memory and used V8 heap. The systemd unit caps memory with MemoryMax.',
        unit: 'bytes',
        width: 8,
        targets: [
          { expr: selDefault('process_resident_memory_bytes'), legend: 'RSS {{instance}}' },
          { expr: `sum by (instance) (${selDefault('nodejs_heap_size_used_bytes')})`, legend: 'heap used {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Event loop lag',
        description: 'Node.js event loop lag (p50 and p99). Sustained lag delays every event and scrape.',
        unit: 's',
        width: 8,
        targets: [
          { expr: selDefault('nodejs_eventloop_lag_p50_seconds'), legend: 'p50 {{instance}}' },
          { expr: selDefault('nodejs_eventloop_lag_p99_seconds'), legend: 'p99 {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'CPU',
        description: 'CPU time used per second (1.0 = one full core).',
        unit: 'percentunit',
        width: 8,
        targets: [{ expr: rate(selDefault('process_cpu_seconds_total')), legend: '{{instance}}' }],
      },
    ],
  },
];
