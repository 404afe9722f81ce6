// views/network.js — the network diagram: a tile per input feature the server offers (click
// to switch it on or off), every neuron as a small heatmap of its activation over the input space (hover for a
// large one), links whose colour and width show the weight, a bias square per neuron, and, on
// the owner's page, per-layer neuron +/- buttons and click-to-edit of a weight or bias.
// The diagnostics mark the neurons of the live run: a dead unit greyed and labelled "dead", a
// saturated one labelled "saturated".
// The DOM is rebuilt only when the architecture changes; snapshots only repaint.
// Leaves out: the hidden-layer count controls (controls.js) and sending changes (callbacks).

import { css, makeScale, weightColor } from '../colors.js';
import { featureFunction } from '../features.js';
import { sig, sup } from '../format.js';
import { featureLabel, features as allFeatures, limits } from '../meta.js';
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
    store.on(['snapshot', 'config', 'layers', 'network', 'hide', 'diagnostics', 'scrub'], () => loop.invalidate(this));
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
        this._mark(canvas.parentElement, mark);
      });
    });
  }

  _mark(node, mark) {
    if ((node.dataset.mark || '') === mark) return;
    node.dataset.mark = mark;
    node.classList.toggle('dead', mark === 'dead');
    node.classList.toggle('saturated', mark === 'saturated');
    if (node.markLabel) node.markLabel.remove();
    node.markLabel = null;
    if (!mark) return;
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
  }

  _build(sizes, features, width) {
    const focused = this.root.contains(document.activeElement) ? document.activeElement.dataset.feature : null;
    this.root.replaceChildren();
    const layout = this._layout(sizes, width);
    this.root.style.height = `${layout.height}px`;
    this._buildLinks(sizes, features, layout);
    this._buildInputs(features, layout.pos[0]);
    this._buildNeurons(sizes, layout.pos);
    this._buildLayerButtons(sizes.slice(1, -1), layout);
    this.root.append(this.preview, this.tip, this.editor.box);
    // A feature switched from the keyboard keeps the focus on its (rebuilt) tile.
    if (focused) this.inputs.find((tile) => tile.dataset.feature === focused)?.focus();
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

  /** One curve per weight (coloured by _paint), with wider invisible hit paths when few. */
  _buildLinks(sizes, features, { width, height, pos }) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'links');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('aria-hidden', 'true');
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
          if (withHits) hitGroup.append(target);
        }
      }
    }
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
        node.addEventListener('pointerenter', () => this._showPreview(l, i, node));
        node.addEventListener('pointerleave', () => { this.preview.hidden = true; });
        const bias = this._biasSquare(l, i, p);
        this.root.append(node, bias);
        layer.push(canvas);
        this.biases.push({ el: bias, l, i });
      }
      this.nodes.push(layer);
    }
  }

  _biasSquare(l, i, p) {
    const bias = document.createElement(this.editable ? 'button' : 'div');
    bias.className = 'bias';
    if (this.editable) bias.type = 'button';
    bias.setAttribute('aria-label', `Bias b${sup(l)}[${i + 1}]${this.editable ? ' (click to edit)' : ''}`);
    markParameter(bias, 'b', l, i);
    const bs = Math.max(6, Math.round(p.s / 4));
    bias.style.width = `${bs}px`;
    bias.style.height = `${bs}px`;
    bias.style.left = `${p.x - bs / 2}px`;
    bias.style.top = `${p.y + p.s - bs / 2}px`;
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
      b.el.style.backgroundColor = css(weightColor(snap.biases[b.l - 1][b.i][0], bMax));
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
    cancel.addEventListener('click', () => { box.hidden = true; });
    box.append(label, ok, cancel);
    box.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = Number(input.value);
      box.hidden = true;
      if (this.editing && Number.isFinite(value) && this.onEditParameter) this.onEditParameter({ ...this.editing, value });
    });
    box.addEventListener('keydown', (e) => { if (e.key === 'Escape') box.hidden = true; });
    return { box, input, span };
  }

  _editFrom(e) {
    if (!this.editable || !this.onEditParameter || (this.store.get('hide') || []).includes('edit')) return;
    const t = this._target(e);
    if (!t) return;
    e.stopPropagation();
    const { kind, l, i, j } = t;
    this.editing = { kind, l, i, j };
    const { box, input, span } = this.editor;
    span.textContent = `${this._describe(t)} =`;
    input.value = String(this._param(kind, l, i, j));
    const rect = this.root.getBoundingClientRect();
    box.style.left = `${Math.max(0, Math.min(e.clientX - rect.left, rect.width - 230))}px`;
    box.style.top = `${e.clientY - rect.top + 10}px`;
    box.hidden = false;
    this.tip.hidden = true;
    input.focus();
    input.select();
  }
}
