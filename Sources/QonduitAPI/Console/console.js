// The operator console: signs in with a token exchanged for a session cookie, draws the network,
// follows the event stream and offers what the session's role may do (the API enforces it anyway).
// Everything from the controller is shown with textContent: names and error texts are data, never markup.

import { call, all, APIError, whenSignedOut } from './api.js';
import { NetworkMap } from './map.js';

const $ = (id) => document.getElementById(id);
const roles = { viewer: 0, operator: 1, admin: 2 };
const state = {
  session: null, nodes: new Map(), links: new Map(), agents: new Map(), selection: null,
  paths: { offset: 0, limit: 25, total: 0, filter: {} }, lastEventId: null, stream: null, preview: null,
};
const maxLoggedEvents = 300;

function el(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'onclick') node.addEventListener('click', value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
}

function mayOperate() { return state.session && roles[state.session.role] >= roles.operator; }
function number(value, digits = 0) { return value === null || value === undefined ? '—' : Number(value).toLocaleString('en', { maximumFractionDigits: digits }); }
function problemText(error) {
  if (!(error instanceof APIError)) return String(error && error.message ? error.message : error);
  const lines = [error.message];
  for (const item of (error.problem && error.problem.errors) || []) {
    lines.push(`${item.line ? `line ${item.line}: ` : item.pointer ? `${item.pointer}: ` : ''}${item.message}`);
  }
  return lines.join('\n');
}

// MARK: sign-in

async function boot() {
  whenSignedOut(() => showSignIn('Your session ended: sign in again.'));
  try {
    start(await call('GET', '/api/v1/session'));
  } catch (error) {
    showSignIn(error instanceof APIError && error.status === 401 ? '' : problemText(error));
  }
}

function showSignIn(message) {
  stopEvents();
  state.session = null;
  $('main').hidden = true;
  $('signout').hidden = true;
  $('who').textContent = '';
  $('live').textContent = '';
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('token').focus();
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  try {
    start(await call('POST', '/api/v1/session', { token }));
  } catch (error) {
    $('signin-error').textContent = error instanceof APIError && error.status === 401 ? 'That token is not valid: unknown, expired or revoked.' : problemText(error);
  }
});

$('signout').addEventListener('click', async () => {
  try { await call('DELETE', '/api/v1/session'); } catch { /* signed out either way */ }
  showSignIn('Signed out.');
});

let map;
function start(session) {
  state.session = session;
  $('signin').hidden = true;
  $('main').hidden = false;
  $('signout').hidden = false;
  $('who').textContent = `Signed in: ${session.role} (token ${session.token_id})`;
  $('provision').hidden = !mayOperate();
  $('upload').hidden = !mayOperate();
  if (!map) map = new NetworkMap($('map'), { onSelect: select });
  loadAll().then(() => followEvents());
}

// MARK: data

async function loadAll() {
  const [topology, agents] = await Promise.all([call('GET', '/api/v1/topology'), all('/api/v1/agents')]);
  state.nodes = new Map(topology.nodes.map((n) => [n.id, n]));
  state.links = new Map(topology.links.map((l) => [l.id, l]));
  state.agents = new Map(agents.map((a) => [a.node_id, a]));
  map.draw(topology.nodes, topology.links, state.agents);
  document.body.dataset.rendered = String(performance.now());
  summarise();
  const names = [...state.nodes.keys()].map((id) => el('option', { value: id }));
  $('node-list').replaceChildren(...names);
  $('find-list').replaceChildren(...names.map((o) => o.cloneNode()), ...[...state.links.keys()].map((id) => el('option', { value: id })));
  await loadPaths();
  if (state.selection) await showDetails();
}

function summarise() {
  const down = [...state.links.values()].filter((l) => l.status !== 'up').length;
  $('map-summary').textContent = `${state.nodes.size} nodes, ${state.links.size} links (${down} down)`;
}

