// views/heatmap.js — the output view: the network's output over the input space as a
// low-resolution canvas (the snapshot's boundary grid, one pixel per cell, scaled up by CSS),
// with the training points (and optionally the test points) drawn on an overlay canvas, axis
// ticks, a readout of the output under the pointer, and clicks turned into point edits (a
// touch tap only while ui.touchDraw is on: an accidental tap must not wipe the run). Points are
// markers (markers.js: shape by class, dark outline), regression ones optionally coloured by
// their residual (residuals.js). A snapshot without a boundary (an epoch of a diverged run whose
// numbers are not finite) leaves the grid empty.
// Leaves out: sending edits (the caller's onEdit) and the colour legend (legend.js).

import { classColor, css, makeScale, outputDomain } from '../colors.js';
import { sig } from '../format.js';
import { fitCanvas, niceTicks, paintChannel, paintClasses, tickFont } from './paint.js';
import { drawMarker, markerOf } from './markers.js';
import { residualColor, sampleGrid } from '../residuals.js';

export class HeatmapView {
  /**
   * @param {HTMLElement} root element to fill
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onEdit?: Function, readout?: HTMLElement, small?: boolean}} options
   */
  constructor(root, store, loop, { onEdit = null, readout = null } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.onEdit = onEdit;
    this.readout = readout;
    root.classList.add('heatmap');
    this.heat = document.createElement('canvas');
    this.heat.className = 'heatmap-grid';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'heatmap-points';
    this.overlay.setAttribute('role', 'img');
    this.overlay.setAttribute('aria-label', 'Output of the network over the input space, with the data points');
    root.append(this.heat, this.overlay);
    store.on(['snapshot', 'dataset', 'ui', 'network', 'problem'], () => loop.invalidate(this));
    new ResizeObserver(() => loop.invalidate(this)).observe(root);
    if (onEdit) {
      root.classList.add('editable');
      this.pointerType = 'mouse';
      this.overlay.addEventListener('pointerdown', (e) => { this.pointerType = e.pointerType; });
      this.overlay.addEventListener('click', (e) => this._click(e));
    }
    this.overlay.addEventListener('pointermove', (e) => this._hover(e));
    this.overlay.addEventListener('pointerleave', () => { if (this.readout) this.readout.textContent = ''; });
  }

  domain() {
    const snap = this.store.get('snapshot');
    const ds = this.store.get('dataset');
    return (snap && snap.domain) || (ds && ds.domain) || [-6, 6, -6, 6];
  }

  /** Data coordinates of a pointer event. */
  toData(e) {
    const rect = this.overlay.getBoundingClientRect();
    const [x0, x1, y0, y1] = this.domain();
    const fx = (e.clientX - rect.left) / rect.width;
    const fy = (e.clientY - rect.top) / rect.height;
    return { x1: x0 + fx * (x1 - x0), x2: y1 - fy * (y1 - y0), fx, fy };
  }

  /**
   * The output's colour scale: by the session's problem, over the range of the dataset's
   * labels when those are regression targets.
   */
  outputScale() {
    const s = this.store.state;
    const net = s.network || {};
    const ds = s.dataset;
    const labels = ds && ds.problem === 'regression' ? ds.train.map((p) => (Array.isArray(p.label) ? p.label[s.ui.output || 0] : p.label)) : [];
    const [lo, hi] = outputDomain(s.problem, net.output_activation || 'sigmoid', labels);
    return { lo, hi, scale: makeScale(lo, hi, { discrete: s.ui.discretize }) };
  }

  _click(e) {
    const p = this.toData(e);
    if (p.fx < 0 || p.fx > 1 || p.fy < 0 || p.fy > 1) return;
    if (this.pointerType === 'touch' && !this.store.state.ui.touchDraw) {
      this.store.notify('Switch on “Draw” under the output to add points by touch.', 'info');
      return;
    }
    let action = 'add';
    if (e.ctrlKey || e.metaKey) action = 'remove';
    this.onEdit({ x1: p.x1, x2: p.x2, action, shift: e.shiftKey });
  }

