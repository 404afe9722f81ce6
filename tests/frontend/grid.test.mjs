// Unit tests of frontend/js/grid.js: decoding the server's quantised base64 grids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Bytes, channel, decodeGrid, paint } from '../../frontend/js/grid.js';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

test('values are min + q (max - min) / 255, row-major', () => {
  const g = decodeGrid({ shape: [1, 2, 2], min: -1, max: 1, data: b64([0, 255, 51, 204]) });
  assert.deepEqual(g.shape, [1, 2, 2]);
  const v = Array.from(g.values);
  assert.ok(Math.abs(v[0] - -1) < 1e-6);
  assert.ok(Math.abs(v[1] - 1) < 1e-6);
  assert.ok(Math.abs(v[2] - (-1 + (51 * 2) / 255)) < 1e-6);
  assert.ok(Math.abs(v[3] - (-1 + (204 * 2) / 255)) < 1e-6);
});

test('a 2-d shape counts as one channel; channels are views', () => {
  const g = decodeGrid({ shape: [2, 3], min: 0, max: 255, data: b64([1, 2, 3, 4, 5, 6]) });
  assert.deepEqual(g.shape, [1, 2, 3]);
  const g3 = decodeGrid({ shape: [2, 1, 2], min: 0, max: 255, data: b64([1, 2, 3, 4]) });
  assert.deepEqual(Array.from(channel(g3, 1)), [3, 4]);
});

test('a constant grid (min == max) decodes to that constant', () => {
  const g = decodeGrid({ shape: [1, 1, 3], min: 0.5, max: 0.5, data: b64([0, 0, 0]) });
  assert.deepEqual(Array.from(g.values), [0.5, 0.5, 0.5]);
});

test('a length mismatch is an error, not garbage', () => {
  assert.throws(() => decodeGrid({ shape: [1, 2, 2], min: 0, max: 1, data: b64([1, 2, 3]) }), /needs 4/);
});

test('base64Bytes and paint', () => {
  assert.deepEqual(Array.from(base64Bytes(b64([0, 128, 255]))), [0, 128, 255]);
  const out = new Uint8ClampedArray(8);
  paint(out, 2, (i) => [i, 10 + i, 20 + i]);
  assert.deepEqual(Array.from(out), [0, 10, 20, 255, 1, 11, 21, 255]);
});
