// Unit tests of frontend/js/state.js (the store's events) and frontend/js/edit.js (point edits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../frontend/js/state.js';
import { editPoints } from '../../frontend/js/edit.js';

test('update announces only the keys whose values changed', () => {
  const store = new Store();
  const seen = [];
  store.addEventListener('change', (e) => seen.push(e.detail.keys));
  store.update({ epoch: 5, status: 'idle' }); // status unchanged
  store.update({ epoch: 5 }); // nothing changed
  assert.deepEqual(seen, [['epoch']]);
  const hits = [];
  const off = store.on(['status'], (keys) => hits.push(keys));
  store.update({ epoch: 6 });
  store.update({ status: 'running' });
  off();
  store.update({ status: 'paused' });
  assert.deepEqual(hits, [['status']]);
});

test('appendEpochs moves the epoch forward and reports gaps; resetHistory empties', () => {
  const store = new Store();
  let events = 0;
  store.addEventListener('history', () => events++);
  const bucket = (v) => ({ min: [v], max: [v], last: [v] });
  assert.equal(store.appendEpochs({ first: 1, ends: [2], train_loss: bucket(0.4), test_loss: bucket(0.5) }), 'ok');
  assert.equal(store.get('epoch'), 2);
  assert.equal(store.appendEpochs({ first: 5, ends: [5], train_loss: bucket(0.1) }), 'gap');
  assert.equal(store.get('epoch'), 2);
  // a REST /history answer: one value per epoch
  assert.equal(store.appendEpochs({ first: 3, train_loss: [0.3, 0.2], test_loss: [0.4, 0.3] }, { perEpoch: true }), 'ok');
  assert.equal(store.get('epoch'), 4);
  assert.equal(store.history.at(4).train_loss.last, 0.2);
  store.resetHistory();
  assert.equal(store.history.last, 0);
  assert.equal(events, 3);
});

test("applySummary copies the server's view of the session", () => {
  const store = new Store();
  store.applySummary({ spec: { seed: 1 }, status: 'paused', message: 'stopped at epoch 9', epoch: 9, problem: 'regression', n_classes: 0, layers: [2, 3, 1], network: {}, watchers: 2 });
  assert.equal(store.get('epoch'), 9);
  assert.equal(store.get('problem'), 'regression');
  assert.equal(store.get('watchers'), 2);
  assert.equal(store.get('message'), 'stopped at epoch 9');
  assert.deepEqual(store.get('config'), { seed: 1 });
});

test('notify sends a notice event', () => {
  const store = new Store();
  let got = null;
  store.addEventListener('notice', (e) => { got = e.detail; });
  store.notify('hello', 'info');
  assert.deepEqual(got, { message: 'hello', kind: 'info' });
});

const DS = {
  train: [{ x1: 0, x2: 0, label: 0 }, { x1: 5, x2: 5, label: 1 }],
  test: [{ x1: -5, x2: -5, label: 1 }],
};

const CLS = { problem: 'classification', nClasses: 2, showTest: true };

test("a click adds a point of the tool's class; shift the other class", () => {
  const a = editPoints(DS, { x1: 1, x2: 2, action: 'add', shift: false }, { ...CLS, tool: 1 });
  assert.deepEqual(a.train.at(-1), { x1: 1, x2: 2, label: 1 });
  assert.equal(a.test.length, 1);
  const b = editPoints(DS, { x1: 1, x2: 2, action: 'add', shift: true }, { ...CLS, tool: 1 });
  assert.equal(b.train.at(-1).label, 0);
  const c = editPoints(DS, { x1: 1, x2: 2, action: 'add', shift: true }, { ...CLS, tool: 2, nClasses: 3 });
  assert.equal(c.train.at(-1).label, 0); // next class round the three
  assert.equal(DS.train.length, 2); // the input is not changed
});

test('ctrl-click (or the remove tool) deletes the nearest point, train or test', () => {
  const a = editPoints(DS, { x1: -4, x2: -4, action: 'remove', shift: false }, { ...CLS, tool: 0 });
  assert.equal(a.test.length, 0);
  assert.equal(a.train.length, 2);
  const b = editPoints(DS, { x1: 4, x2: 4, action: 'add', shift: false }, { ...CLS, tool: 'remove' });
  assert.deepEqual(b.train, [{ x1: 0, x2: 0, label: 0 }]);
  const one = { train: [{ x1: 0, x2: 0, label: 0 }], test: [] };
  assert.equal(editPoints(one, { x1: 0, x2: 0, action: 'remove' }, { ...CLS, tool: 0 }), null);
});

test('with the test points hidden, only a (visible) training point can be removed', () => {
  const hidden = { ...CLS, showTest: false };
  // the test point (-5, -5) is the nearest, but it is not drawn
  const a = editPoints(DS, { x1: -4, x2: -4, action: 'remove' }, { ...hidden, tool: 0 });
  assert.deepEqual(a.test, DS.test);
  assert.deepEqual(a.train, [{ x1: 5, x2: 5, label: 1 }]);
  const b = editPoints(DS, { x1: -5, x2: -5, action: 'add' }, { ...hidden, tool: 'remove' });
  assert.equal(b.test.length, 1);
  assert.equal(b.train.length, 1);
});

test('regression: the value, negated with shift; multi-output labels are lists', () => {
  const REG = { problem: 'regression', nClasses: 0, showTest: false };
  const reg = { train: [{ x1: 0, x2: 0, label: 0.3 }], test: [] };
  assert.equal(editPoints(reg, { x1: 1, x2: 1, action: 'add', shift: true }, { ...REG, tool: 1 }).train.at(-1).label, -1);
  const multi = { train: [{ x1: 0, x2: 0, label: [0.1, 0.9] }], test: [] };
  assert.deepEqual(editPoints(multi, { x1: 1, x2: 1, action: 'add' }, { ...REG, tool: -1 }).train.at(-1).label, [-1, -1]);
});
