// The controller's event stream (GET /api/v1/events), read with fetch rather than EventSource, which
// drops events of kinds it has no listener for (those are shown raw here); and the page's event log.

import { el } from './dom.js';

export const knownKinds = new Set([
  'node.status', 'node.created', 'node.deleted', 'link.status', 'link.created', 'link.deleted', 'topology.imported',
  'agent.alarm', 'agent.event', 'key_path.created', 'key_path.state', 'key_path.rerouted', 'key_path.deleted', 'gap',
]);

/// Follows the stream until stop(). After a drop (a restart of the controller, say) it reconnects
/// with ?after= the last id it saw, backing off, so nothing is lost. Each event goes to
/// onEvent(kind, parsed or null, raw text); onStatus hears 'Live' and 'Reconnecting…'; a 401 ends it.
export class EventStream {
  constructor({ onEvent, onStatus, onSignedOut }) {
    Object.assign(this, { onEvent, onStatus, onSignedOut });
    this.lastId = null;
    this.controller = null;
  }

  async follow() {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    let delay = 500;
    while (this.controller === controller) {
      try {
        const query = this.lastId === null ? '' : `?after=${this.lastId}`;
        const response = await fetch(`/api/v1/events${query}`, { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: controller.signal });
        if (response.status === 401) { this.controller = null; this.onSignedOut(); return; }
        if (!response.ok) throw new Error(`event stream: HTTP ${response.status}`);
        this.onStatus('Live');
        delay = 500;
        await this.read(response.body);
      } catch (error) {
        if (controller.signal.aborted) return;
      }
      if (this.controller !== controller) return;
      this.onStatus('Reconnecting…');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }

  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
  }

  async read(body) {
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
        this.dispatch(block);
      }
    }
  }

  dispatch(block) {
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
    if (id !== null && /^\d+$/.test(id)) this.lastId = Number(id);
    const raw = data.join('\n');
    let parsed = null;
    try { parsed = JSON.parse(raw); } catch { parsed = null; }
    if (kind === 'gap' && parsed && Number.isFinite(parsed.resumed_after)) this.lastId = parsed.resumed_after;
    this.onEvent(kind, parsed, raw);
  }
}

/// The newest events first, at most `capacity` of them: a page left open for days stays the same size.
export class EventLog {
  constructor(list, capacity) {
    this.list = list;
    this.capacity = capacity;
  }

  add(kind, event, raw) {
    const item = knownKinds.has(kind) && event
      ? el('li', { 'data-kind': kind }, el('span', { class: 'kind' }, kind), `${event.time ?? ''} ${describeEvent(kind, event)}`)
      : el('li', { 'data-kind': kind }, el('span', { class: 'kind' }, kind || 'message'), el('span', { class: 'raw' }, raw));
    this.list.prepend(item);
    while (this.list.childElementCount > this.capacity) this.list.lastElementChild.remove();
  }
}

export function describeEvent(kind, event) {
  const d = event.data || {};
  if (kind === 'gap') return `resumed after ${event.resumed_after}`;
  if (kind === 'topology.imported') {
    return `${d.file} (${d.mode}): nodes +${d.nodes_created} ~${d.nodes_updated} −${d.nodes_removed}, ` +
      `links +${d.links_created} ~${d.links_updated} −${d.links_removed}`;
  }
  if (d.from !== undefined && d.to !== undefined) return `${event.subject}: ${d.from} → ${d.to}${d.reason ? ` (${d.reason})` : ''}`;
  if (kind === 'link.created') return `${event.subject}: ${d.node_a} – ${d.node_b}`;
  return `${event.subject ?? ''} ${d.message ?? ''}`.trim();
}
