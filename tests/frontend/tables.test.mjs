// Unit tests of frontend/js/views/tables.js: the output's low-resolution table samples the
// boundary grid at cell centres (values of one channel, or the likeliest class).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE_RES, sampleGrid } from '../../frontend/js/views/tables.js';

/** A k-channel rows x cols grid whose value is f(channel, row, col). */
function grid(k, rows, cols, f) {
  const values = new Float32Array(k * rows * cols);
  for (let ch = 0; ch < k; ch++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[ch * rows * cols + r * cols + c] = f(ch, r, c);
  return { shape: [k, rows, cols], values };
}

test('one channel: the value at the centre cell of each table cell', () => {
  const g = grid(1, 64, 32, (ch, r, c) => r * 1000 + c);
  const t = sampleGrid(g);
  assert.equal(t.length, TABLE_RES);
  assert.equal(t[0].length, TABLE_RES);
  assert.equal(t[0][0].value, 4 * 1000 + 2); // rows 0..7 -> centre 4; cols 0..3 -> centre 2
  assert.equal(t[7][7].value, 60 * 1000 + 30);
});

test('several classes: the likeliest and its probability; a chosen channel otherwise', () => {
  const g = grid(3, 8, 8, (ch, r, c) => (ch === (c < 4 ? 2 : 1) ? 0.7 : 0.15));
  const t = sampleGrid(g, 4, { classes: true });
  assert.deepEqual(t[0].map((v) => v.cls), [2, 2, 1, 1]);
  assert.ok(Math.abs(t[3][3].p - 0.7) < 1e-6);
  assert.deepEqual(sampleGrid(g, 2, { channel: 2 }).map((row) => row.map((v) => Number(v.value.toFixed(2)))), [[0.7, 0.15], [0.7, 0.15]]);
});
