// modeljson.js — editing an exported model (GET /model) without losing precision: the RNG
// state holds integers far beyond 2^53, which JSON.parse would round, so they are carried
// as text through parse -> edit -> stringify.
// Pure. Leaves out: fetching and uploading the model (api.js).

const BIG_INT = /([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g;
const MARK = '__nnp_bigint__';

/** Parse model JSON text; integers with 16+ digits become strings marked for restore. */
export function parseModel(text) {
  return JSON.parse(text.replace(BIG_INT, (_, pre, digits) => `${pre}"${MARK}${digits}"`));
}

/** Serialise a model parsed by parseModel, restoring the big integers as bare numbers. */
export function stringifyModel(model) {
  return JSON.stringify(model).replace(new RegExp(`"${MARK}(-?\\d+)"`, 'g'), '$1');
}

/**
 * Set one parameter in model JSON text: `kind` 'W' (weights[l-1][i][j]) or 'b'
 * (biases[l-1][i][0]) with `l` the layer number from 1. Returns the new text.
 */
export function editParameter(text, { kind, l, i, j = 0, value }) {
  if (!Number.isFinite(value)) throw new Error('the value must be a finite number');
  const model = parseModel(text);
  const list = kind === 'W' ? model.weights : model.biases;
  const layer = list[l - 1];
  if (!layer || !layer[i] || layer[i][kind === 'W' ? j : 0] === undefined) {
    throw new Error(`no parameter ${kind}${l}[${i}][${j}] in this model`);
  }
  layer[i][kind === 'W' ? j : 0] = value;
  return stringifyModel(model);
}
