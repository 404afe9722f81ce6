// Unit tests of frontend/js/hash.js: the URL hash round-trips the whole configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './server.fixture.mjs';
import { parseHash, serializeHash, withDefaults, withPresent, DEFAULT_UI } from '../../frontend/js/hash.js';
import { DEFAULT_CONFIG } from '../../frontend/js/config.js';

const FULL = {
  hidden_layers: [8, 3, 1],
  features: ['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2', 'sin_x1', 'sin_x2'],
  hidden_activation: 'tanh',
  output_activation: 'softmax',
  loss: 'cce',
  init: 'xavier',
  optimizer: 'adam',
  learning_rate: 0.003,
  batch_size: 16,
  regularization: 'l2',
  reg_rate: 0.001,
  momentum: 0.5,
  seed: 123456789,
  dataset: { name: 'blobs3', n_points: 300, noise: 0.25, ratio: 0.7, seed: 42 },
  pace: 300,
  stop_at: { test_accuracy: 0.9 },
};

test('a full configuration survives serialise -> parse', () => {
  const hash = serializeHash({ id: 'abc_DEF-123', config: FULL, ui: { showTest: true, discretize: true, logScale: true, logEpochs: true, output: 1 }, hide: ['lr', 'features'] });
  const back = parseHash(hash);
  assert.equal(back.id, 'abc_DEF-123');
  assert.deepEqual(back.config, FULL);
  assert.deepEqual(back.ui, { showTest: true, discretize: true, logScale: true, logEpochs: true, output: 1, present: false });
  assert.deepEqual(back.hide, ['lr', 'features']);
  assert.deepEqual(back.invalid, []);
});

test('the defaults survive too, full batch and no hidden layer included', () => {
  const config = withDefaults({ hidden_layers: [], batch_size: null });
  const back = parseHash(serializeHash({ config }));
  assert.deepEqual(back.config.hidden_layers, []);
  assert.equal(back.config.batch_size, null);
  assert.deepEqual(withDefaults(back.config), config);
});

test('view options are written only when not default', () => {
  const hash = serializeHash({ config: DEFAULT_CONFIG, ui: DEFAULT_UI });
  assert.ok(!hash.includes('test='));
  assert.ok(!hash.includes('log='));
  assert.ok(hash.includes('seed=0'));
  assert.ok(hash.includes('dseed=0'));
});

test('bad values are skipped and reported, good ones kept', () => {
  const back = parseHash('#lr=abc&act=nope&layers=4,x&features=x1,bogus&noise=0.9&seed=-1&batch=0&dataset=spiral&zzz=1');
  assert.deepEqual(back.config, { dataset: { name: 'spiral' } });
  assert.deepEqual(back.invalid.sort(), ['act', 'batch', 'features', 'layers', 'lr', 'noise', 'seed', 'zzz']);
});

test('an id with characters outside the token alphabet is refused', () => {
  assert.equal(parseHash('#id=<script>').id, null);
  assert.equal(parseHash('#id=a/b').id, null);
});

test('preset, hide and debug parse', () => {
  const back = parseHash('#preset=xnor&hide=lr,bogus,data&debug');
  assert.equal(back.preset, 'xnor');
  assert.deepEqual(back.hide, ['lr', 'data']);
  assert.equal(back.debug, true);
});

test('features keep the canonical order whatever the hash order', () => {
  assert.deepEqual(parseHash('#features=sinx2,x1').config.features, ['x1', 'sin_x2']);
});

test('an empty hash gives no configuration', () => {
  const back = parseHash('');
  assert.deepEqual(back.config, {});
  assert.equal(back.id, null);
});

test('the speed, the stop condition and the epoch axis choice round-trip', () => {
  const config = withDefaults({ pace: 50, stop_at: { epoch: 10000, test_accuracy: 0.95 } });
  const hash = serializeHash({ config, ui: { logEpochs: false } });
  assert.ok(hash.includes('pace=50'));
  assert.ok(hash.includes('stop=epoch:10000,test_accuracy:0.95'));
  assert.ok(hash.includes('xlog=0'));
  const back = parseHash(hash);
  assert.equal(back.config.pace, 50);
  assert.deepEqual(back.config.stop_at, { epoch: 10000, test_accuracy: 0.95 });
  assert.equal(back.ui.logEpochs, false);
  // full speed is "max"; no stop condition and an automatic axis are left out
  const max = serializeHash({ config: withDefaults({}), ui: DEFAULT_UI });
  assert.ok(max.includes('pace=max') && !max.includes('stop=') && !max.includes('xlog='));
  assert.equal(parseHash(max).config.pace, null);
  assert.equal(parseHash('#stop=none').config.stop_at, null);
});

test('bad speeds and stop conditions are skipped and reported', () => {
  const back = parseHash('#pace=0&stop=accuracy:1.5');
  assert.deepEqual(back.config, {});
  assert.deepEqual(back.invalid.sort(), ['pace', 'stop']);
  for (const stop of ['epoch:0', 'epoch:1.5', 'bogus:1', 'epoch:5,epoch:6', 'train_loss:-1', '']) {
    assert.deepEqual(parseHash(`#stop=${stop}`).invalid, ['stop'], stop);
  }
  assert.deepEqual(parseHash('#pace=2000000').invalid, ['pace']);
});

test('projector mode: a bare #present, kept beside the other options, off when absent', () => {
  assert.equal(parseHash('#present').ui.present, true);
  assert.equal(parseHash('#id=abc&present&hide=lr').ui.present, true);
  assert.deepEqual(parseHash('#id=abc&present&hide=lr').hide, ['lr']);
  assert.equal(parseHash('#id=abc').ui.present, false);
  assert.deepEqual(parseHash('#id=abc&present').invalid, []);
  const hash = serializeHash({ id: 'abc', config: DEFAULT_CONFIG, ui: { present: true }, hide: ['lr'] });
  assert.ok(hash.endsWith('&present'));
  assert.equal(parseHash(hash).ui.present, true);
  assert.ok(!serializeHash({ config: DEFAULT_CONFIG, ui: DEFAULT_UI }).includes('present'));
});

test('withPresent adds or removes only the present flag', () => {
  assert.equal(withPresent('#id=abc&hide=lr', true), '#id=abc&hide=lr&present');
  assert.equal(withPresent('#id=abc&present&hide=lr', false), '#id=abc&hide=lr');
  assert.equal(withPresent('#present', false), '');
  assert.equal(withPresent('', true), '#present');
});
