// The network drawn in SVG: nodes placed by latitude and longitude (an equirectangular projection
// scaled at the network's mean latitude, which is close to true shape over a country), links coloured
// by the share of their key rate that is reserved and dashed when down. Pan by dragging or the arrow
// keys, zoom with the wheel or + and -. No tiles: the controller may have no internet.

const SVG = 'http://www.w3.org/2000/svg';

function element(name, attributes = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

/// Green (little reserved) through amber to red (full).
export function usageColour(reserved, rate) {
  const share = rate > 0 ? Math.min(1, reserved / rate) : 1;
  const hue = 140 - 140 * share;
  return `hsl(${hue.toFixed(0)} 70% 34%)`;
}

export class NetworkMap {
  constructor(svg, { onSelect }) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.view = { x: 0, y: 0, scale: 1 };
    this.nodes = new Map();
    this.links = new Map();
    this.nodeShapes = new Map();
    this.linkShapes = new Map();
    this.positions = new Map();
    // Ids, not elements: restyling a shape after an update rewrites its classes and must keep the mark.
    this.highlighted = { links: new Set(), nodes: new Set() };
    this.selected = null;
    this.root = element('g', {}, svg);
    this.linkLayer = element('g', {}, this.root);
    this.nodeLayer = element('g', {}, this.root);
    this.labelLayer = element('g', {}, this.root);
    this.listen();
  }

  /// Draws `nodes` and `links` afresh (a new topology); updates keep the shapes.
  draw(nodes, links, agents) {
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.links = new Map(links.map((l) => [l.id, l]));
    this.agents = agents;
    this.place();
    for (const layer of [this.linkLayer, this.nodeLayer, this.labelLayer]) layer.replaceChildren();
    this.nodeShapes.clear();
    this.linkShapes.clear();
    for (const link of this.links.values()) this.drawLink(link);
    for (const node of this.nodes.values()) this.drawNode(node);
    this.drawnScale = null;
    this._spacing = null;
    this.fit();
  }

  /// Positions in map units: projected coordinates; nodes without coordinates on a ring around them.
  place() {
    this.positions.clear();
    const placed = [...this.nodes.values()].filter((n) => Number.isFinite(n.latitude) && Number.isFinite(n.longitude));
    const meanLat = placed.length ? placed.reduce((s, n) => s + n.latitude, 0) / placed.length : 0;
    const k = Math.cos((meanLat * Math.PI) / 180);
    for (const n of placed) this.positions.set(n.id, { x: n.longitude * k * 100, y: -n.latitude * 100 });
    const unplaced = [...this.nodes.values()].filter((n) => !this.positions.has(n.id));
    if (unplaced.length) {
      let cx = 0, cy = 0, radius = 100;
      if (placed.length) {
        const xs = [...this.positions.values()].map((p) => p.x), ys = [...this.positions.values()].map((p) => p.y);
        const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
        cx = (minX + maxX) / 2; cy = (minY + maxY) / 2;
        radius = Math.max(maxX - minX, maxY - minY) / 2 + 40;
      } else {
        radius = Math.max(100, unplaced.length * 6);
      }
      unplaced.forEach((n, i) => {
        const angle = (2 * Math.PI * i) / unplaced.length;
        this.positions.set(n.id, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) });
      });
    }
  }

  drawLink(link) {
    const a = this.positions.get(link.node_a), b = this.positions.get(link.node_b);
    if (!a || !b) return;
    const group = element('g', { 'data-link': link.id }, this.linkLayer);
    const line = element('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'link' }, group);
    const hit = element('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'hit', 'stroke-width': 10 }, group);
    const title = element('title', {}, group);
    hit.addEventListener('click', (event) => { event.stopPropagation(); this.onSelect({ kind: 'link', id: link.id }); });
    this.linkShapes.set(link.id, { group, line, hit, title });
    this.styleLink(link);
  }

  styleLink(link) {
    const shape = this.linkShapes.get(link.id);
    if (!shape) return;
    const down = link.status !== 'up';
    shape.line.setAttribute('class', `link${down ? ' down' : ''}${this.highlighted.links.has(link.id) ? ' highlight' : ''}`);
    shape.line.setAttribute('stroke', down ? '#4a5260' : usageColour(link.reserved_bps, link.key_rate_bps));
    shape.line.setAttribute('stroke-width', String(this.lineWidth()));
    shape.group.dataset.status = link.status;
    shape.title.textContent = `${link.id}: ${link.node_a} – ${link.node_b}, ${link.status}, ` +
      `${Math.round(link.reserved_bps)} of ${Math.round(link.key_rate_bps)} bit/s reserved`;
  }

  drawNode(node) {
    const p = this.positions.get(node.id);
    const r = this.nodeRadius();
    const shape = node.trusted
      ? element('rect', { x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r }, this.nodeLayer)
      : element('circle', { cx: p.x, cy: p.y, r }, this.nodeLayer);
    shape.dataset.node = node.id;
    const title = element('title', {}, shape);
    shape.addEventListener('click', (event) => { event.stopPropagation(); this.onSelect({ kind: 'node', id: node.id }); });
    const label = element('text', { x: p.x + r + 2, y: p.y + 4, class: 'label' }, this.labelLayer);
    label.textContent = node.name || node.id;
    label.dataset.label = node.id;
    this.nodeShapes.set(node.id, { shape, title, label });
    this.styleNode(node);
  }

  styleNode(node) {
    const entry = this.nodeShapes.get(node.id);
    if (!entry) return;
    const agent = this.agents && this.agents.get(node.id);
    const state = node.status === 'down' ? 'down' : agent && agent.state === 'unreachable' ? 'unreachable' : '';
    const mark = this.highlighted.nodes.has(node.id) ? 'highlight' : '';
    entry.shape.setAttribute('class', `node ${node.trusted ? 'relay' : 'end'} ${state} ${mark}`.replace(/ +/g, ' ').trim());
    entry.shape.dataset.state = state || 'ok';
    const name = node.name || node.id;
    if (entry.label.textContent !== name) { entry.label.textContent = name; entry.labelWidth = null; this.drawnScale = null; }
    entry.title.textContent = `${node.name || node.id} (${node.trusted ? 'trusted relay' : 'end node'}), ${node.status}` +
      (agent ? `, agent ${agent.state}` : ', no agent');
  }

  updateLink(link) {
    this.links.set(link.id, link);
    if (!this.linkShapes.has(link.id)) this.drawLink(link); else this.styleLink(link);
  }

  updateNode(node) {
    this.nodes.set(node.id, node);
    this.styleNode(node);
  }

  setAgents(agents) {
    this.agents = agents;
    for (const node of this.nodes.values()) this.styleNode(node);
  }

  /// Marks the links and nodes of `routes` (a key path's), clearing the previous marks.
  highlight(routes) {
    const previous = this.highlighted;
    this.highlighted = {
      links: new Set((routes || []).flatMap((route) => route.links || [])),
      nodes: new Set((routes || []).flatMap((route) => route.nodes || [])),
    };
    for (const id of new Set([...previous.links, ...this.highlighted.links])) {
      const shape = this.linkShapes.get(id);
      if (shape) shape.line.classList.toggle('highlight', this.highlighted.links.has(id));
    }
    for (const id of new Set([...previous.nodes, ...this.highlighted.nodes])) {
      const shape = this.nodeShapes.get(id);
      if (shape) shape.shape.classList.toggle('highlight', this.highlighted.nodes.has(id));
    }
  }

  select(selection) {
    if (this.selected) this.selected.classList.remove('selected');
    this.selected = null;
    if (!selection) return;
    const shape = selection.kind === 'node' ? this.nodeShapes.get(selection.id)?.shape : this.linkShapes.get(selection.id)?.line;
    if (shape) { shape.classList.add('selected'); this.selected = shape; }
  }

  nodeRadius() { return 4; }
  lineWidth() { return 2.5; }

  // MARK: view

  bounds() {
    const xs = [...this.positions.values()].map((p) => p.x), ys = [...this.positions.values()].map((p) => p.y);
    if (!xs.length) return { minX: -100, maxX: 100, minY: -100, maxY: 100 };
    return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  }

  fit() {
    const { width, height } = this.svg.getBoundingClientRect();
    const b = this.bounds();
    const w = Math.max(b.maxX - b.minX, 1), h = Math.max(b.maxY - b.minY, 1);
    const scale = Math.min((width || 800) / (w * 1.15), (height || 500) / (h * 1.15));
    this.view = { scale, x: (width || 800) / 2 - ((b.minX + b.maxX) / 2) * scale, y: (height || 500) / 2 - ((b.minY + b.maxY) / 2) * scale };
    this.apply();
  }

  zoom(factor, cx, cy) {
    const { width, height } = this.svg.getBoundingClientRect();
    cx = cx ?? width / 2; cy = cy ?? height / 2;
    const scale = Math.min(Math.max(this.view.scale * factor, 1e-3), 1e6);
    const f = scale / this.view.scale;
    this.view = { scale, x: cx - (cx - this.view.x) * f, y: cy - (cy - this.view.y) * f };
    this.apply();
  }

  pan(dx, dy) {
    this.view.x += dx;
    this.view.y += dy;
    this.apply();
  }

  /// Shapes keep their on-screen size: radius and stroke are divided by the scale.
  apply() {
    const { x, y, scale } = this.view;
    this.root.setAttribute('transform', `translate(${x} ${y}) scale(${scale})`);
    // A pan moves the group only: shapes are resized when the scale changes.
    if (scale === this.drawnScale && this.drawnCount === this.nodeShapes.size + this.linkShapes.size) return;
    this.drawnScale = scale;
    this.drawnCount = this.nodeShapes.size + this.linkShapes.size;
    const r = 5 / scale, w = 2.5 / scale;
    this.nodeRadius = () => r;
    this.lineWidth = () => w;
    for (const [id, entry] of this.nodeShapes) {
      const p = this.positions.get(id);
      if (entry.shape.tagName === 'rect') {
        entry.shape.setAttribute('x', p.x - r); entry.shape.setAttribute('y', p.y - r);
        entry.shape.setAttribute('width', 2 * r); entry.shape.setAttribute('height', 2 * r);
      } else {
        entry.shape.setAttribute('r', r);
      }
      entry.shape.setAttribute('stroke-width', 1 / scale);
      entry.label.setAttribute('font-size', 11 / scale);
      entry.label.setAttribute('stroke-width', 3 / scale);
    }
    // Names only once they can be read: a thousand labels on top of each other tell nothing.
    const readable = this.nodes.size <= 60 || scale * this.spacing() > 60;
    this.labelLayer.style.display = readable ? '' : 'none';
    if (readable) this.placeLabels(scale);
    for (const shape of this.linkShapes.values()) {
      shape.line.setAttribute('stroke-width', w);
      shape.hit.setAttribute('stroke-width', 10 / scale);
    }
  }

  /// Puts each name beside its node where it covers no other name and no other node, trying eight
  /// places (right of the node first); a name with no free place is left out until zooming in makes
  /// room (its node's tooltip still names it). Busier nodes are named first. Works in screen pixels,
  /// with a grid of cells so that each name is checked only against its neighbours.
  placeLabels(scale) {
    // A line of 11 px text is about 14 px tall from ascender to descender.
    const radius = 5, gap = 3, height = 14, cell = 48;
    const grid = new Map();
    const cells = (box, add) => {
      const found = [];
      for (let i = Math.floor(box.left / cell); i <= Math.floor(box.right / cell); i++) {
        for (let j = Math.floor(box.top / cell); j <= Math.floor(box.bottom / cell); j++) {
          const key = `${i},${j}`;
          if (add) { if (!grid.has(key)) grid.set(key, []); grid.get(key).push(box); }
          else for (const other of grid.get(key) || []) found.push(other);
        }
      }
      return found;
    };
    const overlaps = (box) => cells(box, false).some((o) => o.owner !== box.owner &&
      box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom);
    const screen = (id) => { const p = this.positions.get(id); return { x: p.x * scale, y: p.y * scale }; };
    for (const id of this.nodeShapes.keys()) {
      const p = screen(id);
      cells({ owner: id, left: p.x - radius, right: p.x + radius, top: p.y - radius, bottom: p.y + radius }, true);
    }
    const degree = new Map();
    for (const link of this.links.values()) {
      for (const end of [link.node_a, link.node_b]) degree.set(end, (degree.get(end) || 0) + 1);
    }
    const order = [...this.nodeShapes.keys()].sort((a, b) => (degree.get(b) || 0) - (degree.get(a) || 0) || (a < b ? -1 : 1));
    for (const id of order) {
      const entry = this.nodeShapes.get(id);
      if (entry.labelWidth == null) {
        entry.label.style.display = '';
        entry.label.setAttribute('text-anchor', 'start');
        entry.labelWidth = (entry.label.getComputedTextLength() * scale || 6.5 * entry.label.textContent.length) + 2;
      }
      const p = screen(id), w = entry.labelWidth, near = radius + gap;
      // [left edge, top] of each candidate, in the order tried.
      const candidates = [
        [p.x + near, p.y - height / 2], [p.x - near - w, p.y - height / 2],
        [p.x - w / 2, p.y - near - height], [p.x - w / 2, p.y + near],
        [p.x + near, p.y - near - height + 4], [p.x + near, p.y + near - 4],
        [p.x - near - w, p.y - near - height + 4], [p.x - near - w, p.y + near - 4],
      ];
      const spot = candidates.map(([left, top]) => ({ owner: id, left, top, right: left + w, bottom: top + height }))
        .find((box) => !overlaps(box));
      if (!spot) { entry.label.style.display = 'none'; continue; }
      cells(spot, true);
      entry.label.style.display = '';
      entry.label.setAttribute('text-anchor', 'start');
      // The baseline sits about a quarter of the height above the box's bottom.
      entry.label.setAttribute('x', (spot.left + 1) / scale);
      entry.label.setAttribute('y', (spot.bottom - height * 0.25) / scale);
    }
  }

  /// Typical distance between neighbours, in map units.
  spacing() {
    if (this._spacing) return this._spacing;
    const b = this.bounds();
    this._spacing = Math.sqrt(((b.maxX - b.minX) * (b.maxY - b.minY)) / Math.max(this.nodes.size, 1)) || 1;
    return this._spacing;
  }

  listen() {
    let drag = null;
    this.svg.addEventListener('pointerdown', (event) => {
      drag = { x: event.clientX, y: event.clientY, moved: false };
    });
    this.svg.addEventListener('pointermove', (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 3) return;
      if (!drag.moved) this.svg.setPointerCapture(event.pointerId);
      drag.moved = true;
      this.svg.classList.add('panning');
      drag.x = event.clientX; drag.y = event.clientY;
      this.pan(dx, dy);
    });
    const end = (event) => {
      if (drag && drag.moved) {
        // A drag is not a click on what it ended over.
        this.svg.addEventListener('click', (e) => e.stopPropagation(), { capture: true, once: true });
      }
      drag = null;
      this.svg.classList.remove('panning');
      if (event.pointerId !== undefined && this.svg.hasPointerCapture(event.pointerId)) this.svg.releasePointerCapture(event.pointerId);
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', end);
    this.svg.addEventListener('wheel', (event) => {
      event.preventDefault();
      const box = this.svg.getBoundingClientRect();
      this.zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, event.clientX - box.left, event.clientY - box.top);
    }, { passive: false });
    this.svg.addEventListener('keydown', (event) => {
      const step = 40;
      const keys = {
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0), ArrowUp: () => this.pan(0, step),
        ArrowDown: () => this.pan(0, -step), '+': () => this.zoom(1.2), '=': () => this.zoom(1.2), '-': () => this.zoom(1 / 1.2),
        '0': () => this.fit(),
      };
      if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
    });
  }
}
