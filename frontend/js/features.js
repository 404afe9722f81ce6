// features.js — the value of an input feature at a point, read from its name in the engine's
// notation: factors joined by '*', each x<i>, x<i>^<p> or <function>_x<i>[^<p>] (x1, x1^2,
// x1*x2, sin_x1). The network diagram paints each feature tile with it.
// Pure. Leaves out: which features exist (meta.js, from the server) and drawing.

const FUNCTIONS = { sin: Math.sin, cos: Math.cos, tanh: Math.tanh, exp: Math.exp };
const FACTOR = /^(?:([a-z]+)_)?x(\d+)(?:\^(\d+))?$/;

function factor(text) {
  const m = FACTOR.exec(text);
  if (!m) return null;
  const fn = m[1] ? FUNCTIONS[m[1]] : (v) => v;
  if (!fn) return null;
  const i = Number(m[2]) - 1;
  const p = m[3] ? Number(m[3]) : 1;
  return (x) => fn(x[i] ** p);
}

/** `(x1, x2) => value` for a feature name, or null when its notation is not understood. */
export function featureFunction(name) {
  const factors = name.split('*').map(factor);
  if (factors.includes(null)) return null;
  return (x1, x2) => factors.reduce((acc, f) => acc * f([x1, x2]), 1);
}
