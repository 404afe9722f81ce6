// Unit tests of frontend/js/snapshot.js: a binary snapshot frame the real server produced
// decodes to the JSON snapshot a detail=full client got for the same epoch and version, and
// frames decoded out of order never put an older snapshot over a newer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { SnapshotFrames, decodeFrame, inflate, parseFrame, unpredict } from '../../frontend/js/snapshot.js';
import { decodeGrid } from '../../frontend/js/grid.js';

const { frame: frameB64, snapshot: json } = FIXTURE.display;
const frame = () => {
  const bytes = Buffer.from(frameB64, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
};
const f32 = (v) => Math.fround(v);

test("the server's frame decodes to the full client's snapshot", async () => {
  const snap = await decodeFrame(frame());
  assert.equal(snap.epoch, json.epoch);
  assert.equal(snap.version, json.version);
  assert.deepEqual(snap.domain, json.domain);
  // weights and biases in the tutorial's shapes, as float32
  assert.equal(snap.weights.length, json.weights.length);
  snap.weights.forEach((W, l) => W.forEach((row, i) => row.forEach((v, j) => {
    assert.equal(v, f32(json.weights[l][i][j]), `W${l + 1}[${i}][${j}]`);
  })));
  snap.biases.forEach((b, l) => b.forEach(([v], i) => assert.equal(v, f32(json.biases[l][i][0]))));
  // every grid: the same shape and the same quantised values (min/max travel as float32)
  const grids = [json.boundary, ...json.neurons];
  const decoded = [snap.boundary, ...snap.neurons];
  assert.equal(decoded.length, grids.length);
  grids.forEach((g, k) => {
    const want = decodeGrid(g);
    const got = decoded[k];
    assert.deepEqual(got.shape, want.shape);
    assert.equal(got.min, f32(g.min));
    assert.equal(got.max, f32(g.max));
    const step = (g.max - g.min) / 255;
    for (let i = 0; i < want.values.length; i++) {
      assert.ok(Math.abs(got.values[i] - want.values[i]) <= 1e-5 * Math.max(1, Math.abs(g.max)) + step * 1e-3, `grid ${k} value ${i}`);
    }
  });
});

test('the grids are sent as residuals: undoing the prediction gives the JSON bytes', async () => {
  const { header, compressed } = parseFrame(frame());
  const residuals = await inflate(compressed);
  const want = Buffer.concat([json.boundary, ...json.neurons].map((g) => Buffer.from(g.data, 'base64')));
  assert.equal(residuals.length, want.length);
  assert.notDeepEqual(Array.from(residuals), Array.from(want)); // the prediction did something
  assert.deepEqual(Array.from(unpredict(residuals, header.grids)), Array.from(want));
});

test('unpredict: left, up, left + up - upleft, mod 256; a size mismatch is an error', () => {
  // the grid [[10, 20], [30, 250]]: predictions 0, 10, 10, 20 + 30 - 10 = 40
  const residuals = Uint8Array.from([10, 10, 20, (250 - 40) & 255]);
  assert.deepEqual(Array.from(unpredict(residuals, [[1, 2, 2]])), [10, 20, 30, 250]);
  assert.deepEqual(Array.from(unpredict(Uint8Array.from([5, 251]), [[1, 2]])), [5, 0]);
  assert.throws(() => unpredict(new Uint8Array(5), [[2, 2]]), /holds 5 grid values, its shapes need 4/);
});

test('a frame decoded after a newer one is dropped; drop() forgets pending frames', async () => {
  const shown = [];
  const gates = [];
  // the real decoder, each frame held until the test opens its gate
  const decode = (buffer) => new Promise((open) => gates.push(open)).then(() => decodeFrame(buffer));
  const frames = new SnapshotFrames((snap) => shown.push(snap.epoch), { decode });
  const older = frames.push(frame());
  const newer = frames.push(frame());
  gates[1]();
  assert.equal(await newer, true);
  gates[0]();
  assert.equal(await older, false);
  assert.deepEqual(shown, [json.epoch]);
  const pending = frames.push(frame());
  frames.drop();
  gates[2]();
  assert.equal(await pending, false);
  assert.equal(shown.length, 1);
  const next = frames.push(frame());
  gates[3]();
  assert.equal(await next, true);
  assert.equal(shown.length, 2);
});

test('a broken frame goes to onError, not to the page', async () => {
  const errors = [];
  const frames = new SnapshotFrames(() => assert.fail('no snapshot'), { onError: (e) => errors.push(e) });
  const bytes = new Uint8Array(frame());
  const cut = bytes.slice(0, bytes.length - 20).buffer;
  assert.equal(await frames.push(cut), false);
  assert.equal(errors.length, 1);
});
