/**
 * The status page's inline style and script (no build step, no external assets: the CSP allows
 * nothing else). The script refreshes the page's content in place (keeping a typed API key, and never
 * while focus is inside the content, so a keyboard user is not thrown off) and sends approvals.
 */

export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #555; --line: #ccc; --warn: #7a4d00; --bad: #a10000; --ok: #0b6b1d; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #161616; --muted: #bbb; --line: #444; --warn: #ffcc66; --bad: #ff8a80; --ok: #81c995; --accent: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 0 1rem 2rem; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
th { white-space: nowrap; }
h1 { font-size: 1.5rem; margin: 1rem 0 0; } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); } h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .25rem .5rem; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#updated, .help, .target, .empty { color: var(--muted); }
.status strong { padding: 0 .4rem; border: 2px solid currentColor; border-radius: .25rem; }
.status-healthy strong { color: var(--ok); } .status-warning strong { color: var(--warn); } .status-degraded strong { color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0; } dt { font-weight: 600; } dd { margin: 0; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; } }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } caption { text-align: left; color: var(--muted); }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
pre.plan { white-space: pre-wrap; overflow-wrap: anywhere; background: color-mix(in srgb, var(--fg) 6%, var(--bg)); padding: .5rem; border-radius: .25rem; font-size: .85rem; max-height: 20rem; overflow-y: auto; }
.approval { border: 1px solid var(--line); border-radius: .4rem; padding: 0 .75rem .75rem; margin: .75rem 0; }
label { font-weight: 600; display: block; } input { font: inherit; padding: .35rem .5rem; width: min(100%, 24rem); }
button { font: inherit; padding: .4rem .8rem; border-radius: .3rem; border: 2px solid var(--accent); background: var(--accent); color: var(--bg); cursor: pointer; }
button[disabled] { opacity: .6; cursor: progress; }
#approve-result:not(:empty) { border-left: 4px solid var(--accent); padding: .25rem .5rem; margin: .5rem 0; }
`;

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var main = document.getElementById('main');
  if (!main) return;
  var seconds = Number(main.getAttribute('data-refresh')) || 10;
  function result() { return document.getElementById('approve-result'); }
  function say(text) { var r = result(); if (r) r.textContent = text; }
  function refresh(force) {
    var active = document.activeElement;
    // Never pull the content from under a keyboard user: not while a control in it has focus.
    if (!force && active && main.contains(active) && active.matches('button, input, [tabindex="0"]')) return Promise.resolve();
    return fetch('?part=live', { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) return;
      return res.text().then(function (html) {
        // A template's content is inert: nothing in it runs or loads while it is parsed.
        var template = document.createElement('template');
        template.innerHTML = html;
        var fresh = template.content.getElementById('live');
        if (!fresh) return;
        var key = document.getElementById('api-key');
        var typed = key ? key.value : '';
        var message = result() ? result().textContent : '';
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        var again = document.getElementById('api-key');
        if (again) again.value = typed;
        say(message);
        document.title = fresh.getAttribute('data-title') || document.title;
        var updated = document.getElementById('updated');
        if (updated) updated.textContent = (fresh.getAttribute('data-updated') || '').replace('T', ' ').replace(/\\.\\d+Z$/, 'Z');
      });
    }).catch(function () { /* the daemon may be restarting: try again at the next tick */ });
  }
  main.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('button.approve') : null;
    if (!button) return;
    var key = document.getElementById('api-key');
    var zone = button.getAttribute('data-zone'), plan = button.getAttribute('data-plan'), target = button.getAttribute('data-target');
    if (!key || key.value === '') { say('Enter the API key first.'); if (key) key.focus(); return; }
    button.disabled = true;
    say('Approving plan ' + plan + ' for ' + zone + '…');
    fetch('approve', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-api-key': key.value },
      body: JSON.stringify({ zone: zone, plan_id: plan, target: target })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.status === 200) say('Plan ' + plan + ' for ' + zone + ' applied (' + body.outcome + ').');
        else if (res.status === 409) say('Plan ' + plan + ' for ' + zone + ' is no longer current (now ' + body.current_plan_id + '); nothing was applied. What changed: ' + (body.changes || []).join('; '));
        else if (res.status === 401) say('The API key was refused; nothing was applied.');
        else if (res.status === 429) say('Too many requests; try again in a minute.');
        else say('Approval failed (' + res.status + '): ' + (body.error || body.detail || ''));
      });
    }, function () { say('Approval failed: the daemon did not answer.'); }).then(function () {
      button.disabled = false;
      return refresh(true);
    }).then(function () {
      var r = result();
      if (r) { r.setAttribute('tabindex', '-1'); r.focus(); }
    });
  });
  setInterval(function () { refresh(false); }, seconds * 1000);
})();
`;