async function loadPaths() {
  const { offset, limit, filter } = state.paths;
  const query = new URLSearchParams({ limit, offset });
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  let page;
  try {
    page = await call('GET', `/api/v1/key-paths?${query}`);
  } catch (error) {
    $('paths-caption').textContent = problemText(error);
    return;
  }
  state.paths.total = page.total;
  const rows = page.items.map((path) => {
    const row = el('tr', { tabindex: '0', 'data-key-path': path.id },
      el('td', {}, el('code', {}, path.id.slice(0, 8))), el('td', { class: `state-${path.state}` }, path.state),
      el('td', {}, path.source), el('td', {}, path.destination), el('td', {}, number(path.rate_bps)), el('td', {}, path.protection));
    const open = () => select({ kind: 'key_path', id: path.id });
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    if (state.selection && state.selection.kind === 'key_path' && state.selection.id === path.id) row.classList.add('selected');
    return row;
  });
  $('paths').tBodies[0].replaceChildren(...rows);
  const last = Math.min(offset + limit, page.total);
  $('paths-caption').textContent = page.total ? `${offset + 1}–${last} of ${page.total} key paths` : 'No key paths match.';
  $('paths-prev').disabled = offset === 0;
  $('paths-next').disabled = last >= page.total;
}

$('path-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  state.paths.filter = { state: $('filter-state').value, node: $('filter-node').value.trim(), link: $('filter-link').value.trim() };
  state.paths.offset = 0;
  loadPaths();
});
$('paths-prev').addEventListener('click', () => { state.paths.offset = Math.max(0, state.paths.offset - state.paths.limit); loadPaths(); });
$('paths-next').addEventListener('click', () => { state.paths.offset += state.paths.limit; loadPaths(); });
$('zoom-in').addEventListener('click', () => map.zoom(1.3));
$('zoom-out').addEventListener('click', () => map.zoom(1 / 1.3));
$('zoom-fit').addEventListener('click', () => map.fit());
$('find').addEventListener('change', () => {
  const id = $('find').value.trim();
  if (state.nodes.has(id)) select({ kind: 'node', id });
  else if (state.links.has(id)) select({ kind: 'link', id });
});

// MARK: selection

async function select(selection) {
  state.selection = selection;
  map.select(selection.kind === 'key_path' ? null : selection);
  for (const row of $('paths').tBodies[0].rows) row.classList.toggle('selected', row.dataset.keyPath === selection.id);
  await showDetails();
}

function definitions(pairs) {
  const list = el('dl');
  for (const [term, value] of pairs) list.append(el('dt', {}, term), el('dd', {}, value instanceof Node ? value : String(value ?? '—')));
  return list;
}

function pathList(paths) {
  if (!paths.length) return el('p', {}, 'None.');
  return el('ul', {}, ...paths.map((p) => el('li', {},
    el('button', { type: 'button', onclick: () => select({ kind: 'key_path', id: p.id }) }, `${p.source} → ${p.destination}`),
    ` ${p.state}, ${number(p.rate_bps)} bit/s`)));
}

async function showDetails() {
  const selection = state.selection;
  const box = $('details');
  try {
    if (selection.kind === 'node') box.replaceChildren(...await nodeDetails(selection.id));
    else if (selection.kind === 'link') box.replaceChildren(...await linkDetails(selection.id));
    else box.replaceChildren(...await keyPathDetails(selection.id));
  } catch (error) {
    box.replaceChildren(el('p', { class: 'error' }, problemText(error)));
  }
}

