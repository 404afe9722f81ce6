// views/leaderboard.js — the class dashboard's table: one row per fork (rank, a boundary
// thumbnail, nickname, network, features, epoch, accuracy, loss, status, challenge met),
// sortable by any column (a header button; aria-sort says how), and a row's click (or Enter)
// asks for that fork on the projector (`onShow(id)`). Thumbnails are 16x16 ImageData scaled up
// by CSS, drawn only when a row's version changed. Redrawn whenever the store's `forks` change.
// Leaves out: where the rows come from (dashboard.js) and what the columns mean (forkrows.js).

import { activationDomain, classMix, makeScale } from '../colors.js';
import { channel, decodeGrid, paint } from '../grid.js';
import { COLUMNS, FIRST_DIRECTION, sortRows } from '../forkrows.js';

const SHOWN = ['nickname', 'network', 'features', 'epoch', 'accuracy', 'loss', 'status', 'challenge'];

/** Paint a row's thumbnail (the quantised output grid) into a canvas of its size. */
export function drawThumbnail(canvas, row) {
  const grid = row.thumbnail && decodeGrid(row.thumbnail);
  if (!grid) return;
  const [channels, h, w] = grid.shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(w, h);
  let color;
  if (channels > 1) {
    const planes = Array.from({ length: channels }, (_, c) => channel(grid, c));
    color = (i) => classMix(planes.map((p) => p[i]));
  } else {
    const scale = makeScale(...activationDomain(row.output_activation, grid.min, grid.max));
    color = (i) => scale(grid.values[i]);
  }
  paint(image.data, w * h, color);
  ctx.putImageData(image, 0, 0);
}

export class Leaderboard {
  /** @param {{table: HTMLTableElement, empty: HTMLElement}} els */
  constructor(els, store, loop, { onShow }) {
    this.els = els;
    this.store = store;
    this.loop = loop;
    this.onShow = onShow;
    this.rows = new Map(); // fork id -> {tr, canvas, cells, version}
    this.buttons = {};
    this._buildHead();
    this.body = document.createElement('tbody');
    els.table.append(this.body);
    store.on(['forks', 'sort', 'shown'], () => loop.invalidate(this));
  }

  _buildHead() {
    const head = document.createElement('thead');
    const tr = document.createElement('tr');
    const rank = Object.assign(document.createElement('th'), { scope: 'col', textContent: '#', className: 'rank' });
    const thumb = Object.assign(document.createElement('th'), { scope: 'col', textContent: 'Boundary', className: 'thumb' });
    tr.append(rank, thumb);
    for (const key of SHOWN) {
      const th = Object.assign(document.createElement('th'), { scope: 'col', className: `col-${key}` });
      if (COLUMNS[key].numeric) th.classList.add('num');
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: COLUMNS[key].title });
      button.addEventListener('click', () => this.sortBy(key));
      th.dataset.key = key;
      th.append(button);
      this.buttons[key] = th;
      tr.append(th);
    }
    head.append(tr);
    this.els.table.append(head);
  }

  sortBy(key) {
    const { key: current, dir } = this.store.get('sort');
    const next = current === key ? (dir === 'asc' ? 'desc' : 'asc') : FIRST_DIRECTION[key];
    this.store.update({ sort: { key, dir: next } });
  }

  reset() { this.loop.invalidate(this); }

  _row(row) {
    let entry = this.rows.get(row.id);
    if (entry) return entry;
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.id = row.id;
    tr.title = 'Show this fork on the projector (its watch page)';
    tr.addEventListener('click', () => this.onShow(row.id));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.onShow(row.id);
      }
    });
    const rank = Object.assign(document.createElement('td'), { className: 'rank' });
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-hidden', 'true');
    const thumb = Object.assign(document.createElement('td'), { className: 'thumb' });
    thumb.append(canvas);
    tr.append(rank, thumb);
    const cells = {};
    for (const key of SHOWN) {
      cells[key] = Object.assign(document.createElement('td'), { className: `col-${key}` });
      if (COLUMNS[key].numeric) cells[key].classList.add('num');
      tr.append(cells[key]);
    }
    entry = { tr, rank, canvas, cells, version: null };
    this.rows.set(row.id, entry);
    return entry;
  }

  update() {
    const forks = this.store.get('forks') || [];
    const { key, dir } = this.store.get('sort');
    for (const [k, th] of Object.entries(this.buttons)) {
      th.setAttribute('aria-sort', k === key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    this.els.empty.hidden = forks.length > 0;
    this.els.table.hidden = forks.length === 0;
    const present = new Set();
    const shown = this.store.get('shown');
    sortRows(forks, key, dir).forEach((row, i) => {
      const entry = this._row(row);
      present.add(row.id);
      entry.rank.textContent = String(i + 1);
      if (entry.version !== row.version) {
        entry.version = row.version;
        drawThumbnail(entry.canvas, row);
        for (const k of SHOWN) {
          const cell = entry.cells[k];
          cell.textContent = COLUMNS[k].text(row);
          const value = COLUMNS[k].value(row);
          cell.dataset.value = value === null || value === undefined ? '' : String(value);
        }
        entry.cells.status.dataset.status = row.status;
        entry.cells.challenge.classList.toggle('met', Boolean(row.challenge && row.challenge.met));
        entry.tr.dataset.epoch = String(row.epoch);
      }
      entry.tr.classList.toggle('shown', row.id === shown);
      const here = this.body.children[i];
      if (here !== entry.tr) this.body.insertBefore(entry.tr, here || null); // only what moved

    });
    for (const [id, entry] of this.rows) {
      if (!present.has(id)) {
        entry.tr.remove();
        this.rows.delete(id);
      }
    }
  }
}
