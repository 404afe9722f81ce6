// residuals.js — a regression point's residual (prediction − target) for colouring the points:
// the prediction read from the snapshot's output grid at the point (bilinear between the four
// grid cells around it: the grid's corners are the domain's corners), and a purple–white–green
// diverging colour, purple where the network predicts below the target, green above, full
// colour at half the targets' range. The colour is a picture of the fit, not a measurement:
// the grid is quantised to 256 levels; the figures (R², RMSE) come from the server.
// Pure. Leaves out: drawing (views/heatmap.js).

const BELOW = [118, 42, 131];
const ABOVE = [27, 120, 55];
const ZERO = [247, 247, 247];

/** The value of channel `c` of a decoded grid over `domain` at (x1, x2), bilinearly. */
export function sampleGrid(grid, c, domain, x1, x2) {
  const [, rows, cols] = grid.shape;
  const [x0, x1max, y0, y1] = domain;
  const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));
  const fc = clamp(((x1 - x0) / (x1max - x0)) * (cols - 1), cols);
  const fr = clamp(((y1 - x2) / (y1 - y0)) * (rows - 1), rows);
  const c0 = Math.floor(fc);
  const r0 = Math.floor(fr);
  const c1 = Math.min(cols - 1, c0 + 1);
  const r1 = Math.min(rows - 1, r0 + 1);
  const base = c * rows * cols;
  const at = (r, col) => grid.values[base + r * cols + col];
  const tc = fc - c0;
  const tr = fr - r0;
  const top = at(r0, c0) * (1 - tc) + at(r0, c1) * tc;
  const bottom = at(r1, c0) * (1 - tc) + at(r1, c1) * tc;
  return top * (1 - tr) + bottom * tr;
}

/** [r, g, b] of a residual, saturating at ±`span`. */
export function residualColor(residual, span) {
  if (!Number.isFinite(residual)) return ZERO.slice();
  const t = Math.max(-1, Math.min(1, residual / (span || 1)));
  const end = t < 0 ? BELOW : ABOVE;
  const a = Math.abs(t);
  return ZERO.map((v, i) => Math.round(v + (end[i] - v) * a));
}

export const RESIDUAL_ENDS = { below: BELOW, above: ABOVE, zero: ZERO };
