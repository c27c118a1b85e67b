// The operator console: signs in with a token exchanged for a session cookie, draws the network,
// follows the event stream and offers what the session's role may do (the API enforces it anyway).
// Everything from the controller is shown with textContent: names and error texts are data, never markup.

import { call, all, APIError, whenSignedOut } from './api.js';
import { detailsOf } from './details.js';
import { $, el, number, problemText } from './dom.js';
import { EventLog, EventStream, knownKinds } from './events.js';
import { NetworkMap } from './map.js';

const roles = { viewer: 0, operator: 1, admin: 2 };
const state = {
  session: null, nodes: new Map(), links: new Map(), agents: new Map(), selection: null,
  paths: { offset: 0, limit: 25, total: 0, filter: {} }, preview: null,
  // The links each key path the page has seen runs over: an event about it refreshes only those.
  pathLinks: new Map(),
};
const eventLog = new EventLog($('events'), 300);
const stream = new EventStream({
  onEvent(kind, event, raw) {
    eventLog.add(kind, event, raw);
    if (event && knownKinds.has(kind)) applyEvent(kind, event).catch(() => {});
    document.body.dataset.lastEvent = String(stream.lastId ?? '');
  },
  onStatus(text) { $('live').textContent = text; },
  onSignedOut() { showSignIn('Your session ended: sign in again.'); },
});
const followEvents = () => stream.follow();
const stopEvents = () => stream.stop();

function mayOperate() { return state.session && roles[state.session.role] >= roles.operator; }

// MARK: sign-in

async function boot() {
  whenSignedOut(() => showSignIn('Your session ended: sign in again.'));
  try {
    const session = await call('GET', '/api/v1/session');
    if (session.signed_in) start(session); else showSignIn('');
  } catch (error) {
    showSignIn(problemText(error));
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
  for (const path of page.items) state.pathLinks.set(path.id, routeLinks(path));
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

async function showDetails() {
  const box = $('details');
  try {
    box.replaceChildren(...await detailsOf(state.selection, {
      map, links: state.links, agents: state.agents, select, mayOperate: mayOperate(), refresh: showDetails,
      deleted() { state.selection = null; $('details').replaceChildren(el('p', {}, 'Key path deleted.')); loadPaths(); },
    }));
  } catch (error) {
    box.replaceChildren(el('p', { class: 'error' }, problemText(error)));
  }
}

// MARK: provisioning

function provisionRequest() {
  const request = {
    source: $('p-source').value.trim(), destination: $('p-destination').value.trim(), rate_bps: Number($('p-rate').value),
    protection: $('p-protection').value, metric: $('p-metric').value,
  };
  if (request.protection === 'multipath') request.paths = Number($('p-paths').value);
  return request;
}

$('p-protection').addEventListener('change', () => { $('p-paths').disabled = $('p-protection').value !== 'multipath'; });

$('p-preview').addEventListener('click', async () => {
  const request = provisionRequest();
  $('p-confirm').disabled = true;
  try {
    // The provisioner's own plan (a dry run): what Provision would reserve now, nothing reserved yet.
    const plan = await call('POST', '/api/v1/key-paths', { ...request, dry_run: true });
    state.preview = JSON.stringify(request);
    map.highlight(plan.routes);
    $('p-result').textContent = plan.routes.map((r) => `${r.role} route: ${r.nodes.join(' → ')} (${r.links.length} hops)`).join('; ') +
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
        `${summary.nodes.removed} removed; links ${summary.links.created} created, ${summary.links.updated} updated, ${summary.links.removed} removed.`),
      el('ul', { class: 'problems' }, ...(summary.warnings || []).map((w) => el('li', {}, `${w.line ? `line ${w.line}: ` : ''}${w.message}`))));
    await loadAll();
  } catch (error) {
    out.replaceChildren(el('pre', { class: 'problems' }, problemText(error)));
  }
});

// MARK: live events

const pending = new Map();
/// Runs `work` once `delay` ms after the last call with the same `key`: a burst of events costs one reload.
function soon(key, delay, work) {
  clearTimeout(pending.get(key));
  pending.set(key, setTimeout(() => { pending.delete(key); work().catch(() => {}); }, delay));
}

const touchedPaths = new Set();

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
    touchedPaths.add(event.subject);
    soon('paths', 300, refreshKeyPaths);
  } else if (kind === 'gap' || kind.endsWith('.created') || kind.endsWith('.deleted') || kind === 'topology.imported') {
    // The network itself changed (or the page missed events): draw it again.
    soon('all', 300, loadAll);
    return;
  } else {
    return;
  }
  if (state.selection && (state.selection.id === event.subject || state.selection.kind !== 'key_path')) soon('details', 300, showDetails);
}

function routeLinks(path) { return (path.routes || []).flatMap((route) => route.links || []); }

/// After key-path events: the links the touched key paths ran over and now run over get their
/// reserved rate again, not the whole network's links; after a large burst, or for a key path
/// deleted before the page knew its route, every link.
async function refreshKeyPaths() {
  const ids = [...touchedPaths];
  touchedPaths.clear();
  const linkIds = new Set();
  let everything = ids.length > 20;
  for (const id of everything ? [] : ids) {
    for (const link of state.pathLinks.get(id) || []) linkIds.add(link);
    try {
      const path = await call('GET', `/api/v1/key-paths/${encodeURIComponent(id)}`);
      state.pathLinks.set(id, routeLinks(path));
      for (const link of routeLinks(path)) linkIds.add(link);
    } catch (error) {
      if (!(error instanceof APIError && error.status === 404)) throw error;
      if (!state.pathLinks.has(id)) everything = true;
      state.pathLinks.delete(id);
    }
  }
  const links = everything
    ? await all('/api/v1/links')
    : await Promise.all([...linkIds].map((id) => call('GET', `/api/v1/links/${encodeURIComponent(id)}`).catch(() => null)));
  for (const link of links) {
    if (!link) continue;
    state.links.set(link.id, link);
    map.updateLink(link);
  }
  summarise();
  await loadPaths();
}

boot();
