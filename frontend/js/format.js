// format.js — how numbers read on the page: losses, weights, matrix cells, percentages, epochs
// (in full and on an axis), the speed, a stop condition, layer indices as superscripts (W¹,
// a²), the viewer count.
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

const OPTION_NAMES = {
  sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'ReLU', leaky_relu: 'Leaky ReLU', linear: 'Linear',
  softmax: 'Softmax', auto: 'Auto', none: 'None', l1: 'L1', l2: 'L2', mse: 'MSE (tutorial)',
  bce: 'Binary cross-entropy', cce: 'Categorical cross-entropy', he: 'He (tutorial)',
  xavier: 'Xavier', uniform: 'Uniform', sgd: 'Gradient descent', momentum: 'Momentum', adam: 'Adam',
};

/** How a menu names an option value ("relu" -> "ReLU"). */
export function optionName(value) {
  return OPTION_NAMES[value] || String(value);
}

/** An axis label: 1,500 -> "1.5k", 2,000,000 -> "2M". */
export function compact(n) {
  const a = Math.abs(n);
  const [div, unit] = a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((n / div).toPrecision(3))}${unit}`;
}

/** A speed (epochs a second; null: as fast as the server goes). */
export function paceText(pace) {
  return pace == null ? 'max speed' : `${count(pace)} epoch${pace === 1 ? '' : 's'}/s`;
}

const STOP_WORDS = {
  epoch: 'epoch', test_accuracy: 'test accuracy ≥', accuracy: 'training accuracy ≥',
  test_loss: 'test loss ≤', train_loss: 'training loss ≤',
};

/** One stop condition ("epoch 10,000", "test accuracy ≥ 95%", "training loss ≤ 0.001"). */
export function stopText(kind, value) {
  if (kind === 'epoch') return `epoch ${count(value)}`;
  const v = kind.endsWith('accuracy') ? `${Number((value * 100).toPrecision(4))}%` : sig(value);
  return `${STOP_WORDS[kind]} ${v}`;
}

/** A stop_at object in words ("epoch 10,000 or test accuracy ≥ 95%"), or '' for none. */
export function stopsText(stopAt) {
  return Object.entries(stopAt || {}).map(([k, v]) => stopText(k, v)).join(' or ');
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
