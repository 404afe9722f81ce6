// views/network.js — the network diagram: a tile per input feature the server offers (click
// to switch it on or off), every neuron as a small heatmap of its activation over the input space (hover for a
// large one), links whose colour and width show the weight, a bias square per neuron, and, on
// the owner's page, per-layer neuron +/- buttons and click-to-edit of a weight or bias.
// The diagnostics mark the neurons of the live run: a dead unit greyed and labelled "dead", a
// saturated one labelled "saturated".
// From the keyboard it is one Tab stop (a roving tabindex): the arrow keys move between
// neurons and links (netnav.js), Enter edits the focused link's weight or neuron's bias, Escape
// closes the editor and gives the focus back. Each neuron and link is named with its value.
// The DOM is rebuilt only when the architecture changes; snapshots only repaint (and rename:
// every item while paused, only the focused one while running).
// Leaves out: the hidden-layer count controls (controls.js) and sending changes (callbacks).

import { css, makeScale, weightColor } from '../colors.js';
import { featureFunction } from '../features.js';
import { sig, sup } from '../format.js';
import { featureLabel, features as allFeatures, limits } from '../meta.js';
import { itemKey, move } from '../netnav.js';
import { neuronScale, paintChannel } from './paint.js';

const SVG = 'http://www.w3.org/2000/svg';
const FEATURE_RES = 16;

