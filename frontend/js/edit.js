// edit.js — point editing on the output view: a click adds a point of the chosen class (shift:
// the other class; regression: the chosen value, shift: its negative), ctrl/cmd-click or the
// remove tool deletes the nearest visible point (test points only while they are shown).
// Pure: returns the new {train, test} lists for PUT /dataset. Leaves out: the request and the
// pointer handling (views/heatmap.js).

/**
 * New point lists after an edit at (x1, x2); null when nothing valid remains.
 * `tool`: a class (or regression value) or 'remove'; `problem` and `nClasses` are the
 * dataset's; `showTest`: whether test points are drawn, so removable.
 */
export function editPoints(dataset, { x1, x2, action, shift }, { tool, problem, nClasses, showTest }) {
  const train = dataset.train.map((p) => ({ x1: p.x1, x2: p.x2, label: p.label }));
  const test = dataset.test.map((p) => ({ x1: p.x1, x2: p.x2, label: p.label }));
  if (action === 'remove' || tool === 'remove') {
    const visible = showTest ? [[train, 'train'], [test, 'test']] : [[train, 'train']];
    let best = null;
    for (const [list, name] of visible) {
      list.forEach((p, i) => {
        const d = (p.x1 - x1) ** 2 + (p.x2 - x2) ** 2;
        if (!best || d < best.d) best = { d, name, i };
      });
    }
    if (!best) return null;
    (best.name === 'train' ? train : test).splice(best.i, 1);
    if (!train.length) return null;
    return { train, test };
  }
  let label;
  if (problem === 'regression') {
    label = (typeof tool === 'number' ? tool : 1) * (shift ? -1 : 1);
    const k = Array.isArray(dataset.train[0] && dataset.train[0].label) ? dataset.train[0].label.length : 0;
    if (k) label = Array(k).fill(label);
  } else {
    const k = Math.max(2, nClasses);
    const base = typeof tool === 'number' ? tool : 0;
    label = shift ? (k === 2 ? 1 - base : (base + 1) % k) : base;
  }
  train.push({ x1, x2, label });
  return { train, test };
}
