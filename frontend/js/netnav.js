// netnav.js — where the arrow keys move the focus in the network diagram. The diagram is a row
// of columns: neurons of layer l, then the links into layer l+1, then its neurons, and so on.
// In a neuron column Up/Down go to the neighbouring neuron; in a link column they walk the
// layer's links in order (by target neuron, then by source). Left/Right from a link go to its
// source/target neuron; from a neuron, Left goes to its first incoming link and Right to its
// first outgoing one. Home/End: the first/last item of the column.
// Pure: layer sizes and an item in, an item (or null: nowhere to go) out. Leaves out: the DOM.

/**
 * An item is {kind: 'b', l, i} (neuron i of layer l >= 1, whose bias Enter edits) or
 * {kind: 'W', l, i, j} (the link from neuron j of layer l-1 to neuron i of layer l).
 * `sizes` is [inputs, hidden..., outputs].
 */
export function itemKey(t) {
  return t.kind === 'W' ? `W:${t.l}:${t.i}:${t.j}` : `b:${t.l}:${t.i}`;
}

const neuron = (l, i) => ({ kind: 'b', l, i });
const link = (l, i, j) => ({ kind: 'W', l, i, j });

/** The item after `t` for key `key` ('ArrowUp', ..., 'Home', 'End'), or null. */
export function move(sizes, t, key) {
  const last = sizes.length - 1;
  if (t.kind === 'b') {
    const n = sizes[t.l];
    switch (key) {
      case 'ArrowUp': return t.i > 0 ? neuron(t.l, t.i - 1) : null;
      case 'ArrowDown': return t.i < n - 1 ? neuron(t.l, t.i + 1) : null;
      case 'ArrowLeft': return link(t.l, t.i, 0);
      case 'ArrowRight': return t.l < last ? link(t.l + 1, 0, t.i) : null;
      case 'Home': return neuron(t.l, 0);
      case 'End': return neuron(t.l, n - 1);
      default: return null;
    }
  }
  const from = sizes[t.l - 1];
  const k = t.i * from + t.j; // its place in the layer's links
  const total = sizes[t.l] * from;
  const at = (p) => link(t.l, Math.floor(p / from), p % from);
  switch (key) {
    case 'ArrowUp': return k > 0 ? at(k - 1) : null;
    case 'ArrowDown': return k < total - 1 ? at(k + 1) : null;
    case 'ArrowLeft': return t.l > 1 ? neuron(t.l - 1, t.j) : null;
    case 'ArrowRight': return neuron(t.l, t.i);
    case 'Home': return at(0);
    case 'End': return at(total - 1);
    default: return null;
  }
}