/** A decoded-grid-like object for a feature over the domain (for painting its tile). */
export function featureGrid(name, domain, res = FEATURE_RES) {
  const [x0, x1, y0, y1] = domain;
  const fn = featureFunction(name) || (() => 0); // a notation the page cannot read: a blank tile
  const values = new Float32Array(res * res);
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < res; r++) {
    const b = y1 - (r / (res - 1)) * (y1 - y0);
    for (let c = 0; c < res; c++) {
      const a = x0 + (c / (res - 1)) * (x1 - x0);
      const v = fn(a, b);
      values[r * res + c] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { shape: [1, res, res], min, max, values };
}

/** A cubic curve from the right edge of box `from` to the left edge of box `to`. */
function curve(from, to) {
  const xa = from.x + from.s;
  const ya = from.y + from.s / 2;
  const xb = to.x;
  const yb = to.y + to.s / 2;
  const mx = (xa + xb) / 2;
  return `M${xa},${ya} C${mx},${ya} ${mx},${yb} ${xb},${yb}`;
}

function svgPath(d, cls) {
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('class', cls);
  return path;
}

/** Tag an element as parameter W^l[i, j] or b^l[i] (read back by _target). */
function markParameter(el, kind, l, i, j = null) {
  el.dataset.kind = kind;
  el.dataset.l = String(l);
  el.dataset.i = String(i);
  if (j !== null) el.dataset.j = String(j);
}

function smallButton(text, label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

function nodeSize(n) {
  if (n <= 8) return 40;
  if (n <= 16) return 26;
  return 16;
}

export class NetworkView {
  /**
   * @param {HTMLElement} root
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{editable?: boolean, onToggleFeature?, onNeurons?, onEditParameter?}} options
   */
  constructor(root, store, loop, { editable = false, onToggleFeature = null, onNeurons = null, onEditParameter = null } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.editable = editable;
    this.onToggleFeature = onToggleFeature;
    this.onNeurons = onNeurons;
    this.onEditParameter = onEditParameter;
    this.key = null;
    root.classList.add('network');
    this.preview = document.createElement('div');
    this.preview.className = 'neuron-preview';
    this.preview.hidden = true;
    this.previewCanvas = document.createElement('canvas');
    this.previewLabel = document.createElement('div');
    this.preview.append(this.previewCanvas, this.previewLabel);
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    this.editor = this._makeEditor();
    this.current = { kind: 'b', l: 1, i: 0 }; // the diagram's one Tab stop
    this.items = new Map(); // itemKey -> {el, t, name}
    root.addEventListener('keydown', (e) => this._key(e));
    root.addEventListener('focusin', (e) => this._focused(e));
    root.addEventListener('focusout', () => { if (!this.previewHover) this.preview.hidden = true; });
    store.on(['snapshot', 'config', 'layers', 'network', 'hide', 'status', 'diagnostics', 'scrub'], () => loop.invalidate(this));
    new ResizeObserver(() => { this.key = null; loop.invalidate(this); }).observe(root);
  }

  /** Layer sizes [inputs, hidden..., outputs] from the snapshot (else the summary). */
  sizes() {
    const snap = this.store.get('snapshot');
    if (snap && snap.weights && snap.weights.length) {
      return [snap.weights[0][0].length, ...snap.weights.map((w) => w.length)];
    }
    return this.store.get('layers');
  }

  reset() {
    this.key = null;
    this.loop.invalidate(this);
  }

  update() {
    const config = this.store.get('config');
    if (!config) return;
    const sizes = this.sizes();
    const features = config.features;
    if (sizes[0] !== features.length) return; // a snapshot of the old architecture
    const width = this.root.clientWidth;
    const key = JSON.stringify([sizes, features, width, this.store.get('role'), this.store.get('hide')]);
    if (key !== this.key) {
      this.key = key;
      this._build(sizes, features, width);
    }
    this._paint();
    this._marks();
  }

  /** The diagnostics' dead and saturated units, marked (not on a rewound epoch: they are now's). */
  _marks() {
    const d = this.store.get('scrub') ? null : this.store.get('diagnostics');
    const layers = (d && d.layers) || [];
    this.nodes.forEach((canvases, k) => {
      const found = layers.find((x) => x.l === k + 1);
      canvases.forEach((canvas, i) => {
        const mark = found && found.dead.includes(i) ? 'dead' : found && found.saturated.includes(i) ? 'saturated' : '';
        if (this._mark(canvas.parentElement, mark)) {
          const item = this.items.get(itemKey({ kind: 'b', l: k + 1, i }));
          if (item) this._name(item, this.store.get('snapshot'));
        }
      });
    });
  }

  /** Mark a neuron's node dead, saturated or neither; whether that changed its mark. */
  _mark(node, mark) {
    if ((node.dataset.mark || '') === mark) return false;
    node.dataset.mark = mark;
    node.classList.toggle('dead', mark === 'dead');
    node.classList.toggle('saturated', mark === 'saturated');
    if (node.markLabel) node.markLabel.remove();
    node.markLabel = null;
    if (!mark) return true;
    const label = document.createElement('span');
    label.className = `neuron-mark ${mark}`;
    label.textContent = mark;
    label.title = mark === 'dead' ? 'Dead: its output is 0 for every training point, so it passes no gradient back'
      : 'Saturated: |z| is large for most points, so its derivative is almost 0';
    const px = (v) => parseFloat(v) || 0;
    label.style.left = `${px(node.style.left) + px(node.style.width) / 2}px`;
    label.style.top = `${px(node.style.top) + px(node.style.height)}px`;
    node.markLabel = label;
    this.root.append(label);
    return true;
  }

  _build(sizes, features, width) {
    const active = this.root.contains(document.activeElement) ? document.activeElement : null;
    const focused = active && active.dataset.feature;
    const onItem = active && this._itemOf(active);
    this.root.replaceChildren();
    this.items = new Map();
    const layout = this._layout(sizes, width);
    this.root.style.height = `${layout.height}px`;
    // In Tab order: the feature tiles, the layers' +/- buttons, then the diagram's one stop.
    this._buildInputs(features, layout.pos[0]);
    this._buildLayerButtons(sizes.slice(1, -1), layout);
    this._buildNeurons(sizes, layout.pos);
    this._buildLinks(sizes, features, layout);
    this.root.append(this.preview, this.tip, this.editor.box);
    if (!this.items.has(itemKey(this.current))) this.current = { kind: 'b', l: 1, i: 0 };
    this._rove(this.current, Boolean(onItem));
    // A feature switched from the keyboard keeps the focus on its (rebuilt) tile.
    if (focused) this.inputs.find((tile) => tile.dataset.feature === focused)?.focus();
  }

  /** Register a neuron or link element as a keyboard item (named by _names). */
  _item(el, t) {
    el.tabIndex = -1;
    el.setAttribute('role', this._canEdit() ? 'button' : 'img');
    const item = { el, t, name: null };
    this.items.set(itemKey(t), item);
    this._name(item, null);
  }

  _itemOf(el) {
    const key = el.dataset && el.dataset.item;
    return key && this.items.has(key) ? this.items.get(key) : null;
  }

  /** Make `t` the diagram's Tab stop, focusing it when `focus`. */
  _rove(t, focus = false) {
    const next = this.items.get(itemKey(t));
    if (!next) return;
    const prev = this.items.get(itemKey(this.current));
    if (prev) prev.el.tabIndex = -1;
    this.current = t;
    next.el.tabIndex = 0;
    this._name(next, this.store.get('snapshot'));
    if (focus) next.el.focus();
  }

  _key(e) {
    const item = this._itemOf(e.target);
    if (!item || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      if (!this._canEdit()) return;
      e.preventDefault();
      const box = item.el.getBoundingClientRect();
      this._openEditor(item.t, box.left + box.width / 2, box.bottom, true);
      return;
    }
    const to = move(this.sizes(), item.t, e.key);
    if (!to && !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(e.key)) return;
    e.preventDefault(); // the arrows move within the diagram, never scroll the page
    if (to) this._rove(to, true);
  }

  _focused(e) {
    const item = this._itemOf(e.target);
    if (!item) return;
    if (itemKey(item.t) !== itemKey(this.current)) this._rove(item.t);
    if (item.t.kind === 'b') this._showPreview(item.t.l, item.t.i, item.el);
    else this.preview.hidden = true;
  }

  /**
   * Where everything goes: a column per layer (every feature tile first), a node size per
   * column, node boxes {x, y, s} per column, and the diagram's height.
   */
  _layout(sizes, width) {
    const columns = [allFeatures().length, ...sizes.slice(1)];
    const ncol = columns.length;
    const margin = 6;
    const headerH = this.editable ? 30 : 8;
    const left = 46; // room for the feature labels
    const usable = Math.max(120, width - left - margin);
    const sizeLimit = usable / (ncol * 1.7);
    const size = columns.map((n) => Math.max(12, Math.min(nodeSize(n), sizeLimit)));
    const gapFor = (s) => Math.max(4, Math.round(s * 0.35));
    const colX = columns.map((_, c) => left + (c * (usable - size[c])) / Math.max(1, ncol - 1));
    const height = Math.max(...columns.map((n, c) => n * (size[c] + gapFor(size[c])))) + headerH + 10;
    const pos = columns.map((n, c) => {
      const s = size[c];
      const total = n * (s + gapFor(s)) - gapFor(s);
      const top = headerH + Math.max(0, (height - headerH - 10 - total) / 2);
      return Array.from({ length: n }, (_, i) => ({ x: colX[c], y: top + i * (s + gapFor(s)), s }));
    });
    return { width, height, colX, size, pos };
  }

  /**
   * One curve per weight (coloured by _paint), with wider invisible hit paths when few (<= 600);
   * the keyboard items are the hit paths, else the curves themselves, never inside aria-hidden.
   */
  _buildLinks(sizes, features, { width, height, pos }) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'links');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    this.links = [];
    const linkGroup = document.createElementNS(SVG, 'g');
    const hitGroup = document.createElementNS(SVG, 'g');
    hitGroup.setAttribute('class', 'hits');
    let totalLinks = 0;
    for (let l = 1; l < sizes.length; l++) totalLinks += sizes[l] * sizes[l - 1];
    const withHits = totalLinks <= 600;
    const inputs = allFeatures();
    for (let l = 1; l < sizes.length; l++) {
      for (let i = 0; i < sizes[l]; i++) {
        for (let j = 0; j < sizes[l - 1]; j++) {
          const from = l === 1 ? pos[0][inputs.indexOf(features[j])] : pos[l - 1][j];
          const d = curve(from, pos[l][i]);
          const path = svgPath(d, 'link');
          linkGroup.append(path);
          this.links.push({ path, l, i, j });
          const target = withHits ? svgPath(d, 'hit') : path;
          markParameter(target, 'W', l, i, j);
          target.dataset.item = itemKey({ kind: 'W', l, i, j });
          this._item(target, { kind: 'W', l, i, j });
          if (withHits) hitGroup.append(target);
        }
      }
    }
    // Drawn curves are hidden from assistive technology only where the hit paths are the
    // items; when there are too many for hit paths, the curves are the (named) items.
    if (withHits) linkGroup.setAttribute('aria-hidden', 'true');
    svg.append(linkGroup, hitGroup);
    this.root.append(svg);
    svg.addEventListener('pointerover', (e) => this._tipFor(e));
    svg.addEventListener('pointerout', () => { this.tip.hidden = true; });
    svg.addEventListener('click', (e) => this._editFrom(e));
  }

  /** A tile per feature the server offers, painted with the feature over the domain. */
  _buildInputs(features, column) {
    this.inputs = [];
    const domain = this._domain();
    const togglable = this.editable && !(this.store.get('hide') || []).includes('features');
    allFeatures().forEach((name, k) => {
      const p = column[k];
      const active = features.includes(name);
      const text = featureLabel(name);
      const tile = document.createElement(togglable ? 'button' : 'div');
      tile.className = `node input${active ? ' active' : ''}`;
      tile.dataset.feature = name;
      if (togglable) {
        tile.type = 'button';
        tile.setAttribute('aria-pressed', String(active));
        tile.addEventListener('click', () => this.onToggleFeature && this.onToggleFeature(name));
      } else {
        tile.setAttribute('role', 'img');
      }
      const state = active ? 'on' : 'off';
      tile.title = togglable ? `${text}: ${state} (click to switch ${active ? 'off' : 'on'})` : `${text}: ${state}`;
      tile.setAttribute('aria-label', `Input feature ${text}, ${state}`);
      this._place(tile, p);
      const canvas = document.createElement('canvas');
      const grid = featureGrid(name, domain);
      const m = Math.max(Math.abs(grid.min), Math.abs(grid.max), 1e-9);
      paintChannel(canvas, grid, 0, makeScale(-m, m));
      const label = document.createElement('span');
      label.className = 'input-label';
      label.setAttribute('aria-hidden', 'true'); // the tile's name says it
      label.textContent = text;
      tile.append(canvas);
      this.root.append(tile, label);
      label.style.left = `${p.x - 4}px`;
      label.style.top = `${p.y + p.s / 2}px`;
      this.inputs.push(tile);
    });
    this.domainKey = JSON.stringify(domain);
  }

  /** Every neuron as a small heatmap canvas with its bias square at its lower left corner. */
  _buildNeurons(sizes, pos) {
    this.nodes = [];
    this.biases = [];
    for (let l = 1; l < sizes.length; l++) {
      const layer = [];
      const isOut = l === sizes.length - 1;
      for (let i = 0; i < sizes[l]; i++) {
        const p = pos[l][i];
        const node = document.createElement('div');
        node.className = `node neuron${isOut ? ' output' : ''}`;
        this._place(node, p);
        const canvas = document.createElement('canvas');
        node.append(canvas);
        node.dataset.item = itemKey({ kind: 'b', l, i });
        this._item(node, { kind: 'b', l, i });
        node.addEventListener('pointerenter', () => { this.previewHover = true; this._showPreview(l, i, node); });
        node.addEventListener('pointerleave', () => { this.previewHover = false; this.preview.hidden = true; });
        const bias = this._biasSquare(l, i, p);
        this.root.append(node, bias);
        layer.push(canvas);
        this.biases.push({ el: bias, l, i });
      }
      this.nodes.push(layer);
    }
  }

  /**
   * The bias square at a neuron's lower left corner: a pointer target of at least 24 × 24 px
   * (WCAG 2.5.8) around the small square drawn. From the keyboard, the neuron edits its bias.
   */
  _biasSquare(l, i, p) {
    const bias = document.createElement('div');
    bias.className = 'bias';
    bias.setAttribute('aria-hidden', 'true');
    markParameter(bias, 'b', l, i);
    const bs = Math.max(6, Math.round(p.s / 4));
    const hit = Math.max(24, bs);
    bias.style.setProperty('--size', `${bs}px`);
    bias.style.width = `${hit}px`;
    bias.style.height = `${hit}px`;
    bias.style.left = `${p.x - hit / 2}px`;
    bias.style.top = `${p.y + p.s - hit / 2}px`;
    bias.addEventListener('pointerover', (e) => this._tipFor(e));
    bias.addEventListener('pointerout', () => { this.tip.hidden = true; });
    if (this.editable) bias.addEventListener('click', (e) => this._editFrom(e));
    return bias;
  }

  /** On the owner's page: − count + above each hidden layer. */
  _buildLayerButtons(hidden, { colX, size }) {
    if (!this.editable || !this.onNeurons || (this.store.get('hide') || []).includes('layers')) return;
    const { maxNeurons } = limits();
    hidden.forEach((n, h) => {
      const c = h + 1;
      const box = document.createElement('div');
      box.className = 'layer-head';
      const minus = smallButton('−', `Remove a neuron from hidden layer ${c}`, () => this.onNeurons(h, -1));
      minus.disabled = n <= 1;
      const plus = smallButton('+', `Add a neuron to hidden layer ${c}`, () => this.onNeurons(h, +1));
      plus.disabled = n >= maxNeurons;
      const count = document.createElement('span');
      count.textContent = String(n);
      count.title = `${n} neuron${n === 1 ? '' : 's'} in hidden layer ${c}`;
      box.append(minus, count, plus);
      box.style.left = `${colX[c] + size[c] / 2}px`;
      this.root.append(box);
    });
  }

  _place(el, p) {
    el.style.left = `${p.x}px`;
    el.style.top = `${p.y}px`;
    el.style.width = `${p.s}px`;
    el.style.height = `${p.s}px`;
  }

  _domain() {
    const snap = this.store.get('snapshot');
    const ds = this.store.get('dataset');
    return (snap && snap.domain) || (ds && ds.domain) || [-6, 6, -6, 6];
  }

  _activation(l) {
    const net = this.store.get('network') || {};
    const last = this.sizes().length - 1;
    return l === last ? net.output_activation || 'sigmoid' : net.hidden_activation || 'sigmoid';
  }

  _paint() {
    const snap = this.store.get('snapshot');
    if (!snap || !snap.weights) return;
    if (JSON.stringify(snap.domain) !== this.domainKey) { this.key = null; return; }
    let maxAbs = 1e-9;
    for (const W of snap.weights) for (const row of W) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v));
    this.weightRange = maxAbs;
    for (const link of this.links) {
      const v = snap.weights[link.l - 1][link.i][link.j];
      link.path.setAttribute('stroke', css(weightColor(v, maxAbs)));
      link.path.setAttribute('stroke-width', String(0.6 + 5 * Math.min(1, Math.abs(v) / maxAbs)));
    }
    let bMax = 1e-9;
    for (const b of snap.biases) for (const row of b) bMax = Math.max(bMax, Math.abs(row[0]));
    for (const b of this.biases) {
      b.el.style.setProperty('--fill', css(weightColor(snap.biases[b.l - 1][b.i][0], bMax)));
    }
    snap.neurons.forEach((grid, k) => {
      const layer = this.nodes[k];
      if (!layer) return;
      const scale = neuronScale(this._activation(k + 1), grid);
      layer.forEach((canvas, i) => {
        if (i < grid.shape[0]) paintChannel(canvas, grid, i, scale);
      });
    });
    if (!this.preview.hidden && this.previewFor) this._paintPreview();
    this._names(snap);
  }

  /** Name the items with their values: all of them unless a run is going (then the focused one). */
  _names(snap) {
    if (this.store.get('status') !== 'running') {
      for (const item of this.items.values()) this._name(item, snap);
    } else {
      const item = this.items.get(itemKey(this.current));
      if (item) this._name(item, snap);
    }
  }

  /** What item `t` is, without its value ("Weight from x₁ to layer 1 neuron 2"). */
  _label(t) {
    const { kind, l, i, j } = t;
    const sizes = this.sizes();
    const what = (layer, k) => {
      if (layer === 0) return featureLabel(this.store.get('config').features[k]);
      if (layer === sizes.length - 1) return sizes[layer] > 1 ? `output ${k + 1}` : 'the output';
      return `layer ${layer} neuron ${k + 1}`;
    };
    if (kind === 'W') return `Weight from ${what(l - 1, j)} to ${what(l, i)}`;
    const name = what(l, i).replace(/^the /, '');
    return `${name[0].toUpperCase()}${name.slice(1)}, bias`;
  }

  /** Set an item's name: what it is and (once a snapshot is in) its value. */
  _name(item, snap) {
    const v = snap && snap.weights ? this._param(item.t.kind, item.t.l, item.t.i, item.t.j) : null;
    const label = this._label(item.t);
    const named = v == null ? label : `${label}${item.t.kind === 'W' ? ':' : ''} ${sig(v, 3)}`;
    const node = item.t.kind === 'b' && this.nodes && this.nodes[item.t.l - 1]?.[item.t.i]?.parentElement;
    const name = node && node.dataset.mark ? `${named} (${node.dataset.mark})` : named;
    if (name !== item.name) {
      item.name = name;
      item.el.setAttribute('aria-label', name);
    }
  }

  _showPreview(l, i, node) {
    this.previewFor = { l, i };
    const left = node.offsetLeft + node.offsetWidth + 8;
    const maxLeft = this.root.clientWidth - 170;
    this.preview.style.left = `${Math.max(0, Math.min(left, maxLeft))}px`;
    this.preview.style.top = `${Math.max(0, node.offsetTop - 40)}px`;
    this.preview.hidden = false;
    this._paintPreview();
  }

  _paintPreview() {
    const snap = this.store.get('snapshot');
    const { l, i } = this.previewFor;
    if (!snap || !snap.neurons[l - 1]) return;
    const grid = snap.neurons[l - 1];
    paintChannel(this.previewCanvas, grid, i, neuronScale(this._activation(l), grid));
    const last = this.sizes().length - 1;
    const what = l === last ? `output ${i + 1}` : `layer ${l}, neuron ${i + 1}`;
    this.previewLabel.textContent = `a${sup(l)} — ${what} (${this._activation(l)})`;
  }

  _param(kind, l, i, j) {
    const snap = this.store.get('snapshot');
    if (!snap) return null;
    return kind === 'W' ? snap.weights[l - 1][i][j] : snap.biases[l - 1][i][0];
  }

  _describe(t) {
    const { kind, l, i, j } = t;
    return kind === 'W' ? `W${sup(l)}[${i + 1},${j + 1}]` : `b${sup(l)}[${i + 1}]`;
  }

  _target(e) {
    const el = e.target.closest('[data-kind]');
    if (!el) return null;
    return { kind: el.dataset.kind, l: Number(el.dataset.l), i: Number(el.dataset.i), j: Number(el.dataset.j || 0), el };
  }

  _tipFor(e) {
    const t = this._target(e);
    if (!t) return;
    const v = this._param(t.kind, t.l, t.i, t.j);
    this.tip.textContent = `${this._describe(t)} = ${sig(v, 4)}${this.editable ? ' (click to edit)' : ''}`;
    const rect = this.root.getBoundingClientRect();
    this.tip.style.left = `${Math.min(e.clientX - rect.left + 10, rect.width - 160)}px`;
    this.tip.style.top = `${e.clientY - rect.top + 12}px`;
    this.tip.hidden = false;
  }

  _makeEditor() {
    const box = document.createElement('form');
    box.className = 'param-editor';
    box.hidden = true;
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'number';
    input.step = 'any';
    input.required = true;
    const span = document.createElement('span');
    label.append(span, input);
    const ok = document.createElement('button');
    ok.type = 'submit';
    ok.textContent = 'Set';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => this._closeEditor());
    box.append(label, ok, cancel);
    box.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = Number(input.value);
      const editing = this.editing;
      this._closeEditor();
      if (editing && Number.isFinite(value) && this.onEditParameter) this.onEditParameter({ ...editing, value });
    });
    box.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      this._closeEditor();
    });
    return { box, input, span };
  }

  _canEdit() {
    return this.editable && Boolean(this.onEditParameter) && !(this.store.get('hide') || []).includes('edit');
  }

  _editFrom(e) {
    if (!this._canEdit()) return;
    const t = this._target(e);
    if (!t) return;
    e.stopPropagation();
    this._openEditor(t, e.clientX, e.clientY, false);
  }

  /** Open the editor of parameter `t` at client point (x, y); `fromKeys`: give the focus back. */
  _openEditor(t, x, y, fromKeys) {
    const { kind, l, i, j } = t;
    this.editing = { kind, l, i, j };
    this.returnTo = fromKeys ? { kind, l, i, j } : null;
    const { box, input, span } = this.editor;
    span.textContent = `${this._describe(t)} =`;
    input.setAttribute('aria-label', `${this._describe(t)}, new value`);
    input.value = String(this._param(kind, l, i, j));
    const rect = this.root.getBoundingClientRect();
    box.style.left = `${Math.max(0, Math.min(x - rect.left, rect.width - 230))}px`;
    box.style.top = `${y - rect.top + 10}px`;
    box.hidden = false;
    this.tip.hidden = true;
    input.focus();
    input.select();
  }

  /** Hide the editor; opened from the keyboard, the focus goes back to its item. */
  _closeEditor() {
    this.editor.box.hidden = true;
    this.editing = null;
    const back = this.returnTo;
    this.returnTo = null;
    if (back) this._rove(back, true);
  }
}
