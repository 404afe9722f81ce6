// Unit tests of forkrows.js (the dashboard's columns and leaderboard order) and the challenge
// view's words, on a real app's rows: a lesson's class of three forks, one met the challenge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { COLUMNS, accuracyOf, challengeText, lossOf, networkText, sortRows } from '../../frontend/js/forkrows.js';
import { badgeText, brokenRules } from '../../frontend/js/views/challenge.js';

const { rows, challenges } = FIXTURE.class;
const byName = Object.fromEntries(rows.map((r) => [r.nickname ?? 'anonymous', r]));

test('a row reads as the server said: training figures where there is no test split', () => {
  const ada = byName.Ada;
  assert.equal(ada.last.test_accuracy, null);
  assert.equal(accuracyOf(ada), ada.last.accuracy);
  assert.equal(lossOf(ada), ada.last.train_loss);
  assert.equal(networkText(ada), '[2, 1] no hidden layer');
  assert.equal(networkText(byName.Bo), '[2, 2, 1] sigmoid');
  assert.equal(COLUMNS.nickname.text(byName.anonymous), 'anonymous');
  assert.equal(COLUMNS.epoch.text(ada), '300');
});

test('the challenge column: met (at which epoch) or not yet', () => {
  const met = challenges[byName.Ada.id].met_at.epoch;
  assert.equal(challengeText(byName.Ada), `✓ epoch ${met}`);
  assert.equal(challengeText(byName.Bo), 'not yet');
  assert.equal(challengeText({ ...byName.Bo, challenge: null }), '');
});

test('the leaderboard: met first, then the most accurate; every column both ways', () => {
  const order = sortRows(rows, 'challenge', 'asc').map((r) => r.nickname);
  assert.equal(order[0], 'Ada');
  assert.deepEqual(sortRows(rows, 'epoch', 'desc').map((r) => r.epoch), [300, 300, 5]);
  assert.deepEqual(sortRows(rows, 'epoch', 'asc').map((r) => r.epoch), [5, 300, 300]);
  assert.deepEqual(sortRows(rows, 'nickname', 'asc').map((r) => r.nickname), ['Ada', 'Bo', null]);
  assert.deepEqual(sortRows(rows, 'nickname', 'desc').map((r) => r.nickname), ['Bo', 'Ada', null]);
  const acc = sortRows(rows, 'accuracy', 'desc').map(accuracyOf);
  assert.deepEqual(acc, [...acc].sort((a, b) => b - a));
  for (const key of Object.keys(COLUMNS)) assert.equal(sortRows(rows, key, 'asc').length, rows.length);
});

test('the challenge view says the broken rules and the badge in words', () => {
  const bo = challenges[byName.Bo.id];
  assert.deepEqual(brokenRules(bo), ['2 hidden neurons: at most 0']);
  assert.equal(badgeText(bo), 'Not met yet');
  const ada = challenges[byName.Ada.id];
  assert.deepEqual(brokenRules(ada), []);
  assert.equal(badgeText(ada), `✓ Met at epoch ${ada.met_at.epoch}`);
});
