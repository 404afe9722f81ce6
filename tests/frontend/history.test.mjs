// Unit tests of frontend/js/history.js: loss history with gap detection, and downsampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LossHistory, downsample, extent } from '../../frontend/js/history.js';

const msg = (first, values, acc = null) => ({
  first,
  train_loss: values,
  test_loss: values.map((v) => v * 2),
  accuracy: acc || values.map(() => null),
  test_accuracy: values.map(() => null),
});

test('append in order, detect duplicates and gaps', () => {
  const h = new LossHistory();
  assert.equal(h.append(msg(1, [1, 2, 3])), 'ok');
  assert.equal(h.last, 3);
  assert.equal(h.append(msg(2, [2, 3])), 'duplicate');
  assert.equal(h.append(msg(6, [6])), 'gap');
  assert.equal(h.last, 3);
  assert.equal(h.append(msg(3, [3, 4, 5])), 'ok'); // overlap: only the new epochs are added
  assert.deepEqual(Array.from(h.values('train_loss')), [1, 2, 3, 4, 5]);
  assert.equal(h.at(5).test_loss, 10);
  assert.equal(h.at(5).accuracy, null);
  assert.equal(h.at(6), null);
});

test('grows past its initial capacity and resets', () => {
  const h = new LossHistory();
  const big = Array.from({ length: 5000 }, (_, i) => i);
  assert.equal(h.append(msg(1, big)), 'ok');
  assert.equal(h.append(msg(5001, [1])), 'ok');
  assert.equal(h.last, 5001);
  assert.equal(h.values('train_loss')[4999], 4999);
  h.reset();
  assert.equal(h.last, 0);
  assert.equal(h.has('train_loss'), false);
});

test('downsample keeps min, max, first and last of each bucket', () => {
  const values = Float64Array.from([5, 1, 9, 3, 4, 8, 2, 7]);
  const b = downsample(values, 2);
  assert.equal(b.length, 2);
  assert.deepEqual(b[0], { start: 1, end: 4, min: 1, max: 9, first: 5, last: 3 });
  assert.deepEqual(b[1], { start: 5, end: 8, min: 2, max: 8, first: 4, last: 7 });
});

test('downsample: fewer values than buckets keeps every epoch; NaN and non-positive skipped', () => {
  const b = downsample(Float64Array.from([1, NaN, 3]), 10);
  assert.deepEqual(b.map((x) => x.start), [1, 3]);
  const p = downsample(Float64Array.from([0, -1, 2]), 10, { positive: true });
  assert.deepEqual(p.map((x) => x.first), [2]);
  assert.deepEqual(downsample(new Float64Array(0), 5), []);
});

test('downsample of a million epochs gives one bucket per pixel, covering every epoch', () => {
  const n = 1_000_000;
  const values = new Float64Array(n).map((_, i) => 1 / (i + 1));
  const b = downsample(values, 600);
  assert.equal(b.length, 600);
  assert.equal(b[0].start, 1);
  assert.equal(b[599].end, n);
  for (let i = 1; i < b.length; i++) assert.equal(b[i].start, b[i - 1].end + 1);
  assert.equal(b[0].max, 1);
});

test('extent', () => {
  assert.deepEqual(extent([3, NaN, -1, Infinity, 2]), [-1, 3]);
  assert.deepEqual(extent([0, -2, 5], { positive: true }), [5, 5]);
  assert.equal(extent([]), null);
});