async function nodeDetails(id) {
  map.highlight([]);
  const node = await call('GET', `/api/v1/nodes/${encodeURIComponent(id)}`);
  const agent = state.agents.get(id);
  const paths = await call('GET', `/api/v1/key-paths?node=${encodeURIComponent(id)}&limit=50`);
  const links = [...state.links.values()].filter((l) => l.node_a === id || l.node_b === id);
  const parts = [
    el('h3', {}, node.name || node.id),
    definitions([['id', node.id], ['kind', node.trusted ? 'trusted relay' : 'end node'], ['site', node.site], ['status', node.status],
      ['position', node.latitude === null ? 'not given' : `${node.latitude}, ${node.longitude}`], ['qkdn_id', node.qkdn_id]]),
    el('p', {}, el('a', { href: `/api/v1/nodes/${encodeURIComponent(id)}/etsi`, target: '_blank', rel: 'noopener' }, 'GS QKD 015 tree (XML)')),
    el('h3', {}, 'Agent'),
  ];
  if (agent) {
    parts.push(definitions([['kind', agent.kind], ['state', agent.state], ['encoding', agent.encoding], ['address', agent.restconf_url],
      ['last report', agent.last_heartbeat_at || agent.polled_at], ['drift', agent.drift], ['reconciled', agent.reconciled_at],
      ['reconcile error', agent.reconcile_error], ['poll error', agent.poll_error], ['stream', agent.stream_state],
      ['stream error', agent.stream_error]]));
    const pools = agent.key_pools || [];
    if (pools.length) {
      parts.push(el('table', {}, el('caption', {}, 'Key pools'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Link'), el('th', { scope: 'col' }, 'Bits'), el('th', { scope: 'col' }, 'Reported'))),
        el('tbody', {}, ...pools.map((p) => el('tr', {}, el('td', {}, p.link_id), el('td', {}, number(p.bits)), el('td', {}, p.reported_at))))));
    }
  } else {
    parts.push(el('p', {}, 'No agent.'));
  }
  parts.push(el('h3', {}, 'Links'), el('ul', {}, ...links.map((l) => el('li', {},
    el('button', { type: 'button', onclick: () => select({ kind: 'link', id: l.id }) }, l.id), ` to ${l.node_a === id ? l.node_b : l.node_a}, ${l.status}`))));
  parts.push(el('h3', {}, `Key paths (${paths.total})`), pathList(paths.items));
  return parts;
}

async function linkDetails(id) {
  map.highlight([]);
  const link = await call('GET', `/api/v1/links/${encodeURIComponent(id)}`);
  state.links.set(id, link);
  map.updateLink(link);
  const paths = await call('GET', `/api/v1/key-paths?link=${encodeURIComponent(id)}&limit=50`);
  const parts = [
    el('h3', {}, `Link ${link.id}`),
    definitions([['ends', `${link.node_a} – ${link.node_b}`], ['status', link.status], ['set by operator', link.admin_status],
      ['measured', link.measured_status], ['key rate (bit/s)', number(link.key_rate_bps)], ['reserved (bit/s)', number(link.reserved_bps)],
      ['QBER', link.qber], ['length (km)', link.length_km], ['cost', link.cost]]),
  ];
  if (mayOperate()) {
    const target = link.admin_status === 'down' ? 'up' : 'down';
    const result = el('p', { role: 'status' });
    parts.push(el('button', { type: 'button', id: 'link-toggle', class: target === 'down' ? 'danger' : '', onclick: async () => {
      try {
        const updated = await call('PATCH', `/api/v1/links/${encodeURIComponent(id)}`, { status: target });
        state.links.set(id, updated);
        map.updateLink(updated);
        await showDetails();
      } catch (error) { result.textContent = problemText(error); }
    } }, `Set ${target}`), result);
  }
  parts.push(el('h3', {}, `Key paths over it (${paths.total})`), pathList(paths.items));
  return parts;
}

async function keyPathDetails(id) {
  const path = await call('GET', `/api/v1/key-paths/${encodeURIComponent(id)}`);
  const history = await call('GET', `/api/v1/events/history?subject=${encodeURIComponent(id)}`);
  map.highlight(path.routes);
  const parts = [
    el('h3', {}, `Key path ${path.source} → ${path.destination}`),
    definitions([['id', path.id], ['state', path.state], ['reason', path.reason], ['rate (bit/s)', number(path.rate_bps)],
      ['protection', path.protection], ['metric', path.metric], ['created', path.created_at], ['updated', path.updated_at]]),
    el('h3', {}, 'Routes'),
    el('ol', {}, ...(path.routes || []).map((r) => el('li', {}, `${r.role || 'route'}: ${(r.nodes || []).join(' → ')}`))),
    el('h3', {}, 'History'),
    el('ol', {}, ...history.items.map((e) => el('li', {}, `${e.time} ${e.kind} ${summary(e)}`))),
  ];
  if (mayOperate()) {
    const result = el('p', { role: 'status' });
    parts.push(el('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete key path ${path.id}?`)) return;
      try { await call('DELETE', `/api/v1/key-paths/${encodeURIComponent(id)}`); state.selection = null; $('details').replaceChildren(el('p', {}, 'Key path deleted.')); map.highlight([]); loadPaths(); }
      catch (error) { result.textContent = problemText(error); }
    } }, 'Delete key path'), result);
  }
  return parts;
}

