// colors.js — colour scales: the orange/blue diverging scale (negative/class 0 orange, positive/
// class 1 blue, a light grey at the middle), a colour-blind-safe class palette for softmax
// outputs with confidence shading, and the domains the page uses for outputs, neurons and weights.
// Pure: numbers in, [r, g, b] arrays or CSS strings out. Leaves out: drawing.

export const ORANGE = [245, 147, 34];
export const BLUE = [8, 119, 189];
export const MID = [232, 234, 235];
/**
 * Class colours: 0 orange, 1 blue (the scale's ends), then Okabe & Ito's colour-blind-safe
 * reddish purple, bluish green, yellow, vermillion, sky blue, and near-black: every pair stays
 * apart under protanopia, deuteranopia and tritanopia (tests/frontend/colors.test.mjs).
 */
export const CLASS_COLORS = [
  ORANGE, BLUE, [204, 121, 167], [0, 158, 115], [240, 228, 66], [213, 94, 0], [86, 180, 233],
  [40, 40, 40],
];

function lerp(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** t in [-1, 1] (clamped): -1 orange, 0 light grey, +1 blue. NaN gives the middle grey. */
export function diverging(t) {
  if (!Number.isFinite(t)) return MID.slice();
  const c = Math.max(-1, Math.min(1, t));
  const out = c < 0 ? lerp(MID, ORANGE, -c) : lerp(MID, BLUE, c);
  return out.map((v) => Math.round(v));
}

/**
 * A diverging scale over [lo, hi]: lo maps to orange, the midpoint to grey, hi to blue.
 * With `discrete`, values snap to the nearer end (the output rounded to a class).
 */
export function makeScale(lo, hi, { discrete = false } = {}) {
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2 || 1;
  return (v) => {
    let t = (v - mid) / half;
    if (discrete && Number.isFinite(t)) t = t >= 0 ? 1 : -1;
    return diverging(t);
  };
}

/** The [lo, hi] range an activation's values take (unbounded ones: symmetric around 0). */
export function activationDomain(activation, min = -1, max = 1) {
  if (activation === 'sigmoid' || activation === 'softmax') return [0, 1];
  if (activation === 'tanh') return [-1, 1];
  const m = Math.max(Math.abs(min), Math.abs(max), 1e-9);
  return [-m, m];
}

/**
 * The colour domain of the output for a problem: classification outputs by their activation,
 * regression by the labels' range ([0, 1] when they all lie in it, symmetric around 0 when they
 * take both signs, else their own range: imported targets of 14..35 are not all one colour).
 */
export function outputDomain(problem, outputActivation, labels = []) {
  if (problem !== 'regression') return activationDomain(outputActivation);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of labels) {
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!Number.isFinite(lo)) return outputActivation === 'sigmoid' ? [0, 1] : [-1, 1];
  if (lo >= 0 && hi <= 1) return [0, 1];
  if ((lo > 0 || hi < 0) && hi > lo) return [lo, hi];
  const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
  return [-m, m];
}

/**
 * Colour of a softmax output `probs` (one probability per class): the most likely class's
 * colour, faded towards white by how unsure the network is (1/k = white, 1 = full colour).
 */
export function classMix(probs, { discrete = false } = {}) {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  const k = probs.length;
  const base = CLASS_COLORS[best % CLASS_COLORS.length];
  if (discrete) return base.slice();
  const conf = k > 1 ? Math.max(0, Math.min(1, (probs[best] - 1 / k) / (1 - 1 / k))) : 1;
  return lerp([250, 250, 250], base, 0.15 + 0.85 * conf).map((v) => Math.round(v));
}

/** Colour of a class label (points). */
export function classColor(label) {
  return CLASS_COLORS[((label % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

/** "rgb(r, g, b)" (or rgba with an alpha). */
export function css(rgb, alpha = 1) {
  const [r, g, b] = rgb.map((v) => Math.round(v));
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Colour of a weight or bias value, saturating at |v| = `range`. */
export function weightColor(v, range = 1) {
  return diverging(v / (range || 1));
}
