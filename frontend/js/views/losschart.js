// views/losschart.js — the train/test loss chart (and accuracy, on a 0–100 % right axis, for
// classification) from the history's buckets gathered into pixel columns: per series a band
// from the min to the max and a line through the last values, so a spike stays visible.
// The loss axis is linear or logarithmic (the "log loss" toggle); the epoch axis is
// logarithmic once a run is longer than LOG_EPOCHS_AFTER epochs, unless the "log epochs"
// toggle says otherwise. Hovering (or touching) reads the epoch and the values under the
// pointer; a touch reading stays until the same place is touched again. A rewound epoch
// (the timeline scrubber's) is marked with a line and read out. Leaves out: holding the
// history (history.js) and fetching it (session.js).

import { compact, count, percent, sig } from '../format.js';
import { fitCanvas, niceTicks, tickFont } from './paint.js';

/** Runs longer than this get a logarithmic epoch axis unless the person chose. */
export const LOG_EPOCHS_AFTER = 1000;

const LINES = {
  train_loss: { color: [40, 40, 40], band: 0.16, name: 'train loss' },
  test_loss: { color: [150, 150, 150], band: 0.16, name: 'test loss' },
  accuracy: { color: [46, 160, 67], band: 0.1, dash: [4, 3], name: 'accuracy' },
  test_accuracy: { color: [46, 160, 67], band: 0.06, dash: [2, 3], alpha: 0.5, name: 'test accuracy' },
};
const SCRUB_COLOR = 'rgb(124, 58, 237)'; // the rewound epoch's mark (the scrubber's colour)
const rgba = ([r, g, b], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** Whether the epoch axis is logarithmic: the person's choice, else by the run's length. */
export function logEpochs(choice, last) {
  return choice == null ? last > LOG_EPOCHS_AFTER : Boolean(choice);
}

/**
 * The plot's margins in CSS pixels for tick labels of `font` px (10, larger in projector
 * mode): the scrubber under the chart lines up with them.
 */
export function plotPadding(classification, font = 10) {
  const k = font / 10;
  return { l: 44 * k, r: (classification ? 34 : 8) * k, t: 6 * k, b: 16 * k };
}

/**
 * The epoch axis over epochs 1..last: `at(e)` the fraction of the width of epoch e (a bucket
 * is drawn at its end), `epochAt(f)` the epoch at fraction f, `ticks` round epochs to label.
 */
export function epochAxis(last, log) {
  const n = Math.max(1, last);
  if (log) {
    const top = Math.log10(Math.max(10, n));
    const ticks = [];
    for (let t = 1; t <= n; t *= 10) ticks.push(t);
    return { at: (e) => Math.log10(Math.max(1, e)) / top, epochAt: (f) => 10 ** (f * top), ticks };
  }
  return { at: (e) => e / n, epochAt: (f) => f * n, ticks: niceTicks(0, n, 4) };
}

export class LossChart {
  /**
   * @param {HTMLElement} root container (gets a canvas)
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{readout?: HTMLElement, logLoss?: HTMLInputElement, logEpochs?: HTMLInputElement,
   *          logEpochsNote?: HTMLElement, key?: HTMLElement}} options readout: where the
   *   hover/last values are written; logLoss, logEpochs: the axis toggles (checkboxes) and a
   *   note saying "auto"; key: where the lines are named
   */
  constructor(root, store, loop, {
    readout = null, logLoss = null, logEpochs: logEpochsBox = null, logEpochsNote = null, key = null,
  } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.readout = readout;
    this.key = key;
    this.toggles = { logLoss, logEpochs: logEpochsBox, note: logEpochsNote };
    this.hover = null; // {x, touch} in CSS pixels of the canvas
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'loss-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Training and test loss per epoch');
    root.append(this.canvas);
    store.addEventListener('history', (e) => {
      if (e.detail.reset) this.hover = null;
      loop.invalidate(this);
    });
    store.on(['ui', 'problem', 'scrub', 'role'], () => loop.invalidate(this));
    new ResizeObserver(() => loop.invalidate(this)).observe(root);
    this._pointer();
    if (logLoss) logLoss.addEventListener('change', () => store.setUi({ logScale: logLoss.checked }));
    if (logEpochsBox) logEpochsBox.addEventListener('change', () => store.setUi({ logEpochs: logEpochsBox.checked }));
  }

  _pointer() {
    const xOf = (e) => e.clientX - this.canvas.getBoundingClientRect().left;
    this.canvas.addEventListener('pointerdown', (e) => {
      if (e.pointerType !== 'touch') return;
      const x = xOf(e);
      this.hover = this.hover && this.hover.touch && Math.abs(this.hover.x - x) < 8 ? null : { x, touch: true };
      this.loop.invalidate(this);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      this.hover = { x: xOf(e), touch: e.pointerType === 'touch' };
      this.loop.invalidate(this);
    });
    this.canvas.addEventListener('pointerleave', (e) => {
      if (e.pointerType === 'touch') return; // a touch reading stays
      this.hover = null;
      this.loop.invalidate(this);
    });
  }

  reset() {
    this.hover = null;
    this.loop.invalidate(this);
  }

  update() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    ctx.clearRect(0, 0, width, height);
    const h = this.store.history;
    const ui = this.store.get('ui');
    const logY = ui.logScale;
    const logX = logEpochs(ui.logEpochs, h.last);
    this._toggles(ui, logX);
    const classification = this.store.get('problem') !== 'regression';
    const font = tickFont(this.root); // 10 px, larger in projector mode; the pads follow it
    const pad = plotPadding(classification, font);
    const pw = Math.max(10, width - pad.l - pad.r);
    const ph = Math.max(10, height - pad.t - pad.b);
    const losses = ['train_loss', 'test_loss'].filter((k) => h.has(k));
    const ext = h.extent(losses, { positive: logY });
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.fillStyle = 'rgb(110, 110, 110)';
    ctx.strokeStyle = 'rgb(225, 225, 225)';
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, pw, ph);
    if (!h.last || !ext) {
      ctx.textAlign = 'center';
      const idle = this.store.get('role') === 'watcher' ? 'not trained yet' : 'press play to train';
      ctx.fillText(idle, pad.l + pw / 2, pad.t + ph / 2);
      this._readout(null);
      return;
    }
    const yLoss = lossAxis(ext, logY, pad.t, ph);
    const yAcc = (v) => pad.t + ph - v * ph;
    const axis = epochAxis(h.last, logX);
    const xOf = (e) => pad.l + axis.at(e) * pw;
    const cols = Math.max(2, Math.floor(pw));
    const column = (e) => Math.min(cols - 1, Math.floor(axis.at(e) * cols));
    this._grid(ctx, yLoss, axis, xOf, pad, pw, ph, logY);
    if (classification) {
      for (const k of ['test_accuracy', 'accuracy']) if (h.has(k)) this._series(ctx, h.columns(k, column), LINES[k], xOf, yAcc);
      if (h.has('accuracy')) {
        ctx.fillStyle = 'rgb(46, 140, 60)';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        ctx.fillText('100%', pad.l + pw + 3, pad.t + 0.4 * font);
        ctx.fillText('0%', pad.l + pw + 3, pad.t + ph - 0.4 * font);
      }
    }
    this._key([...losses, ...(classification ? ['accuracy', 'test_accuracy'].filter((k) => h.has(k)) : [])]);
    for (const k of [...losses].reverse()) this._series(ctx, h.columns(k, column, { positive: logY }), LINES[k], xOf, yLoss.y);
    let b = h.bucket(h.size - 1);
    const scrub = this.store.get('scrub');
    if (scrub) this._scrubMark(ctx, xOf(Math.max(1, scrub.epoch)), pad, ph);
    if (this.hover && this.hover.x >= pad.l - 4 && this.hover.x <= pad.l + pw + 4) {
      const f = Math.min(1, Math.max(0, (this.hover.x - pad.l) / pw));
      b = h.at(Math.max(1, Math.min(h.last, Math.round(axis.epochAt(f))))) || b;
      this._marker(ctx, b, xOf(b.end), pad, ph, yLoss.y, yAcc, classification);
      this._readout(b, true);
    } else {
      const past = scrub && h.at(Math.max(1, Math.min(h.last, scrub.epoch)));
      this._readout(past || b, Boolean(past));
    }
  }

  /** The rewound epoch: a line across the plot with a flag at the top. */
  _scrubMark(ctx, x, pad, ph) {
    const px = Math.round(x) + 0.5;
    ctx.save();
    ctx.strokeStyle = SCRUB_COLOR;
    ctx.lineWidth = 2;
    line(ctx, px, pad.t, px, pad.t + ph);
    ctx.fillStyle = SCRUB_COLOR;
    ctx.beginPath();
    ctx.moveTo(px - 5, pad.t);
    ctx.lineTo(px + 5, pad.t);
    ctx.lineTo(px, pad.t + 6);
    ctx.closePath();
    ctx.fill();
    ctx.restore();
  }

  /** Name the lines drawn (the key's entries change only when the series do). */
  _key(names) {
    if (!this.key || this.key.dataset.names === names.join()) return;
    this.key.dataset.names = names.join();
    this.key.replaceChildren(...names.map((k) => {
      const { color, dash, alpha, name } = LINES[k];
      const item = document.createElement('span');
      const sample = document.createElement('i');
      sample.style.borderTopColor = rgba(color, alpha ?? 0.9);
      if (dash) sample.style.borderTopStyle = dash[0] > 2 ? 'dashed' : 'dotted';
      item.append(sample, document.createTextNode(name));
      return item;
    }));
  }

  _toggles(ui, logX) {
    const { logLoss, logEpochs: box, note } = this.toggles;
    if (logLoss) logLoss.checked = ui.logScale;
    if (box) box.checked = logX;
    if (note) {
      const text = ui.logEpochs == null ? '(auto)' : '';
      if (note.textContent !== text) note.textContent = text;
      note.title = text && `on by itself once a run is longer than ${count(LOG_EPOCHS_AFTER)} epochs`;
    }
  }

  _grid(ctx, yLoss, axis, xOf, pad, pw, ph, logY) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yLoss.ticks.slice(0, 8)) {
      const y = yLoss.y(t);
      ctx.fillText(logY ? `1e${Math.round(Math.log10(t))}` : sig(t, 2), pad.l - 4, y);
      line(ctx, pad.l, Math.round(y) + 0.5, pad.l + pw, Math.round(y) + 0.5);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    let right = -Infinity;
    for (const t of axis.ticks) {
      const x = xOf(t);
      const label = compact(t);
      const w = ctx.measureText(label).width;
      if (x - w / 2 < right + 4 || x + w / 2 > pad.l + pw + pad.r) continue;
      ctx.fillText(label, Math.max(pad.l + w / 2, x), pad.t + ph + pad.b * 0.75);
      right = x + w / 2;
      if (x > pad.l + 1) line(ctx, Math.round(x) + 0.5, pad.t, Math.round(x) + 0.5, pad.t + ph);
    }
  }

  _series(ctx, points, style, xOf, yOf) {
    if (!points.length) return;
    const xs = points.map((p) => xOf(p.end));
    ctx.fillStyle = rgba(style.color, style.band);
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo(xs[i], yOf(p.max)) : ctx.moveTo(xs[i], yOf(p.max))));
    for (let i = points.length - 1; i >= 0; i--) ctx.lineTo(xs[i], yOf(points[i].min));
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = rgba(style.color, style.alpha ?? 0.9);
    ctx.lineWidth = 1.5;
    ctx.setLineDash(style.dash || []);
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo(xs[i], yOf(p.last)) : ctx.moveTo(xs[i], yOf(p.last))));
    ctx.stroke();
    ctx.setLineDash([]);
  }

  _marker(ctx, b, x, pad, ph, yLoss, yAcc, classification) {
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.35)';
    ctx.lineWidth = 1;
    line(ctx, Math.round(x) + 0.5, pad.t, Math.round(x) + 0.5, pad.t + ph);
    for (const [k, y] of [['train_loss', yLoss], ['test_loss', yLoss], ['accuracy', yAcc], ['test_accuracy', yAcc]]) {
      const v = b[k] && b[k].last;
      if (v == null || (k.endsWith('accuracy') && !classification) || !Number.isFinite(y(v))) continue;
      ctx.fillStyle = rgba(LINES[k].color);
      ctx.beginPath();
      ctx.arc(x, y(v), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  _readout(b, hovering) {
    if (!this.readout) return;
    let text = 'Loss: –';
    if (b) {
      const v = (k) => b[k] && b[k].last;
      text = `${hovering ? 'Epoch' : 'Last epoch'} ${count(b.end)} · train loss ${sig(v('train_loss'))}`;
      if (v('test_loss') != null) text += ` · test loss ${sig(v('test_loss'))}`;
      if (v('accuracy') != null) text += ` · accuracy ${percent(v('accuracy'))}`;
      if (v('test_accuracy') != null) text += ` / test ${percent(v('test_accuracy'))}`;
      if (hovering && b.end > b.start && b.train_loss) {
        text += ` (epochs ${count(b.start)}–${count(b.end)}: train loss ${sig(b.train_loss.min, 3)} to ${sig(b.train_loss.max, 3)})`;
      }
    }
    if (this.readout.textContent !== text) this.readout.textContent = text;
  }
}

/** The loss axis over `ext` ([min, max]): y of a value, and round values to label. */
function lossAxis([min, max], log, top, ph) {
  let lo = min;
  let hi = max;
  if (log) {
    lo = Math.log10(lo);
    hi = Math.log10(hi);
    if (hi - lo < 0.5) { lo -= 0.25; hi += 0.25; }
  } else {
    lo = Math.min(0, lo);
    if (hi <= lo) hi = lo + 1;
  }
  const y = (v) => top + ph - (((log ? Math.log10(v) : v) - lo) / (hi - lo)) * ph;
  const ticks = [];
  if (log) for (let t = Math.ceil(lo); t <= Math.floor(hi); t++) ticks.push(10 ** t);
  else ticks.push(lo, (lo + hi) / 2, hi);
  return { y, ticks };
}

function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}
