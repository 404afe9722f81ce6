// format.js — how numbers read on the page: losses, weights, matrix cells, percentages, epochs,
// layer indices as superscripts (W¹, a²), the viewer count.
// Pure. Leaves out: locale-specific formatting (the page uses plain ASCII digits everywhere
// so figures match the API's JSON).

/** A value with `digits` significant digits; tiny or huge ones in exponent form. */
export function sig(v, digits = 4) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(digits - 1).replace('e+', 'e');
  return Number(v.toPrecision(digits)).toString();
}

/** A matrix cell: fixed width-ish, 4 significant digits. */
export function cell(v) {
  return sig(v, 4);
}

/** 0.953 -> "95.3%". */
export function percent(v) {
  if (v == null || Number.isNaN(v)) return '–';
  return `${(v * 100).toFixed(1)}%`;
}

/** 12345 -> "12,345" (epochs). */
export function count(n) {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A learning rate or regularisation rate as written in menus. */
export function rate(v) {
  return Number(v).toString();
}

const SUP = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** Superscript digits ("12" -> "¹²"). */
export function sup(n) {
  return String(n).split('').map((d) => SUP[d] || d).join('');
}

/** What the viewer count means: the server's open streams to the session, this page's too. */
export const WATCHING_TITLE = 'pages open on this session, yours included';

/** The viewer count as both pages show it: the server's number as it is ("2 watching"). */
export function watching(n) {
  return `${count(n || 0)} watching`;
}
