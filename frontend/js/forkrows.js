// forkrows.js — the dashboard's rows (GET /forks, the stream's `forks` message) as a table
// reads them: which figure a column shows (test accuracy, else training accuracy; test loss,
// else training loss), the network in short ("[2, 3, 1] tanh"), the challenge cell, and the
// leaderboard's order for every column (the challenge's: met first, soonest first, then by
// accuracy).
// Pure. Leaves out: drawing (views/leaderboard.js) and fetching (dashboard.js).

import { count, percent, sig } from './format.js';
import { featureLabel } from './meta.js';

/** The accuracy a row is ranked by: its test accuracy, else its training accuracy (or null). */
export function accuracyOf(row) {
  return row.last.test_accuracy ?? row.last.accuracy ?? null;
}

/** The loss a row shows: its test loss, else its training loss (or null). */
export function lossOf(row) {
  return row.last.test_loss ?? row.last.train_loss ?? null;
}

/** "[2, 3, 1] tanh" (no hidden layer: "[2, 1] no hidden layer"). */
export function networkText(row) {
  const act = row.hidden_layers.length ? row.activation : 'no hidden layer';
  return `[${row.layers.join(', ')}] ${act}`;
}

export function featuresText(row) {
  return row.features.map((f) => featureLabel(f)).join(' ');
}

/** The challenge cell: '✓ epoch 658', 'not yet', or '' without a challenge. */
export function challengeText(row) {
  if (!row.challenge) return '';
  return row.challenge.met ? `✓ epoch ${count(row.challenge.epoch)}` : 'not yet';
}

/** Every column: its header, its cell's text, and the value it sorts by (null last). */
export const COLUMNS = {
  nickname: { title: 'Nickname', text: (r) => r.nickname || 'anonymous', value: (r) => (r.nickname || '').toLowerCase() || null },
  network: { title: 'Network', text: networkText, value: (r) => r.hidden_layers.reduce((a, b) => a + b, 0) },
  features: { title: 'Features', text: featuresText, value: (r) => r.features.length },
  epoch: { title: 'Epoch', text: (r) => count(r.epoch), value: (r) => r.epoch, numeric: true },
  accuracy: { title: 'Accuracy', text: (r) => percent(accuracyOf(r)), value: accuracyOf, numeric: true },
  loss: { title: 'Loss', text: (r) => sig(lossOf(r)), value: lossOf, numeric: true },
  status: { title: 'Status', text: (r) => r.status, value: (r) => r.status },
  challenge: { title: 'Challenge', text: challengeText, value: (r) => (r.challenge && r.challenge.met ? r.challenge.epoch : null) },
};

/** The direction a column sorts in first: best first (high accuracy, low loss, met soonest). */
export const FIRST_DIRECTION = { accuracy: 'desc', epoch: 'desc', network: 'asc', loss: 'asc', challenge: 'asc', nickname: 'asc', features: 'asc', status: 'asc' };

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** Negative when `x` is more accurate than `y` (a row without an accuracy after any other). */
function betterAccuracy(x, y) {
  const a = accuracyOf(x);
  const b = accuracyOf(y);
  return compare(a === null ? null : -a, b === null ? null : -b);
}

/**
 * The rows in leaderboard order by `key` ('asc' or 'desc'); ties by accuracy (best first),
 * then by nickname. Rows without a value go last either way.
 */
export function sortRows(rows, key = 'challenge', dir = 'asc') {
  const col = COLUMNS[key];
  const sign = dir === 'desc' ? -1 : 1;
  return [...rows].sort((x, y) => {
    const a = col.value(x);
    const b = col.value(y);
    const missing = (a === null || a === undefined) - (b === null || b === undefined);
    if (missing) return missing;
    return sign * compare(a, b) || betterAccuracy(x, y)
      || compare((x.nickname || '').toLowerCase(), (y.nickname || '').toLowerCase()) || compare(x.id, y.id);
  });
}
