// Unit tests of the small pure modules: modeljson.js (big integers survive an edit),
// snippets.js (curl/Python carry the configuration; tests/e2e runs them), format.js, thumbs.js, config.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editParameter, parseModel, stringifyModel } from '../../frontend/js/modeljson.js';
import { curlSnippet, pythonSnippet } from '../../frontend/js/snippets.js';
import { count, percent, sig } from '../../frontend/js/format.js';
import { previewPoints } from '../../frontend/js/thumbs.js';
import { DEFAULT_CONFIG, diffConfig, toConfigIn } from '../../frontend/js/config.js';
import { outputErrorText, derivativeText } from '../../frontend/js/views/backprop.js';

const MODEL = '{"spec":{"seed":0},"config":{"layers":[2,2,1]},"epoch":3,'
  + '"weights":[[[0.5,-0.25],[1.5,2.0]],[[0.1,0.2]]],"biases":[[[0.0],[0.0]],[[-0.5]]],'
  + '"rng_state":{"bit_generator":"PCG64","state":{"state":325115863347516500475679070535785655313,'
  + '"inc":87136372517582989555478159403783844777},"has_uint32":0,"uinteger":0}}';

test('model JSON: integers beyond 2^53 survive parse -> stringify exactly', () => {
  const text = stringifyModel(parseModel(MODEL));
  assert.ok(text.includes('325115863347516500475679070535785655313'));
  assert.ok(text.includes('87136372517582989555478159403783844777'));
  assert.deepEqual(JSON.parse(text).weights, JSON.parse(MODEL).weights);
});

test('editParameter sets one weight or bias and nothing else', () => {
  const w = JSON.parse(editParameter(MODEL, { kind: 'W', l: 1, i: 1, j: 0, value: -3.25 }));
  assert.equal(w.weights[0][1][0], -3.25);
  assert.equal(w.weights[0][1][1], 2.0);
  const b = editParameter(MODEL, { kind: 'b', l: 2, i: 0, value: 0.75 });
  assert.equal(JSON.parse(b).biases[1][0][0], 0.75);
  assert.ok(b.includes('325115863347516500475679070535785655313'));
  assert.throws(() => editParameter(MODEL, { kind: 'W', l: 3, i: 0, j: 0, value: 1 }), /no parameter/);
  assert.throws(() => editParameter(MODEL, { kind: 'W', l: 1, i: 0, j: 0, value: NaN }), /finite/);
});

test('floats with many digits are not mistaken for big integers', () => {
  const text = '{"a":[0.12345678901234567,1e-17,-2.5E+20],"b":12345678901234567890}';
  const back = stringifyModel(parseModel(text));
  assert.deepEqual(JSON.parse(back).a, [0.12345678901234567, 1e-17, -2.5e20]);
  assert.ok(back.endsWith('"b":12345678901234567890}'));
});

test('snippets carry the configuration the API accepts (no dtype), seeds included', () => {
  const spec = { ...DEFAULT_CONFIG, dtype: 'float64', seed: 7, dataset: { ...DEFAULT_CONFIG.dataset, seed: 3 } };
  const cfg = toConfigIn(spec);
  assert.equal(cfg.dtype, undefined);
  assert.equal(cfg.seed, 7);
  assert.equal(cfg.dataset.seed, 3);
  const curl = curlSnippet('http://h:1', spec, { epochs: 45000 });
  assert.ok(curl.includes('"seed":7'));
  assert.match(curl, /^EPOCHS=45000$/m);
  assert.ok(curl.includes('/api/limits'));
  assert.match(curl, /^# Needs: bash and curl/m);
  assert.ok(!curl.includes('python'));
  const py = pythonSnippet('http://h:1', spec, { epochs: 45000, custom: true });
  assert.ok(py.includes('"batch_size": None'));
  assert.ok(py.includes('"hidden_layers": [4, 2]'));
  assert.match(py, /^EPOCHS = 45000$/m);
  assert.match(py, /^# Needs: Python 3, standard library only/m);
  assert.match(py, /^# Note: this session trains on points you edited/m);
  const imports = py.split('\n').filter((line) => /^(import|from) /.test(line));
  assert.deepEqual(imports, ['import json', 'import urllib.error', 'import urllib.request']);
});

test('a quote in the base URL cannot break out of the shell snippet', () => {
  const curl = curlSnippet("http://h/'; rm -rf /; '", DEFAULT_CONFIG);
  assert.ok(curl.split('\n').includes("BASE='http://h/'\\''; rm -rf /; '\\'''"));
});

test('diffConfig names the options that differ', () => {
  assert.deepEqual(diffConfig(DEFAULT_CONFIG, { learning_rate: 0.1, hidden_layers: [4, 2] }), []);
  assert.deepEqual(diffConfig(DEFAULT_CONFIG, { learning_rate: 0.3, features: ['x1'] }), ['features', 'learning_rate']);
});

test('number formatting', () => {
  assert.equal(sig(0.123456), '0.1235');
  assert.equal(sig(0), '0');
  assert.equal(sig(1.5e-7), '1.500e-7');
  assert.equal(sig(null), '–');
  assert.equal(percent(0.953), '95.3%');
  assert.equal(count(1234567), '1,234,567');
});

test('thumbnails: deterministic, labelled, unknown names empty', () => {
  const a = previewPoints('circle');
  assert.deepEqual(a, previewPoints('circle'));
  assert.ok(a.length > 50);
  assert.ok(a.every((p) => p.label === 0 || p.label === 1));
  assert.deepEqual(previewPoints('xor_table').map((p) => p.label), [0, 1, 1, 0]);
  assert.deepEqual(previewPoints('nope'), []);
});

test('backward pass formulas follow the loss and activation', () => {
  assert.equal(outputErrorText('mse', 'sigmoid', 2), 'δ² = (a² − y) ⊙ a² ⊙ (1 − a²)');
  assert.equal(outputErrorText('bce', 'sigmoid', 3), 'δ³ = a³ − y');
  assert.equal(outputErrorText('cce', 'softmax', 1), 'δ¹ = a¹ − y');
  assert.equal(outputErrorText('mse', 'linear', 2), 'δ² = a² − y');
  assert.equal(derivativeText('tanh', 1), '(1 − a¹ ⊙ a¹)');
});
