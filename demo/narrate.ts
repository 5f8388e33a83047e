/**
 * What the demo shows, in plain words: the initial sync, one change travelling from NetBox to a DNS
 * answer, and where to look next. Every figure comes from what a user could query too: the daemon's
 * /status and /metrics, the PowerDNS API, and DNS itself. Nothing here reads the daemon's log.
 */
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import { queryDns } from '../test/support/dns.js';
import type { DemoPdns } from './pdns.js';
import type { DemoDaemon, DemoNetbox, DemoSecrets } from './sandbox.js';
import { poll } from './wait.js';
import { sumMetric } from '../test/support/metrics-text.js';

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);

export interface Sandbox {
  root: string;
  workDir: string;
  pdns: DemoPdns;
  netbox: DemoNetbox;
  daemon: DemoDaemon;
  secrets: DemoSecrets;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const metrics = async (s: Sandbox): Promise<string> => (await fetch(`${s.daemon.base}/metrics`)).text();
const ms = (value: number): string => (value < 10 ? value.toFixed(1) : Math.round(value).toString());
const pad = (text: string, width: number): string => text.padEnd(width);

interface StatusDoc {
  status: string;
  initial_sync: { completed: boolean; error: string | null };
  reliability: { last_reconcile: { outcome: string; duration_ms: number } | null };
}

/** Step 1: waits for the daemon's initial full reconcile and describes what it put into PowerDNS. */
export async function showInitialSync(s: Sandbox): Promise<{ zones: number; records: number }> {
  say('1. The initial sync: NetBox → PowerDNS');
  say('   On start the daemon reads every zone NetBox assigns to its nameserver (ns1.example.net)');
  say('   and makes PowerDNS serve exactly those zones and records.');
  const status = await poll(async () => {
    const doc = await getJson<StatusDoc>(`${s.daemon.base}/status`);
    if (doc.initial_sync.error) throw new Error(`the initial sync failed: ${doc.initial_sync.error}`);
    return doc.initial_sync.completed ? doc : undefined;
  }, { what: 'the initial sync to complete (GET /status)', timeoutMs: 60_000, intervalMs: 100, signal: s.signal });
  const text = await metrics(s);
  const created = sumMetric(text, 'netbox_pdns_zone_tasks_processed_total', { outcome: 'created' });
  const headers = { 'X-API-Key': s.pdns.apiKey };
  const api = `${s.pdns.apiUrl}/api/v1/servers/localhost/zones`;
  const zones = await getJson<Array<{ id: string; name: string; account: string }>>(api, headers);
  let rrsets = 0;
  let records = 0;
  for (const zone of zones.sort((a, b) => a.name.localeCompare(b.name))) {
    const detail = await getJson<{ rrsets: Array<{ records: unknown[] }> }>(`${api}/${encodeURIComponent(zone.id)}`, headers);
    const zoneRecords = detail.rrsets.reduce((n, r) => n + r.records.length, 0);
    rrsets += detail.rrsets.length;
    records += zoneRecords;
    say(`     ${pad(zone.name, 28)} ${String(zoneRecords).padStart(3)} records in ${String(detail.rrsets.length).padStart(2)} rrsets   (owner: ${zone.account})`);
  }
  const took = status.reliability.last_reconcile?.duration_ms;
  say(`   ✓ ${created} zones created, ${records} records (${rrsets} rrsets) written${took !== undefined ? `, in ${ms(took)} ms` : ''}.`);
  say(`     NetBox's seed held ${s.netbox.seed?.records ?? '?'} records; the rest are the SOA and NS records and PTRs NetBox generates.`);
  say();
  return { zones: zones.length, records };
}

/** A name and address unlikely to clash with the seed (192.0.2.200-249 is unused there). */
function demoRecord(): { name: string; ip: string } {
  const now = new Date();
  const stamp = [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join('');
  return { name: `demo-${stamp}`, ip: `192.0.2.${200 + Math.floor(Math.random() * 50)}` };
}

/** Polls DNS until `name` answers `expected`; returns when (performance.now()) it first did. */
async function untilAnswered(s: Sandbox, name: string, type: string, expected: string): Promise<number> {
  return poll(async () => {
    const res = await queryDns(s.pdns.dnsPort, name, type, { timeoutMs: 500 });
    return res.answers.includes(expected) ? performance.now() : undefined;
  }, { what: `PowerDNS to answer ${name} ${type} ${expected}`, timeoutMs: 20_000, intervalMs: 2, signal: s.signal });
}

/** Step 2: one new A record (and NetBox's automatic PTR) from the NetBox API to a DNS answer. */
export async function showChange(s: Sandbox): Promise<{ fqdn: string; ip: string; latencyMs: number }> {
  const { name, ip } = demoRecord();
  const fqdn = `${name}.example.com`;
  say('2. A change in NetBox, live in DNS');
  say(`   Adding the A record ${fqdn} → ${ip} through NetBox's REST API`);
  say(`   (NetBox's DNS plugin adds the matching PTR in 2.0.192.in-addr.arpa by itself).`);
  const before = await metrics(s);
  const started = performance.now();
  const res = await fetch(`${s.netbox.url}/api/plugins/netbox-dns/records/`, {
    method: 'POST',
    headers: { Authorization: `Token ${s.secrets.netboxToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ zone: 'example.com', name, type: 'A', value: ip }),
  });
  if (res.status !== 201) throw new Error(`NetBox refused the new record: HTTP ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { ptr_record: { name: string; zone: { name: string } } | null };
  const ptrName = created.ptr_record ? `${created.ptr_record.name}.${created.ptr_record.zone.name}` : ip.split('.').reverse().join('.') + '.in-addr.arpa';
  const aAt = await untilAnswered(s, fqdn, 'A', ip);
  const ptrAt = await untilAnswered(s, ptrName, 'PTR', `${fqdn}.`);
  const after = await metrics(s);
  const delta = (metric: string, labels: Record<string, string> = {}): number => sumMetric(after, metric, labels) - sumMetric(before, metric, labels);
  const webhooks = delta('netbox_pdns_events_received_total', { source: 'webhook' });
  const viaMqtt = delta('netbox_pdns_events_received_total', { source: 'netbox' });
  const applied = delta('netbox_pdns_event_apply_latency_seconds_count');
  const appliedSum = delta('netbox_pdns_event_apply_latency_seconds_sum');
  say(`   → NetBox sent ${webhooks} webhooks to the daemon's /webhook, one per object it touched (the A record,`);
  say('     the PTR, and each zone with its new SOA serial).');
  say(`   → The daemon published them on its MQTT broker (topics netbox/netbox_dns/<model>/<event>) and`);
  say(`     received ${viaMqtt} events back: several daemons, one per PowerDNS server, can share one NetBox.`);
  say('   → Each event queued a task for its zone: re-read NetBox and PowerDNS, diff, one PATCH per zone.');
  say(`   ✓ PowerDNS answers ${fqdn} A ${ip}       ${ms(aAt - started)} ms after the NetBox write`);
  say(`   ✓ PowerDNS answers ${ptrName} PTR ${fqdn}.   ${ms(ptrAt - started)} ms after the NetBox write`);
  if (applied > 0) say(`     (the daemon's own measure, event received → PowerDNS updated: ${ms((appliedSum / applied) * 1000)} ms on average)`);
  say();
  return { fqdn, ip, latencyMs: aAt - started };
}

/** Runs `netbox-pdns plan` against the sandbox the way step 3 tells the user to; exit 0 = in sync. */
export function runPlan(s: Sandbox): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...s.daemon.cli, 'plan'], {
      cwd: s.root, env: { ...s.env, ...s.daemon.settings, NETBOX_PDNS_LOG_LEVEL: 'warning' }, timeout: 60_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** Step 3: the URLs and commands to explore further, with this run's ports. */
export function showWhereNext(s: Sandbox, plan: { code: number }): void {
  const rel = relative(s.root, s.workDir) || '.';
  const cli = s.daemon.cli.join(' ');
  say('3. Where to look next');
  say(`   Status page:       ${s.daemon.base}/ (in a browser)`);
  say(`   Health and state:  curl ${s.daemon.base}/status`);
  say(`   Prometheus:        curl ${s.daemon.base}/metrics`);
  say(`   Ask PowerDNS:      dig @127.0.0.1 -p ${s.pdns.dnsPort} www.example.com`);
  say(`   What would change: env $(cat ${rel}/demo.env) node ${cli} plan`);
  say(`                      (just ran it: ${plan.code === 0 ? 'exit 0, PowerDNS is in step with NetBox' : `exit ${plan.code}`})`);
  say(`   Change NetBox:     curl -H 'Authorization: Token ${s.secrets.netboxToken}' -H 'Content-Type: application/json' \\`);
  say(`                        -d '{"zone": "example.com", "name": "test", "type": "A", "value": "192.0.2.123"}' \\`);
  say(`                        ${s.netbox.url}/api/plugins/netbox-dns/records/`);
  say(`   Logs:              ${rel}/daemon.log (JSON lines), ${rel}/netbox.log, ${rel}/pdns/pdns.log`);
  say();
}

/** The check mode's verdict on the running sandbox: /status must say Healthy. */
export async function statusHealth(s: Sandbox): Promise<string> {
  return (await getJson<StatusDoc>(`${s.daemon.base}/status`)).status;
}