// MARK: provisioning

function provisionRequest() {
  return {
    source: $('p-source').value.trim(), destination: $('p-destination').value.trim(), rate_bps: Number($('p-rate').value),
    protection: $('p-protection').value, metric: $('p-metric').value,
  };
}

$('p-preview').addEventListener('click', async () => {
  const request = provisionRequest();
  $('p-confirm').disabled = true;
  try {
    const answer = await call('POST', '/api/v1/paths/compute', {
      source: request.source, destination: request.destination, rate_bps: request.rate_bps, metric: request.metric,
      k: request.protection === 'none' ? 1 : 2, disjoint: request.protection === 'none' ? 'none' : 'link',
    });
    state.preview = JSON.stringify(request);
    map.highlight(answer.paths);
    $('p-result').textContent = answer.paths.map((p, i) => `route ${i + 1}: ${p.nodes.join(' → ')} (${p.hops} hops)`).join('; ') +
      '. Provision to reserve it.';
    $('p-confirm').disabled = false;
  } catch (error) {
    map.highlight([]);
    $('p-result').textContent = problemText(error);
  }
});

$('provision').addEventListener('input', () => { $('p-confirm').disabled = true; });

$('provision').addEventListener('submit', async (event) => {
  event.preventDefault();
  const request = provisionRequest();
  if (state.preview !== JSON.stringify(request)) { $('p-result').textContent = 'Show the route first.'; return; }
  $('p-confirm').disabled = true;
  try {
    const path = await call('POST', '/api/v1/key-paths', request);
    $('p-result').textContent = `Key path ${path.id} is ${path.state}${path.reason ? `: ${path.reason}` : ''}.`;
    await loadPaths();
    await select({ kind: 'key_path', id: path.id });
  } catch (error) {
    $('p-result').textContent = problemText(error);
  }
});

// MARK: topology upload

$('upload').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('u-file').files[0];
  const out = $('u-result');
  if (!file) return;
  out.replaceChildren(el('p', {}, `Importing ${file.name}…`));
  try {
    const query = new URLSearchParams({ mode: $('u-mode').value, filename: file.name });
    const summary = await call('POST', `/api/v1/topology/import?${query}`, await file.arrayBuffer(), { raw: true, contentType: 'application/octet-stream' });
    out.replaceChildren(
      el('p', {}, `Imported ${file.name} (${summary.format}, ${summary.mode}): nodes ${summary.nodes.created} created, ${summary.nodes.updated} updated, ` +
        `${summary.nodes.deleted ?? 0} deleted; links ${summary.links.created} created, ${summary.links.updated} updated, ${summary.links.deleted ?? 0} deleted.`),
      el('ul', { class: 'problems' }, ...(summary.warnings || []).map((w) => el('li', {}, `${w.line ? `line ${w.line}: ` : ''}${w.message}`))));
    await loadAll();
  } catch (error) {
    out.replaceChildren(el('pre', { class: 'problems' }, problemText(error)));
  }
});

// MARK: live events

function summary(event) {
  const d = event.data || {};
  if (d.from !== undefined && d.to !== undefined) return `${event.subject}: ${d.from} → ${d.to}${d.reason ? ` (${d.reason})` : ''}`;
  return `${event.subject ?? ''} ${d.message ?? ''}`.trim();
}

