// Unit tests of frontend/js/netnav.js: where the arrow keys take the focus in the network diagram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { itemKey, move } from '../../frontend/js/netnav.js';

const sizes = [2, 3, 1]; // 2 inputs, 3 hidden, 1 output
const key = (t) => (t ? itemKey(t) : null);

test('neurons: up and down in the layer, left to the first incoming link, right to the first outgoing', () => {
  const n = { kind: 'b', l: 1, i: 1 };
  assert.equal(key(move(sizes, n, 'ArrowUp')), 'b:1:0');
  assert.equal(key(move(sizes, n, 'ArrowDown')), 'b:1:2');
  assert.equal(key(move(sizes, { kind: 'b', l: 1, i: 2 }, 'ArrowDown')), null);
  assert.equal(key(move(sizes, { kind: 'b', l: 1, i: 0 }, 'ArrowUp')), null);
  assert.equal(key(move(sizes, n, 'ArrowLeft')), 'W:1:1:0');
  assert.equal(key(move(sizes, n, 'ArrowRight')), 'W:2:0:1');
  assert.equal(key(move(sizes, { kind: 'b', l: 2, i: 0 }, 'ArrowRight')), null); // the output
  assert.equal(key(move(sizes, n, 'End')), 'b:1:2');
  assert.equal(key(move(sizes, n, 'x')), null);
});

test('links: up and down walk every link of the layer once; left/right go to its ends', () => {
  const seen = [];
  let t = move(sizes, { kind: 'W', l: 1, i: 2, j: 1 }, 'Home');
  while (t) {
    seen.push(key(t));
    t = move(sizes, t, 'ArrowDown');
  }
  assert.deepEqual(seen, ['W:1:0:0', 'W:1:0:1', 'W:1:1:0', 'W:1:1:1', 'W:1:2:0', 'W:1:2:1']);
  assert.equal(key(move(sizes, { kind: 'W', l: 1, i: 1, j: 0 }, 'ArrowUp')), 'W:1:0:1');
  assert.equal(key(move(sizes, { kind: 'W', l: 2, i: 0, j: 2 }, 'ArrowLeft')), 'b:1:2');
  assert.equal(key(move(sizes, { kind: 'W', l: 2, i: 0, j: 2 }, 'ArrowRight')), 'b:2:0');
  assert.equal(key(move(sizes, { kind: 'W', l: 1, i: 0, j: 1 }, 'ArrowLeft')), null); // an input
  assert.equal(key(move(sizes, { kind: 'W', l: 2, i: 0, j: 0 }, 'End')), 'W:2:0:2');
});

test('every neuron and link is reachable from the first neuron', () => {
  const big = [3, 4, 2, 2];
  const start = { kind: 'b', l: 1, i: 0 };
  const seen = new Set([key(start)]);
  const todo = [start];
  while (todo.length) {
    const t = todo.pop();
    for (const k of ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']) {
      const next = move(big, t, k);
      if (next && !seen.has(key(next))) { seen.add(key(next)); todo.push(next); }
    }
  }
  let expected = 0;
  for (let l = 1; l < big.length; l++) expected += big[l] + big[l] * big[l - 1];
  assert.equal(seen.size, expected);
});
