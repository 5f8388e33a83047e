/**
 * The status page (`GET /`): one server-rendered HTML document, no build step and no external
 * assets (its style and script are inline, allowed by a per-response CSP nonce). Read-only except for
 * the approve buttons, which need the API key. Every text that comes from NetBox, PowerDNS or an error
 * is escaped: record contents are anybody's input. Semantic HTML (landmarks, one h1, h2 per section,
 * tables with headers and captions, labelled inputs, a live region) so it works with a keyboard and a
 * screen reader; one column that reflows down to a phone's width.
 */
import type { StatusDocument } from '../../observability/status-types.js';
import type { AuditRecord } from '../../reconcile/audit.js';
import { describeAuditRecord } from '../../reconcile/audit.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './assets.js';

export interface PageView {
  doc: StatusDocument;
  audit: AuditRecord[];
  version: string;
  /** False when no API key is configured: approving from the page is then impossible, and it says so. */
  approveEnabled: boolean;
  /** Seconds between the page's own refreshes. */
  refreshSeconds: number;
  /** ISO time the page was made. */
  now: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const when = (iso: string | null | undefined): string => (iso ? `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>` : '—');

function table(caption: string, head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<div class="scroll" role="region" aria-label="${esc(caption)}" tabindex="0"><table><caption>${esc(caption)}</caption>`
    + `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
}

function health(doc: StatusDocument, version: string): string {
  const problems = doc.problems.length === 0 ? '<p>Nothing needs a look.</p>'
    : `<ul class="problems">${doc.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`;
  return `<section aria-labelledby="h-health"><h2 id="h-health">Health</h2>
<p class="status status-${esc(doc.status.toLowerCase())}"><span class="label">Status:</span> <strong>${esc(doc.status)}</strong></p>
${problems}
<dl><dt>Up for</dt><dd>${esc(Math.round(doc.uptime_seconds))} s</dd><dt>Version</dt><dd>${esc(version)}</dd></dl></section>`;
}

function intake(doc: StatusDocument): string {
  const m = doc.mqtt as Partial<{ enabled: boolean; connected: boolean; broker_url: string; last_message_at: string | null; reconnects: number }>;
  const body = m.enabled === false ? '<p>MQTT is off: webhooks go straight into the queue.</p>'
    : `<dl><dt>Connected</dt><dd>${m.connected ? 'yes' : '<strong>no</strong>'}</dd><dt>Broker</dt><dd>${esc(m.broker_url)}</dd>`
      + `<dt>Last event</dt><dd>${when(m.last_message_at)}</dd><dt>Reconnects</dt><dd>${esc(m.reconnects ?? 0)}</dd></dl>`;
  return `<section aria-labelledby="h-mqtt"><h2 id="h-mqtt">Events (MQTT)</h2>${body}
<p>Queue: ${esc(doc.queue.pending)} waiting, ${esc(doc.queue.running)} running.</p></section>`;
}

function reconciles(doc: StatusDocument): string {
  const last = doc.reliability.last_reconcile;
  const targets = Object.entries(doc.targets).map(([name, t]) => [
    esc(name), t.reachable ? 'yes' : '<strong>no</strong>', esc(t.zones_managed), esc(t.zones_failing), esc(t.zones_refused), when(t.last_success), esc(t.last_error ?? '—'),
  ]);
  return `<section aria-labelledby="h-sync"><h2 id="h-sync">Reconciles</h2>
<dl><dt>Last full reconcile</dt><dd>${last ? `${esc(last.outcome)} at ${when(last.at)} (${esc((last.duration_ms / 1000).toFixed(1))} s)${last.error ? `: ${esc(last.error)}` : ''}` : 'none yet'}</dd>
<dt>Last successful</dt><dd>${when(doc.reliability.last_sync)}</dd><dt>Next scheduled</dt><dd>${when(doc.scheduler.next_run)}</dd>
<dt>Initial sync</dt><dd>${doc.initial_sync.completed ? 'completed' : doc.initial_sync.error ? `failed: ${esc(doc.initial_sync.error)}` : doc.initial_sync.started ? 'running' : 'not run'}</dd></dl>
${table('PowerDNS servers', ['Server', 'Reachable', 'Zones', 'Failing', 'Refused', 'Last success', 'Last error'], targets, 'No PowerDNS server configured.')}</section>`;
}

function approvals(doc: StatusDocument, approveEnabled: boolean): string {
  const pending = doc.pending_approvals;
  const intro = pending.length === 0 ? '<p class="empty">No refused plan is waiting.</p>'
    : `<p>Each plan below was refused by a safety check. Approving applies exactly that plan, and nothing if the zone's plan changed since.</p>
${approveEnabled ? `<form id="key-form" autocomplete="off"><label for="api-key">API key</label>
<input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="key-help">
<p id="key-help" class="help">Needed to approve; sent only with an approval, never stored.</p></form>`
      : '<p><strong>Approving from this page needs an API key to be configured (NETBOX_PDNS_API_KEY).</strong></p>'}`;
  const items = pending.map((p, i) => `<article class="approval" aria-labelledby="ap-${i}">
<h3 id="ap-${i}">${esc(p.zone)} <span class="target">on ${esc(p.target)}</span></h3>
<p><strong>Refused (${esc(p.refusal)}):</strong> ${esc(p.message)}</p>
<p>${esc(p.action)}: ${esc(p.changes.creates)} to create, ${esc(p.changes.updates)} to change, ${esc(p.changes.deletes)} to delete, ${esc(p.changes.settings)} setting(s). Plan <code>${esc(p.plan_id)}</code>, refused since ${when(p.since)}.</p>
<pre class="plan" tabindex="0" aria-label="Plan ${esc(p.plan_id)} of ${esc(p.zone)}">${p.lines.map((l) => esc(l)).join('\n')}${p.lines_total > p.lines.length ? `\n… ${esc(p.lines_total - p.lines.length)} more line(s)` : ''}</pre>
${approveEnabled ? `<button type="button" class="approve" data-zone="${esc(p.zone)}" data-plan="${esc(p.plan_id)}" data-target="${esc(p.target)}">Approve plan ${esc(p.plan_id)} for ${esc(p.zone)}</button>` : ''}
</article>`).join('\n');
  return `<section aria-labelledby="h-approvals"><h2 id="h-approvals">Pending approvals (${esc(pending.length)})</h2>${intro}
<div id="approve-result" role="status" aria-live="polite"></div>${items}</section>`;
}

function failing(doc: StatusDocument): string {
  const rows = doc.zones.failing.map((z) => [esc(z.zone), esc(z.target), esc(z.outcome), when(z.at), esc(z.error ?? '')]);
  return `<section aria-labelledby="h-zones"><h2 id="h-zones">Zones needing a look (${esc(doc.zones.failing_count)})</h2>
<p>${esc(doc.zones.managed)} zone(s) managed, ${esc(doc.zones.refused_count)} refused, ${esc(doc.zones.rejected_rrsets)} rrset(s) PowerDNS refused.</p>
${table('Zones failing, refused or holding rrsets PowerDNS refused', ['Zone', 'Server', 'Outcome', 'When', 'Why'], rows, 'Every zone is in step.')}</section>`;
}

function audit(records: AuditRecord[]): string {
  const rows = [...records].reverse().map((r) => [
    when(r.at), esc(r.zone), esc(describeAuditRecord(r)),
    esc([r.trigger, r.approved_by ? `approved by ${r.approved_by}` : '', r.netbox_username ? `NetBox user ${r.netbox_username}` : '',
      r.netbox_request_id ? `request ${r.netbox_request_id}` : ''].filter((s) => s !== '').join(', ')),
  ]);
  return `<section aria-labelledby="h-audit"><h2 id="h-audit">Recent changes</h2>
${table('Recent writes to PowerDNS, newest first', ['When', 'Zone', 'Change', 'Why'], rows, 'No write to PowerDNS since the daemon started.')}</section>`;
}

/** The part of the page that refreshes (everything but the API key field's state). */
export function renderLive(view: PageView): string {
  return [health(view.doc, view.version), approvals(view.doc, view.approveEnabled), failing(view.doc), reconciles(view.doc), intake(view.doc), audit(view.audit)].join('\n');
}

/**
 * The refreshable content alone (`GET /?part=live`), for the page's script: no style, no script, so
 * it never meets the page's CSP nonce (each response has its own). The title and time ride along as
 * data attributes.
 */
export function renderFragment(view: PageView): string {
  return `<div id="live" data-title="netbox-pdns: ${esc(view.doc.status)}" data-updated="${esc(view.now)}">\n${renderLive(view)}\n</div>\n`;
}

export function renderPage(view: PageView, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netbox-pdns: ${esc(view.doc.status)}</title>
<noscript><meta http-equiv="refresh" content="${esc(view.refreshSeconds * 3)}"></noscript>
<style nonce="${esc(nonce)}">${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><h1>netbox-pdns status</h1><p>Updated <span id="updated">${when(view.now)}</span>; refreshes every ${esc(view.refreshSeconds)} s.</p></header>
<main id="main" data-refresh="${esc(view.refreshSeconds)}">
${renderLive(view)}
</main>
<script nonce="${esc(nonce)}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
