// Unit tests of the page's starting points and run controls, against a real app's
// GET /api/datasets and /api/presets: config.js (suggested setups, which options a switch
// replaces), session.js's starting configuration, views/setupline.js's words for a setup,
// views/speed.js's notches, views/losschart.js's epoch axis rule, format.js's speed, stop
// condition and axis words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { DEFAULT_CONFIG, FIRST_DATASET, PACES, replacedBy, suggestedSetup, usesSetup } from '../../frontend/js/config.js';
import { startingConfig } from '../../frontend/js/session.js';
import { describeSetup } from '../../frontend/js/views/setupline.js';
import { paceStops } from '../../frontend/js/views/speed.js';
import { LOG_EPOCHS_AFTER, epochAxis, logEpochs } from '../../frontend/js/views/losschart.js';
import { compact, paceText, stopsText } from '../../frontend/js/format.js';

const { datasets } = FIXTURE;

test("a first visit gets the first dataset's suggested setup, said in words", () => {
  const config = startingConfig(datasets, {});
  const circle = datasets.find((d) => d.name === FIRST_DATASET);
  assert.deepEqual(config, { ...circle.suggested, dataset: { name: FIRST_DATASET } });
  assert.notEqual(config.hidden_activation, DEFAULT_CONFIG.hidden_activation); // not the tutorial's sigmoid
  assert.ok(config.pace > 0 && config.pace <= 100, `a pace a person can follow: ${config.pace}`);
  assert.equal(describeSetup(config), `${config.hidden_activation} [${config.hidden_layers.join(', ')}], learning rate ${config.learning_rate}, ${config.pace} epochs/s`);
});

test("a link's options go over its dataset's suggested setup", () => {
  const spiral = datasets.find((d) => d.name === 'spiral');
  const config = startingConfig(datasets, { learning_rate: 0.03, dataset: { name: 'spiral', noise: 0.2 } });
  assert.equal(config.learning_rate, 0.03);
  assert.deepEqual(config.hidden_layers, spiral.suggested.hidden_layers);
  assert.deepEqual(config.dataset, { name: 'spiral', noise: 0.2 });
  assert.match(describeSetup(spiral.suggested), /all 7 input features/);
  assert.equal(startingConfig([], {}).dataset.name, FIRST_DATASET); // no list: the server's defaults
});

test('every dataset has a setup; a switch replaces what differs, and undoes to it', () => {
  const mine = { ...DEFAULT_CONFIG, hidden_layers: [3], learning_rate: 0.01, pace: null };
  for (const d of datasets) {
    const setup = suggestedSetup(datasets, d.name);
    assert.ok(setup && setup.hidden_layers, d.name);
    assert.ok(usesSetup({ ...mine, ...setup, seed: 9, pace: 1 }, setup), `${d.name}: pace and seed aside`);
    const undo = replacedBy(mine, setup);
    assert.equal(undo.hidden_layers[0], 3);
    assert.equal(undo.pace, null);
    assert.ok(!('dataset' in undo));
    assert.ok(usesSetup({ ...setup, ...undo }, mine));
  }
  assert.equal(usesSetup(mine, suggestedSetup(datasets, 'circle')), false);
  assert.equal(suggestedSetup(datasets, 'nope'), null);
});

test("the speed control's notches: the log stops, an odd pace in its place, max last", () => {
  assert.deepEqual(paceStops(), PACES);
  assert.deepEqual(paceStops([50, undefined, 3]), [1, 3, 10, 30, 50, 100, 300, 1000, 3000, 10000, null]);
  assert.equal(paceText(50), '50 epochs/s');
  assert.equal(paceText(1), '1 epoch/s');
  assert.equal(paceText(null), 'max speed');
});

test('the epoch axis: log once the run is long unless chosen; positions and ticks', () => {
  assert.equal(logEpochs(null, LOG_EPOCHS_AFTER), false);
  assert.equal(logEpochs(null, LOG_EPOCHS_AFTER + 1), true);
  assert.equal(logEpochs(false, 1e6), false);
  assert.equal(logEpochs(true, 5), true);
  const log = epochAxis(100_000, true);
  assert.equal(log.at(1), 0);
  assert.equal(log.at(100_000), 1);
  assert.ok(Math.abs(log.at(316) - 0.5) < 0.001);
  assert.ok(Math.abs(log.epochAt(0.5) - 316.2) < 0.1);
  assert.deepEqual(log.ticks, [1, 10, 100, 1000, 10000, 100000]);
  const lin = epochAxis(2000, false);
  assert.equal(lin.at(1000), 0.5);
  assert.equal(lin.epochAt(0.25), 500);
  assert.deepEqual(lin.ticks, [0, 500, 1000, 1500, 2000]);
  assert.deepEqual([1500, 2e6, 999, 12345].map(compact), ['1.5k', '2M', '999', '12.3k']);
});

test('presets stop at the tutorial\'s epoch count, said in words', () => {
  const xnor = FIXTURE.presets.find((p) => p.name === 'xnor');
  assert.equal(stopsText(xnor.spec.stop_at), 'epoch 10,000');
  assert.equal(stopsText({ test_accuracy: 0.95, train_loss: 0.001 }), 'test accuracy ≥ 95% or training loss ≤ 0.001');
  assert.equal(stopsText(null), '');
});
