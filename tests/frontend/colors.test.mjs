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

// Colour-vision deficiencies, simulated with Machado, Oliveira & Fernandes (2009), severity 1,
// on linear RGB; differences are CIE76 ΔE in CIELAB (D65).
const CVD = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};
const linear = (c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
function seenAs(rgb, matrix) {
  const l = rgb.map(linear);
  const out = matrix ? matrix.map((row) => Math.min(1, Math.max(0, row[0] * l[0] + row[1] * l[1] + row[2] * l[2]))) : l;
  const [r, g, b] = out;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const X = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const Y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const Z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * Y - 16, 500 * (X - Y), 200 * (Y - Z)];
}
const deltaE = (a, b, m) => {
  const [p, q] = [seenAs(a, m), seenAs(b, m)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};

test('the class colours stay apart for normal vision and each colour-vision deficiency', () => {
  assert.equal(CLASS_COLORS.length, 8);
  for (const [name, m] of [['normal', null], ...Object.entries(CVD)]) {
    for (let i = 0; i < CLASS_COLORS.length; i++) {
      for (let j = i + 1; j < CLASS_COLORS.length; j++) {
        const d = deltaE(CLASS_COLORS[i], CLASS_COLORS[j], m);
        // the three classes of a 3-class problem further apart than any pair of the eight
        const min = j < 3 ? 20 : 15;
        assert.ok(d >= min, `${name}: class ${i} and class ${j} are only ΔE ${d.toFixed(1)} apart`);
      }
    }
  }
});

test('the diverging scale reads under each deficiency: ends apart, the middle apart from both', () => {
  for (const [name, m] of [['normal', null], ...Object.entries(CVD)]) {
    assert.ok(deltaE(ORANGE, BLUE, m) >= 30, `${name}: the ends`);
    assert.ok(deltaE(MID, ORANGE, m) >= 20 && deltaE(MID, BLUE, m) >= 20, `${name}: the middle`);
  }
});

test('the same check fails the old palette (its blue and purple merge under deuteranopia)', () => {
  const old = [ORANGE, BLUE, [46, 160, 67], [128, 84, 194]];
  assert.ok(deltaE(old[1], old[3], CVD.deuteranopia) < 15); // blue and purple merge
});
