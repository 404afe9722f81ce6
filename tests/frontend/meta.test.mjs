// Unit tests of frontend/js/meta.js (the server's lists, held once), features.js (a feature's
// value read from its name) and the hash's feature codes, against a real app's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { featureLabel, features, hiddenActivations, limits, outputChoices } from '../../frontend/js/meta.js';
import { featureFunction } from '../../frontend/js/features.js';
import { featureCode, parseHash, serializeHash } from '../../frontend/js/hash.js';
import { DEFAULT_CONFIG } from '../../frontend/js/config.js';

test("meta.js holds the server's features, activations and limits as it said them", () => {
  const said = FIXTURE.limits;
  assert.deepEqual(features(), said.features.map((f) => f.name));
  for (const f of said.features) assert.equal(featureLabel(f.name), f.label);
  assert.deepEqual(hiddenActivations(), said.activations.hidden);
  assert.deepEqual(outputChoices(), ['auto', ...said.activations.output]);
  assert.equal(limits().maxEpochsPerCall, said.max_epochs_per_call);
  assert.equal(limits().maxNeurons, said.max_neurons);
});

test("every feature tile reproduces the engine's values", () => {
  const { points, values } = FIXTURE.features;
  assert.deepEqual(Object.keys(values), features());
  for (const name of features()) {
    const fn = featureFunction(name);
    assert.ok(fn, `the page cannot read the feature ${name}`);
    points.forEach(([x1, x2], k) => {
      assert.ok(Math.abs(fn(x1, x2) - values[name][k]) <= 1e-12, `${name} at (${x1}, ${x2})`);
    });
  }
  assert.equal(featureFunction('cosh_x1'), null);
  assert.equal(featureFunction('y1'), null);
});

test('feature codes in links stay what they were, and every feature round-trips', () => {
  assert.deepEqual(['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2', 'sin_x1', 'sin_x2'].map(featureCode),
    ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2']);
  const all = { ...DEFAULT_CONFIG, features: [...features()] };
  assert.deepEqual(parseHash(serializeHash({ config: all })).config.features, features());
  assert.equal(new Set(features().map(featureCode)).size, features().length);
});
