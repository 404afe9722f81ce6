// Unit tests of frontend/js/colors.js: the orange/blue scale and the class colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLUE, MID, ORANGE, activationDomain, classMix, css, diverging, makeScale, outputDomain, CLASS_COLORS,
} from '../../frontend/js/colors.js';

test('diverging: -1 orange, 0 middle grey, +1 blue, clamped beyond', () => {
  assert.deepEqual(diverging(-1), ORANGE);
  assert.deepEqual(diverging(0), MID);
  assert.deepEqual(diverging(1), BLUE);
  assert.deepEqual(diverging(-7), ORANGE);
  assert.deepEqual(diverging(9), BLUE);
  assert.deepEqual(diverging(NaN), MID);
});

test('diverging moves monotonically from orange to blue in the red channel', () => {
  let prev = Infinity;
  for (let t = -1; t <= 1.0001; t += 0.1) {
    const r = diverging(t)[0];
    assert.ok(r <= prev, `red channel at ${t}`);
    prev = r;
  }
});

test('makeScale maps its ends and middle; discrete snaps', () => {
  const s = makeScale(0, 1);
  assert.deepEqual(s(0), ORANGE);
  assert.deepEqual(s(0.5), MID);
  assert.deepEqual(s(1), BLUE);
  const d = makeScale(0, 1, { discrete: true });
  assert.deepEqual(d(0.51), BLUE);
  assert.deepEqual(d(0.49), ORANGE);
});

test('domains: sigmoid [0,1], tanh [-1,1], relu symmetric by range', () => {
  assert.deepEqual(activationDomain('sigmoid'), [0, 1]);
  assert.deepEqual(activationDomain('softmax'), [0, 1]);
  assert.deepEqual(activationDomain('tanh'), [-1, 1]);
  assert.deepEqual(activationDomain('relu', 0, 3), [-3, 3]);
  assert.deepEqual(outputDomain('classification', 'sigmoid'), [0, 1]);
  assert.deepEqual(outputDomain('regression', 'linear', [0.1, 0.9]), [0, 1]);
  assert.deepEqual(outputDomain('regression', 'linear', [-0.5, 2]), [-2, 2]);
  assert.deepEqual(outputDomain('regression', 'linear', [14, 35, 20]), [14, 35]); // all one sign
});

test('classMix: most likely class, paler when unsure, full when discrete', () => {
  assert.deepEqual(classMix([0, 0, 1]), CLASS_COLORS[2]);
  const unsure = classMix([0.34, 0.33, 0.33]);
  const sure = classMix([0.9, 0.05, 0.05]);
  const dist = (c) => Math.hypot(c[0] - 250, c[1] - 250, c[2] - 250);
  assert.ok(dist(unsure) < dist(sure));
  assert.deepEqual(classMix([0.4, 0.35, 0.25], { discrete: true }), CLASS_COLORS[0]);
});

test('css strings', () => {
  assert.equal(css([1, 2, 3]), 'rgb(1, 2, 3)');
  assert.equal(css([1, 2, 3], 0.5), 'rgba(1, 2, 3, 0.5)');
});
