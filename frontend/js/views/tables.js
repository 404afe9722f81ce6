// views/tables.js — the canvases' text alternative: with "Values as tables" on (the store's
// `tables`), the output at low resolution (TABLE_RES × TABLE_RES cells sampled from the
// boundary grid), the loss figures (last and best so far) and every layer's W^l and b^l as
// HTML tables. Tables are built when their shape changes; afterwards only cell texts that
// changed are rewritten. Hidden, they cost nothing.
// Leaves out: the backward pass (its numbers are tables already, backprop.js).

import { count, percent, sig, sup } from '../format.js';
import { featureLabel } from '../meta.js';

/** Rows and columns of the output's table. */
export const TABLE_RES = 8;

/**
 * The value of a decoded grid ({shape: [k, rows, cols], values}) at the centres of a res × res
 * table: per cell {value} of `channel`, or with several class channels {cls, p} (the likeliest).
 */
export function sampleGrid(grid, res = TABLE_RES, { channel = 0, classes = false } = {}) {
  const [k, rows, cols] = grid.shape;
  const at = (ch, r, c) => grid.values[ch * rows * cols + r * cols + c];
  return Array.from({ length: res }, (_, R) => Array.from({ length: res }, (_, C) => {
    const r = Math.min(rows - 1, Math.floor(((R + 0.5) * rows) / res));
    const c = Math.min(cols - 1, Math.floor(((C + 0.5) * cols) / res));
    if (!classes) return { value: at(Math.min(channel, k - 1), r, c) };
    let best = 0;
    for (let ch = 1; ch < k; ch++) if (at(ch, r, c) > at(best, r, c)) best = ch;
    return { cls: best, p: at(best, r, c) };
  }));
}

/** A table with a caption, column heads and row heads; returns it and its body cells. */
function makeTable(caption, colHeads, rowHeads) {
  const table = document.createElement('table');
  const cap = document.createElement('caption');
  cap.textContent = caption;
  const head = document.createElement('tr');
  head.append(document.createElement('td'));
  for (const h of colHeads) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const cells = [];
  const body = document.createElement('tbody');
  for (const h of rowHeads) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = h;
    tr.append(th);
    cells.push(colHeads.map(() => tr.appendChild(document.createElement('td'))));
    body.append(tr);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  table.append(cap, thead, body);
  return { table, cells };
}

function setCell(td, text) {
  if (td.textContent !== text) td.textContent = text;
}

export class TablesView {
  /**
   * @param {{boundary?: HTMLElement, loss?: HTMLElement, matrices?: HTMLElement}} roots where
   *   each table goes (hidden while the toggle is off)
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{toggles?: HTMLInputElement[]}} options the checkboxes that switch the tables on/off
   */
  constructor(roots, store, loop, { toggles = [] } = {}) {
    this.roots = roots;
    this.store = store;
    this.loop = loop;
    this.toggles = toggles;
    this.keys = {};
    this.cells = {};
    for (const box of toggles) box.addEventListener('change', () => store.update({ tables: box.checked }));
    store.on(['tables', 'snapshot', 'problem', 'config'], () => loop.invalidate(this));
    store.addEventListener('history', () => { if (store.get('tables')) loop.invalidate(this); });
  }

  reset() {
    this.keys = {};
    this.loop.invalidate(this);
  }

  update() {
    const on = Boolean(this.store.get('tables'));
    for (const box of this.toggles) box.checked = on;
    for (const root of Object.values(this.roots)) if (root && root.hidden === on) root.hidden = !on;
    if (!on) return;
    const snap = this.store.get('snapshot');
    if (this.roots.boundary && snap && snap.boundary) this._boundary(snap);
    if (this.roots.loss) this._loss();
    if (this.roots.matrices && snap && snap.weights) this._matrices(snap);
  }

  /** Build the table of `name` again when `key` changed; returns its cells. */
  _table(name, key, build) {
    if (this.keys[name] !== key) {
      this.keys[name] = key;
      const built = build();
      this.roots[name].replaceChildren(...built.map((b) => b.table));
      this.cells[name] = built.map((b) => b.cells);
    }
    return this.cells[name];
  }

  _boundary(snap) {
    const s = this.store.state;
    const grid = snap.boundary;
    const classes = grid.shape[0] > 1 && s.problem !== 'regression';
    const [x0, x1, y0, y1] = snap.domain;
    const centre = (lo, hi, k) => sig(lo + ((k + 0.5) * (hi - lo)) / TABLE_RES, 2);
    const cols = Array.from({ length: TABLE_RES }, (_, k) => centre(x0, x1, k));
    const rows = Array.from({ length: TABLE_RES }, (_, k) => centre(y1, y0, k));
    const what = classes ? 'likeliest class (its probability)' : 'output';
    const [cells] = this._table('boundary', JSON.stringify([snap.domain, classes]), () => [
      makeTable(`The network's ${what} at ${TABLE_RES} × ${TABLE_RES} points: columns x₁, rows x₂`, cols, rows),
    ]);
    const values = sampleGrid(grid, TABLE_RES, { channel: s.ui.output || 0, classes });
    values.forEach((row, r) => row.forEach((v, c) => {
      setCell(cells[r][c], classes ? `${v.cls} (${Math.round(v.p * 100)}%)` : sig(v.value, 2));
    }));
  }

  _loss() {
    const h = this.store.history;
    const names = { train_loss: 'train loss', test_loss: 'test loss', accuracy: 'accuracy', test_accuracy: 'test accuracy' };
    const series = Object.keys(names).filter((k) => h.has(k));
    const [cells] = this._table('loss', series.join(), () => [
      makeTable('Loss and accuracy', ['last', 'best so far'], series.map((k) => names[k])),
    ]);
    if (!h.size) return;
    const last = h.bucket(h.size - 1);
    series.forEach((k, r) => {
      const higher = k.endsWith('accuracy');
      let best = higher ? -Infinity : Infinity;
      for (let i = 0; i < h.size; i++) {
        const b = h.bucket(i)[k];
        const v = b && (higher ? b.max : b.min);
        if (v != null) best = higher ? Math.max(best, v) : Math.min(best, v);
      }
      const text = (v) => (v == null || !Number.isFinite(v) ? '–' : higher ? percent(v) : sig(v, 4));
      setCell(cells[r][0], `${text(last[k] && last[k].last)} (epoch ${count(last.end)})`);
      setCell(cells[r][1], text(best));
    });
  }

  _matrices(snap) {
    const features = (this.store.get('config') || {}).features || [];
    const shapes = snap.weights.map((W) => [W.length, W[0].length]);
    const last = shapes.length;
    const unit = (l, k) => {
      if (l === 0) return featureLabel(features[k]);
      return l === last ? `output ${k + 1}` : `neuron ${k + 1}`;
    };
    const tables = this._table('matrices', JSON.stringify([shapes, features]), () => shapes.map(([rows, cols], k) => {
      const l = k + 1;
      const from = Array.from({ length: cols }, (_, j) => `from ${unit(l - 1, j)}`);
      const to = Array.from({ length: rows }, (_, i) => `${l === last ? '' : `layer ${l} `}${unit(l, i)}`);
      return makeTable(`Layer ${l}: weights W${sup(l)} (rows: to, columns: from) and biases b${sup(l)}`, [...from, 'bias'], to);
    }));
    snap.weights.forEach((W, k) => W.forEach((row, i) => {
      row.forEach((v, j) => setCell(tables[k][i][j], sig(v, 4)));
      setCell(tables[k][i][row.length], sig(snap.biases[k][i][0], 4));
    }));
  }
}
