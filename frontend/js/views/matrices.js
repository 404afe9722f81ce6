// views/matrices.js — every W^l (n_l × n_(l-1)) and b^l (n_l × 1) as a live heatmap in the
// tutorial's shapes: one canvas pixel per entry scaled up by CSS (pixelated), coloured by
// the orange/blue scale saturating at the matrix's largest |value|; hovering a cell shows its
// indices and value.
// Leaves out: editing values (the network diagram does that).

import { css, weightColor } from '../colors.js';
import { sig, sup } from '../format.js';
import { paint } from '../grid.js';

const CELL = 24;

export class MatricesView {
  constructor(root, store, loop) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.key = null;
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    root.classList.add('matrices');
    store.on(['snapshot'], () => loop.invalidate(this));
  }

  reset() {
    this.key = null;
    this.loop.invalidate(this);
  }

  update() {
    const snap = this.store.get('snapshot');
    if (!snap || !snap.weights) return;
    const shapes = snap.weights.map((W) => [W.length, W[0].length]);
    const key = JSON.stringify(shapes);
    if (key !== this.key) {
      this.key = key;
      this._build(shapes);
    }
    snap.weights.forEach((W, k) => {
      this._paint(this.items[k].W, W);
      this._paint(this.items[k].b, snap.biases[k]);
    });
  }

  _build(shapes) {
    this.root.replaceChildren();
    this.items = shapes.map(([rows, cols], k) => {
      const l = k + 1;
      const fig = document.createElement('figure');
      fig.className = 'matrix-pair';
      const W = this._matrix(`W${sup(l)}`, rows, cols, 'W', l);
      const b = this._matrix(`b${sup(l)}`, rows, 1, 'b', l);
      const cap = document.createElement('figcaption');
      cap.textContent = `layer ${l}: ${cols} → ${rows}`;
      fig.append(W.wrap, b.wrap, cap);
      this.root.append(fig);
      return { W, b };
    });
    this.root.append(this.tip);
  }

  _matrix(name, rows, cols, kind, l) {
    const wrap = document.createElement('div');
    wrap.className = 'matrix';
    const title = document.createElement('div');
    title.className = 'matrix-title';
    title.textContent = `${name} (${rows}×${cols})`;
    const canvas = document.createElement('canvas');
    canvas.width = cols;
    canvas.height = rows;
    const scale = Math.max(4, Math.min(CELL, Math.floor(260 / Math.max(rows, cols))));
    canvas.style.width = `${cols * scale}px`;
    canvas.style.height = `${rows * scale}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${name}, ${rows} by ${cols}`);
    const range = document.createElement('div');
    range.className = 'matrix-range';
    wrap.append(title, canvas, range);
    const item = { wrap, canvas, range, rows, cols, name, kind, l, values: null };
    canvas.addEventListener('pointermove', (e) => this._hover(e, item));
    canvas.addEventListener('pointerleave', () => { this.tip.hidden = true; });
    return item;
  }

  _paint(item, M) {
    item.values = M;
    let maxAbs = 1e-12;
    for (const row of M) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v));
    const ctx = item.canvas.getContext('2d');
    const img = ctx.createImageData(item.cols, item.rows);
    paint(img.data, item.rows * item.cols, (i) => weightColor(M[Math.floor(i / item.cols)][i % item.cols], maxAbs));
    ctx.putImageData(img, 0, 0);
    item.range.textContent = maxAbs > 1e-12 ? `±${sig(maxAbs, 3)}` : 'all 0';
    if (this.hovered === item && !this.tip.hidden) this._tipText(item);
  }

  _hover(e, item) {
    const rect = item.canvas.getBoundingClientRect();
    const c = Math.min(item.cols - 1, Math.floor(((e.clientX - rect.left) / rect.width) * item.cols));
    const r = Math.min(item.rows - 1, Math.floor(((e.clientY - rect.top) / rect.height) * item.rows));
    this.hovered = item;
    this.cell = [r, c];
    this._tipText(item);
    const box = this.root.getBoundingClientRect();
    this.tip.style.left = `${Math.min(e.clientX - box.left + 12, box.width - 150)}px`;
    this.tip.style.top = `${e.clientY - box.top + 14}px`;
    this.tip.hidden = false;
  }

  _tipText(item) {
    const [r, c] = this.cell;
    if (!item.values) return;
    const v = item.values[r][c];
    const idx = item.kind === 'W' ? `[${r + 1},${c + 1}]` : `[${r + 1}]`;
    this.tip.textContent = `${item.name}${idx} = ${sig(v, 5)}`;
    this.tip.style.borderColor = css(weightColor(v, 1));
  }
}