const known = new Set(['node.status', 'link.status', 'agent.alarm', 'agent.event', 'key_path.created', 'key_path.state', 'key_path.rerouted', 'key_path.deleted', 'gap']);

function logEvent(kind, data, raw) {
  const list = $('events');
  const item = known.has(kind) && data
    ? el('li', { 'data-kind': kind }, el('span', { class: 'kind' }, kind), `${data.time ?? ''} ${kind === 'gap' ? `resumed after ${data.resumed_after}` : summary(data)}`)
    : el('li', { 'data-kind': kind }, el('span', { class: 'kind' }, kind || 'message'), el('span', { class: 'raw' }, raw));
  list.prepend(item);
  while (list.childElementCount > maxLoggedEvents) list.lastElementChild.remove();
}

const pending = new Map();
/// Runs `work` once `delay` ms after the last call with the same `key`: a burst of events costs one reload.
function soon(key, delay, work) {
  clearTimeout(pending.get(key));
  pending.set(key, setTimeout(() => { pending.delete(key); work().catch(() => {}); }, delay));
}

async function applyEvent(kind, event) {
  if (kind === 'link.status') {
    const link = await call('GET', `/api/v1/links/${encodeURIComponent(event.subject)}`);
    state.links.set(link.id, link);
    map.updateLink(link);
    summarise();
  } else if (kind === 'node.status') {
    const node = await call('GET', `/api/v1/nodes/${encodeURIComponent(event.subject)}`);
    state.nodes.set(node.id, node);
    map.updateNode(node);
  } else if (kind.startsWith('agent.')) {
    soon('agents', 1000, async () => { state.agents = new Map((await all('/api/v1/agents')).map((a) => [a.node_id, a])); map.setAgents(state.agents); });
  } else if (kind.startsWith('key_path.')) {
    soon('paths', 300, async () => {
      const links = await all('/api/v1/links');
      for (const link of links) { state.links.set(link.id, link); map.updateLink(link); }
      await loadPaths();
    });
  } else if (kind === 'gap') {
    soon('all', 100, loadAll);
    return;
  } else {
    return;
  }
  if (state.selection && (state.selection.id === event.subject || state.selection.kind !== 'key_path')) soon('details', 300, showDetails);
}

/// Follows `GET /api/v1/events` with fetch (the session cookie goes with it) rather than EventSource,
/// which drops events of kinds it has no listener for: those are shown raw. After a drop (a restart
/// of the controller, say) it reconnects with ?after= the last id it saw, so nothing is lost.
async function followEvents() {
  stopEvents();
  const controller = new AbortController();
  state.stream = controller;
  let delay = 500;
  while (state.stream === controller) {
    try {
      const query = state.lastEventId === null ? '' : `?after=${state.lastEventId}`;
      const response = await fetch(`/api/v1/events${query}`, { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: controller.signal });
      if (response.status === 401) { showSignIn('Your session ended: sign in again.'); return; }
      if (!response.ok) throw new Error(`event stream: HTTP ${response.status}`);
      $('live').textContent = 'Live';
      delay = 500;
      await readEvents(response.body);
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    if (state.stream !== controller) return;
    $('live').textContent = 'Reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function stopEvents() {
  if (state.stream) state.stream.abort();
  state.stream = null;
}

async function readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      dispatch(block);
    }
  }
}

function dispatch(block) {
  let id = null, kind = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') kind = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return;
  if (id !== null && /^\d+$/.test(id)) state.lastEventId = Number(id);
  const raw = data.join('\n');
  let parsed = null;
  try { parsed = JSON.parse(raw); } catch { parsed = null; }
  if (kind === 'gap' && parsed && Number.isFinite(parsed.resumed_after)) state.lastEventId = parsed.resumed_after;
  logEvent(kind, parsed, raw);
  if (parsed && known.has(kind)) applyEvent(kind, parsed).catch(() => {});
  document.body.dataset.lastEvent = String(state.lastEventId ?? '');
}

boot();
