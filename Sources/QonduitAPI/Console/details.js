// What the details pane shows for a selected node, link or key path, with what the role may do
// there. `page` is what it needs of the rest of the page: the map, the links and agents the page
// holds, select(selection), mayOperate, refresh() and deleted() (after a key path is deleted).

import { call } from './api.js';
import { el, number, problemText } from './dom.js';
import { describeEvent } from './events.js';

/// The elements describing `selection` ({kind, id}).
export async function detailsOf(selection, page) {
  if (selection.kind === 'node') return nodeDetails(selection.id, page);
  if (selection.kind === 'link') return linkDetails(selection.id, page);
  return keyPathDetails(selection.id, page);
}

function definitions(pairs) {
  const list = el('dl');
  for (const [term, value] of pairs) list.append(el('dt', {}, term), el('dd', {}, value instanceof Node ? value : String(value ?? '—')));
  return list;
}

function pathList(paths, page) {
  if (!paths.length) return el('p', {}, 'None.');
  return el('ul', {}, ...paths.map((p) => el('li', {},
    el('button', { type: 'button', onclick: () => page.select({ kind: 'key_path', id: p.id }) }, `${p.source} → ${p.destination}`),
    ` ${p.state}, ${number(p.rate_bps)} bit/s`)));
}


async function nodeDetails(id, page) {
  page.map.highlight([]);
  const node = await call('GET', `/api/v1/nodes/${encodeURIComponent(id)}`);
  const agent = page.agents.get(id);
  const paths = await call('GET', `/api/v1/key-paths?node=${encodeURIComponent(id)}&limit=50`);
  const links = [...page.links.values()].filter((l) => l.node_a === id || l.node_b === id);
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
    el('button', { type: 'button', onclick: () => page.select({ kind: 'link', id: l.id }) }, l.id), ` to ${l.node_a === id ? l.node_b : l.node_a}, ${l.status}`))));
  parts.push(el('h3', {}, `Key paths (${paths.total})`), pathList(paths.items, page));
  return parts;
}

async function linkDetails(id, page) {
  page.map.highlight([]);
  const link = await call('GET', `/api/v1/links/${encodeURIComponent(id)}`);
  page.links.set(id, link);
  page.map.updateLink(link);
  const paths = await call('GET', `/api/v1/key-paths?link=${encodeURIComponent(id)}&limit=50`);
  const parts = [
    el('h3', {}, `Link ${link.id}`),
    definitions([['ends', `${link.node_a} – ${link.node_b}`], ['status', link.status], ['set by operator', link.admin_status], ['held down', link.held_down ? 'yes: imports leave it down until set up' : 'no'],
      ['measured', link.measured_status], ['key rate (bit/s)', number(link.key_rate_bps)], ['reserved (bit/s)', number(link.reserved_bps)],
      ['QBER', link.qber], ['length (km)', link.length_km], ['cost', link.cost]]),
  ];
  if (page.mayOperate) {
    const target = link.admin_status === 'down' ? 'up' : 'down';
    const result = el('p', { role: 'status' });
    parts.push(el('button', { type: 'button', id: 'link-toggle', class: target === 'down' ? 'danger' : '', onclick: async () => {
      try {
        const updated = await call('PATCH', `/api/v1/links/${encodeURIComponent(id)}`, { status: target });
        page.links.set(id, updated);
        page.map.updateLink(updated);
        await page.refresh();
      } catch (error) { result.textContent = problemText(error); }
    } }, `Set ${target}`), result);
  }
  parts.push(el('h3', {}, `Key paths over it (${paths.total})`), pathList(paths.items, page));
  return parts;
}

async function keyPathDetails(id, page) {
  const path = await call('GET', `/api/v1/key-paths/${encodeURIComponent(id)}`);
  const history = await call('GET', `/api/v1/events/history?subject=${encodeURIComponent(id)}`);
  page.map.highlight(path.routes);
  const parts = [
    el('h3', {}, `Key path ${path.source} → ${path.destination}`),
    definitions([['id', path.id], ['state', path.state], ['reason', path.reason], ['rate (bit/s)', number(path.rate_bps)],
      ['protection', path.protection], ['metric', path.metric], ['created', path.created_at], ['updated', path.updated_at]]),
    el('h3', {}, 'Routes'),
    el('ol', {}, ...(path.routes || []).map((r) => el('li', {}, `${r.role || 'route'}: ${(r.nodes || []).join(' → ')}`))),
    el('h3', {}, 'History'),
    el('ol', {}, ...history.items.map((e) => el('li', {}, `${e.time} ${e.kind} ${describeEvent(e.kind, e)}`))),
  ];
  if (page.mayOperate) {
    const result = el('p', { role: 'status' });
    parts.push(el('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete key path ${path.id}?`)) return;
      try { await call('DELETE', `/api/v1/key-paths/${encodeURIComponent(id)}`); page.map.highlight([]); page.deleted(); }
      catch (error) { result.textContent = problemText(error); }
    } }, 'Delete key path'), result);
  }
  return parts;
}