  _hover(e) {
    if (!this.readout) return;
    const snap = this.store.get('snapshot');
    const p = this.toData(e);
    let text = `x₁ ${sig(p.x1, 3)}, x₂ ${sig(p.x2, 3)}`;
    if (snap && snap.boundary) {
      const [k, rows, cols] = snap.boundary.shape;
      const c = Math.min(cols - 1, Math.max(0, Math.floor(p.fx * cols)));
      const r = Math.min(rows - 1, Math.max(0, Math.floor(p.fy * rows)));
      const vals = [];
      for (let ch = 0; ch < k; ch++) vals.push(sig(snap.boundary.values[ch * rows * cols + r * cols + c], 3));
      text += ` → output ${vals.length > 1 ? `[${vals.join(', ')}]` : vals[0]}`;
    }
    this.readout.textContent = text;
  }

  reset() {
    const ctx = this.heat.getContext('2d');
    ctx.clearRect(0, 0, this.heat.width, this.heat.height);
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    const snap = s.snapshot;
    if (snap && snap.boundary) {
      const grid = snap.boundary;
      if (grid.shape[0] > 1 && s.problem !== 'regression') paintClasses(this.heat, grid, { discrete: s.ui.discretize });
      else paintChannel(this.heat, grid, Math.min(s.ui.output || 0, grid.shape[0] - 1), this.outputScale().scale);
    } else if (snap) {
      // An epoch whose numbers are not finite has no boundary: an older one must not stay
      // drawn under the epoch's name.
      this.heat.getContext('2d').clearRect(0, 0, this.heat.width, this.heat.height);
    }
    this.drawPoints();
  }

  drawPoints() {
    const s = this.store.state;
    const { ctx, width, height } = fitCanvas(this.overlay);
    ctx.clearRect(0, 0, width, height);
    const ds = s.dataset;
    const [x0, x1, y0, y1] = this.domain();
    const px = (v) => ((v - x0) / (x1 - x0)) * width;
    const py = (v) => ((y1 - v) / (y1 - y0)) * height;
    this.drawTicks(ctx, width, height, [x0, x1, y0, y1], px, py);
    if (!ds) return;
    // Points are coloured by their own dataset's problem: after a switch, the session's summary
    // (s.problem) arrives before the new points do.
    const regression = ds.problem === 'regression';
    const { lo, hi, scale } = this.outputScale();
    const out = s.ui.output || 0;
    const grid = s.snapshot && s.snapshot.boundary;
    const byResidual = regression && s.ui.residuals && grid && out < grid.shape[0];
    const color = (p) => {
      const label = Array.isArray(p.label) ? p.label[out] : p.label;
      if (byResidual) return residualColor(sampleGrid(grid, out, this.domain(), p.x1, p.x2) - label, (hi - lo) / 2);
      return regression ? scale(label) : classColor(label);
    };
    const r = ds.train.length + ds.test.length > 400 ? 3 : ds.train.length < 20 ? 6.5 : 4;
    const draw = (points, test) => {
      for (const p of points) {
        const shape = regression ? 'circle' : markerOf(p.label);
        drawMarker(ctx, { shape, x: px(p.x1), y: py(p.x2), r, fill: css(color(p)), test });
      }
    };
    draw(ds.train, false);
    if (s.ui.showTest) draw(ds.test, true);
  }

  drawTicks(ctx, width, height, [x0, x1, y0, y1], px, py) {
    if (width < 120) return;
    const size = tickFont(this.root);
    ctx.font = `${size}px system-ui, sans-serif`;
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    const ticks = (lo, hi) => niceTicks(lo, hi, 5);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    for (const v of ticks(x0, x1)) {
      const x = px(v);
      if (x < size * 0.8 || x > width - size * 0.8) continue;
      ctx.fillText(String(v), x, height - 1);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const v of ticks(y0, y1)) {
      const y = py(v);
      if (y < size * 0.8 || y > height - size * 1.4) continue;
      ctx.fillText(String(v), 2, y);
    }
  }
}
