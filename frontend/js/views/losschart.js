// views/losschart.js — the train/test loss chart (and accuracy, on a 0–100 % right axis, for
// classification): every epoch of the history downsampled to one min/max bucket per pixel
// column, linear or log scale, and a hover readout of the epoch and its values.
// Leaves out: holding the history (history.js) and fetching it (session.js).

import { downsample, extent } from '../history.js';
import { count, percent, sig } from '../format.js';
import { fitCanvas } from './paint.js';

const TRAIN = 'rgb(40, 40, 40)';
const TEST = 'rgb(150, 150, 150)';
const ACC = 'rgba(46, 160, 67, 0.9)';
const TEST_ACC = 'rgba(46, 160, 67, 0.45)';

export class LossChart {
  /**
   * @param {HTMLElement} root container (gets a canvas)
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{readout?: HTMLElement}} options readout: where the hover/last values are written
   */
  constructor(root, store, loop, { readout = null } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.readout = readout;
    this.hoverX = null;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'loss-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Training and test loss per epoch');
    root.append(this.canvas);
    store.addEventListener('history', () => loop.invalidate(this));
    store.on(['ui', 'problem'], () => loop.invalidate(this));
    new ResizeObserver(() => loop.invalidate(this)).observe(root);
    this.canvas.addEventListener('pointermove', (e) => {
      this.hoverX = e.clientX - this.canvas.getBoundingClientRect().left;
      loop.invalidate(this);
    });
    this.canvas.addEventListener('pointerleave', () => { this.hoverX = null; loop.invalidate(this); });
    this.drawn = 0;
  }

  reset() {
    this.hoverX = null;
    this.loop.invalidate(this);
  }

  update() {
    const { ctx, width, height } = fitCanvas(this.canvas);
    ctx.clearRect(0, 0, width, height);
    const h = this.store.history;
    const log = this.store.get('ui').logScale;
    const classification = this.store.get('problem') !== 'regression';
    const pad = { l: 44, r: classification ? 34 : 8, t: 6, b: 16 };
    const pw = Math.max(10, width - pad.l - pad.r);
    const ph = Math.max(10, height - pad.t - pad.b);
    const n = h.length;
    this.drawn = n;
    const train = h.values('train_loss');
    const test = h.values('test_loss');
    const hasTest = h.has('test_loss');
    const ext = extent(hasTest ? [...extent(train, { positive: log }) || [], ...extent(test, { positive: log }) || []] : train, { positive: log });
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = 'rgb(110, 110, 110)';
    ctx.strokeStyle = 'rgb(225, 225, 225)';
    ctx.lineWidth = 1;
    ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, pw, ph);
    if (!n || !ext) {
      ctx.textAlign = 'center';
      ctx.fillText('press play to train', pad.l + pw / 2, pad.t + ph / 2);
      this._readout(null);
      return;
    }
    let [lo, hi] = ext;
    if (log) {
      lo = Math.log10(lo);
      hi = Math.log10(hi);
      if (hi - lo < 0.5) { lo -= 0.25; hi += 0.25; }
    } else {
      lo = Math.min(0, lo);
      if (hi <= lo) hi = lo + 1;
    }
    const yOf = (v) => {
      const t = log ? Math.log10(v) : v;
      return pad.t + ph - ((t - lo) / (hi - lo)) * ph;
    };
    const xOf = (epoch) => pad.l + (n <= 1 ? pw : ((epoch - 1) / (n - 1)) * pw);
    // axes labels
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const lab = (v) => (log ? `1e${Math.round(v)}` : sig(v, 2));
    const ticks = log ? range(Math.ceil(lo), Math.floor(hi), 1) : [lo, (lo + hi) / 2, hi];
    for (const t of ticks.slice(0, 8)) {
      const y = pad.t + ph - ((t - lo) / (hi - lo)) * ph;
      ctx.fillText(lab(t), pad.l - 4, y);
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(y) + 0.5);
      ctx.lineTo(pad.l + pw, Math.round(y) + 0.5);
      ctx.stroke();
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText('1', pad.l, height - 3);
    ctx.textAlign = 'right';
    ctx.fillText(`epoch ${count(n)}`, pad.l + pw, height - 3);
    const buckets = Math.max(2, Math.floor(pw));
    const series = (values, color, y, positive, dash) => {
      const pts = downsample(values, buckets, { positive });
      if (!pts.length) return;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(dash || []);
      ctx.beginPath();
      pts.forEach((b, k) => {
        const x = xOf((b.start + b.end) / 2);
        if (k === 0) ctx.moveTo(x, y(b.first));
        else ctx.lineTo(x, y(b.first));
        if (b.min !== b.max) {
          ctx.lineTo(x, y(b.min));
          ctx.lineTo(x, y(b.max));
        }
        ctx.lineTo(x, y(b.last));
      });
      ctx.stroke();
      ctx.setLineDash([]);
    };
    if (classification && h.has('accuracy')) {
      const yAcc = (v) => pad.t + ph - v * ph;
      series(h.values('accuracy'), ACC, yAcc, false, [4, 3]);
      if (h.has('test_accuracy')) series(h.values('test_accuracy'), TEST_ACC, yAcc, false, [2, 3]);
      ctx.fillStyle = 'rgb(46, 140, 60)';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText('100%', pad.l + pw + 3, pad.t + 4);
      ctx.fillText('0%', pad.l + pw + 3, pad.t + ph - 4);
    }
    if (hasTest) series(test, TEST, yOf, log);
    series(train, TRAIN, yOf, log);
    // hover
    let epoch = n;
    if (this.hoverX != null && this.hoverX >= pad.l && this.hoverX <= pad.l + pw) {
      epoch = Math.max(1, Math.min(n, Math.round(1 + ((this.hoverX - pad.l) / pw) * (n - 1))));
      const x = xOf(epoch);
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.35)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, pad.t);
      ctx.lineTo(Math.round(x) + 0.5, pad.t + ph);
      ctx.stroke();
    }
    this._readout(h.at(epoch), this.hoverX != null);
  }

  _readout(v, hovering = false) {
    if (!this.readout) return;
    if (!v) {
      this.readout.textContent = 'Loss: –';
      return;
    }
    let text = `${hovering ? 'Epoch' : 'Last epoch'} ${count(v.epoch)} · train loss ${sig(v.train_loss)}`;
    if (v.test_loss != null) text += ` · test loss ${sig(v.test_loss)}`;
    if (v.accuracy != null) text += ` · accuracy ${percent(v.accuracy)}`;
    if (v.test_accuracy != null) text += ` / test ${percent(v.test_accuracy)}`;
    this.readout.textContent = text;
  }
}

function range(a, b, step) {
  const out = [];
  for (let v = a; v <= b; v += step) out.push(v);
  return out;
}
