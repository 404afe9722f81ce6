// views/paint.js — small drawing helpers shared by the renderers: a canvas sized to its CSS box
// at the device pixel ratio, painting a decoded grid channel into a low-resolution canvas
// (scaled up by CSS), the colour function for an output or neuron grid, round axis ticks, and
// the size of tick labels (CSS's --chart-font, which projector mode raises).
// Leaves out: layout and what to draw where.

import { activationDomain, classMix, makeScale } from '../colors.js';
import { channel, paint } from '../grid.js';

/**
 * The tick-label font size (CSS px) for a chart in `el`: its --chart-font, else 10. It is
 * written to `el.dataset.tickFont`, so what a chart draws with can be read from the page.
 */
export function tickFont(el) {
  const v = parseFloat(getComputedStyle(el).getPropertyValue('--chart-font'));
  const size = Number.isFinite(v) && v > 0 ? v : 10;
  if (el.dataset.tickFont !== String(size)) el.dataset.tickFont = String(size);
  return size;
}

/** Resize a canvas's backing store to its CSS size times devicePixelRatio; returns the 2D context. */
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width: canvas.clientWidth, height: canvas.clientHeight };
}

/** Paint channel `c` of a decoded grid into `canvas` (one pixel per grid cell). */
export function paintChannel(canvas, grid, c, color) {
  const rows = grid.shape[1];
  const cols = grid.shape[2];
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(cols, rows);
  const values = channel(grid, c);
  paint(img.data, rows * cols, (i) => color(values[i]));
  ctx.putImageData(img, 0, 0);
}

/** Paint a softmax grid (channels = classes) as class colours shaded by confidence. */
export function paintClasses(canvas, grid, { discrete = false } = {}) {
  const [k, rows, cols] = grid.shape;
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(cols, rows);
  const size = rows * cols;
  const probs = new Array(k);
  paint(img.data, size, (i) => {
    for (let c = 0; c < k; c++) probs[c] = grid.values[c * size + i];
    return classMix(probs, { discrete });
  });
  ctx.putImageData(img, 0, 0);
}

/** Colour function for a neuron grid of an activation (unbounded ones by the grid's range). */
export function neuronScale(activation, grid) {
  const [lo, hi] = activationDomain(activation, grid.min, grid.max);
  return makeScale(lo, hi);
}

/** Round tick values (steps of 1, 2 or 5 times a power of ten) from lo to hi, about `n` of them. */
export function niceTicks(lo, hi, n) {
  const raw = (hi - lo) / n;
  if (!(raw > 0)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((v) => v >= raw);
  const out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + 1e-9 * step; k++) out.push(Number((k * step).toPrecision(6)));
  return out;
}
