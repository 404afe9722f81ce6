// Unit tests of frontend/js/views/announce.js: the throttled progress announcer, with the real
// store and an injected clock (no timers, no waiting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../frontend/js/state.js';
import { ANNOUNCE_EVERY_MS, ProgressAnnouncer, progressText } from '../../frontend/js/views/announce.js';

const noLoop = { invalidate() {} };
const bucket = (v) => ({ min: [v], max: [v], last: [v] });

/** A store that has heard from the server, an announcer on a fake region, and a clock. */
function setup(status = 'paused') {
  const store = new Store();
  store.applySummary({ spec: {}, status, epoch: 0, problem: 'classification', n_classes: 2, layers: [2, 1], network: {} });
  const clock = { t: 1000 };
  const region = { textContent: '' };
  const said = [];
  const announcer = new ProgressAnnouncer(region, store, noLoop, { now: () => clock.t });
  const update = () => {
    const before = region.textContent;
    announcer.update();
    if (region.textContent !== before) said.push(region.textContent.trim());
  };
  update(); // the status the page opened with
  let epoch = 0;
  const train = (n, loss) => {
    store.appendEpochs({ first: epoch + 1, ends: [epoch + n], train_loss: bucket(loss), accuracy: bucket(0.75) });
    epoch += n;
    update();
  };
  return { store, clock, region, said, update, train };
}

test('the status the page opened with is not announced', () => {
  const { said } = setup('paused');
  assert.deepEqual(said, []);
});

test('while running: at once when it starts, then at most once per interval', () => {
  const { store, clock, said, update, train } = setup();
  store.update({ status: 'running' });
  update();
  assert.deepEqual(said, ['Training, epoch 0.']);
  for (let k = 1; k <= 40; k++) {
    clock.t += 250; // 10 s in all, a frame every 250 ms
    train(10, 1 / k);
  }
  // 0 s (start), 5 s, 10 s: exactly two more in ten seconds of frames
  assert.equal(said.length, 3, said.join(' | '));
  assert.equal(said[1], 'Training, epoch 200, train loss 0.05, accuracy 75.0%.');
  assert.equal(said[2], 'Training, epoch 400, train loss 0.025, accuracy 75.0%.');
  clock.t += ANNOUNCE_EVERY_MS - 1;
  train(1, 0.02);
  assert.equal(said.length, 3, 'not before the interval is over');
});

test('pause, a stop condition and divergence are announced at once', () => {
  const { store, clock, said, update, train } = setup();
  store.update({ status: 'running' });
  update();
  clock.t += 10;
  train(5, 0.5);
  store.update({ status: 'paused' });
  update();
  assert.equal(said.at(-1), 'Paused, epoch 5, train loss 0.5, accuracy 75.0%.');
  store.update({ status: 'running' });
  update();
  clock.t += 10;
  train(5, 0.25);
  store.update({ status: 'paused', message: 'Stopped: train loss below 0.3.' });
  update();
  assert.equal(said.at(-1), 'Paused, epoch 10, train loss 0.25, accuracy 75.0%. Stopped: train loss below 0.3.');
  store.update({ status: 'running', message: null });
  update();
  clock.t += 10;
  store.update({ status: 'diverged', message: 'The loss became NaN.' });
  update();
  assert.equal(said.at(-1), 'Diverged, epoch 10, train loss 0.25, accuracy 75.0%. The loss became NaN.');
  assert.equal(said.length, 6);
});

test('the same words again still change the region (so they are spoken again)', () => {
  const { store, clock, region, said, update } = setup();
  store.update({ status: 'running' });
  update();
  const first = region.textContent;
  clock.t += ANNOUNCE_EVERY_MS; // a stalled run: nothing new, but the interval is over
  update();
  assert.notEqual(region.textContent, first);
  assert.deepEqual(said, ['Training, epoch 0.', 'Training, epoch 0.']);
});

test('progressText: regression has no accuracy; a message only when not running', () => {
  const b = { train_loss: { last: 0.1234 }, test_loss: { last: 0.2 }, accuracy: null };
  assert.equal(progressText({ status: 'running', epoch: 1234, message: 'old' }, b), 'Training, epoch 1,234, train loss 0.123, test loss 0.2.');
  assert.equal(progressText({ status: 'idle', epoch: 0, message: null }, null), 'Reset, epoch 0.');
});
