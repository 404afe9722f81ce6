// Unit tests of frontend/js/history.js: the bucket history against what a real server streamed
// (detail=display) and its REST history; gaps and duplicates; a 1,000,000-epoch run stays
// small, covers every epoch and keeps its spikes and its start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { LossHistory, MAX_HELD, SERIES, bucketEnds, summarise } from '../../frontend/js/history.js';

const { epochs: streamed, history: rest } = FIXTURE.display;
const restValue = (k, e) => rest[k][e - rest.first];

test("the server's display stream: every epoch covered once, min/max bound, last exact", () => {
  const h = new LossHistory();
  for (const msg of streamed) assert.equal(h.append(msg), 'ok');
  assert.equal(h.last, rest.epoch);
  assert.ok(h.size > 500 && h.size < rest.epoch, `${h.size} buckets`); // the replay was bucketed
  let next = 1;
  for (let i = 0; i < h.size; i++) {
    const b = h.bucket(i);
    assert.equal(b.start, next);
    for (const k of SERIES) {
      assert.ok(b[k], `${k} is tracked`);
      for (let e = b.start; e <= b.end; e++) {
        const v = restValue(k, e);
        assert.ok(b[k].min <= v && v <= b[k].max, `${k} at epoch ${e}: ${v} outside [${b[k].min}, ${b[k].max}]`);
      }
      assert.equal(b[k].last, restValue(k, b.end));
    }
    next = b.end + 1;
  }
  assert.equal(next, rest.epoch + 1);
  // the bucket holding an epoch, and the last one
  const mid = h.at(1234);
  assert.ok(mid.start <= 1234 && 1234 <= mid.end);
  assert.equal(h.at(rest.epoch).train_loss.last, restValue('train_loss', rest.epoch));
  assert.equal(h.at(rest.epoch + 1), null);
  assert.equal(h.has('test_accuracy'), true);
});

test('duplicates and gaps are reported; a REST history fills a gap', () => {
  const h = new LossHistory();
  const { replay } = FIXTURE.display;
  assert.equal(h.append(replay), 'ok');
  assert.equal(h.append(replay), 'duplicate');
  const from = (first, last) => Object.fromEntries([['first', first],
    ...SERIES.map((k) => [k, rest[k].slice(first - rest.first, last - rest.first + 1)])]);
  const held = h.last;
  const later = summarise(held + 51, from(held + 51, held + 60), [held + 60]);
  assert.equal(h.append(later), 'gap');
  assert.equal(h.last, held);
  assert.equal(h.appendEpochs(from(held + 1, held + 50)), 'ok');
  assert.equal(h.append(later), 'ok');
  assert.equal(h.last, held + 60);
  assert.equal(h.at(held + 60).accuracy.last, restValue('accuracy', held + 60));
  assert.equal(h.at(held + 25).train_loss.last, restValue('train_loss', held + 25));
  h.reset();
  assert.equal(h.last, 0);
  assert.equal(h.has('train_loss'), false);
  assert.equal(h.bucket(0), null);
});

test('a million epochs in live buckets: at most MAX_HELD kept, every epoch, spikes and the start', () => {
  const h = new LossHistory();
  const loss = (e) => (e === 777_777 ? 5 : 1 / e); // one spike
  const per = 50;
  for (let first = 1; first <= 1_000_000; first += per) {
    const end = first + per - 1;
    let max = -Infinity;
    for (let e = first; e <= end; e++) max = Math.max(max, loss(e));
    const s = { min: [loss(end)], max: [max], last: [loss(end)] };
    assert.equal(h.append({ first, ends: [end], train_loss: s, test_loss: null, accuracy: null, test_accuracy: null }), 'ok');
    assert.ok(h.size <= MAX_HELD);
  }
  assert.equal(h.last, 1_000_000);
  assert.ok(h.size < MAX_HELD && h.size > 100);
  for (let i = 1; i < h.size; i++) assert.equal(h.start(i), h.ends[i - 1] + 1);
  for (let i = 0; i < h.size; i++) {
    const b = h.bucket(i);
    const spike = b.start <= 777_777 && 777_777 <= b.end;
    assert.equal(b.train_loss.max, spike ? 5 : 1 / b.start, `bucket ${b.start}-${b.end}`);
    assert.equal(b.train_loss.last, 1 / b.end);
    assert.equal(b.test_loss, null);
  }
  assert.equal(h.at(777_777).train_loss.max, 5);
  // the first thousand epochs keep their live buckets: a log axis still shows the start
  assert.equal(h.find(1000) + 1, 1000 / per);
  // gathered into 300 columns of a linear axis: one point per column at most, the spike kept
  const cols = h.columns('train_loss', (e) => Math.min(299, Math.floor((e / 1_000_000) * 300)));
  assert.ok(cols.length <= 300);
  assert.equal(cols[cols.length - 1].end, 1_000_000);
  assert.ok(cols.some((c) => c.max === 5));
  assert.deepEqual(h.extent(['train_loss']), [1e-6, 5]);
  assert.equal(h.columns('test_loss', () => 0).length, 0);
});

test('bucketEnds: every epoch when few, else at most the limit, ending at the last', () => {
  assert.deepEqual(bucketEnds(3, 7, 10), [3, 4, 5, 6, 7]);
  const ends = bucketEnds(1, 1_000_000, 1000);
  assert.ok(ends.length <= 1000 && ends.length > 900);
  assert.equal(ends[ends.length - 1], 1_000_000);
  assert.deepEqual(ends.slice(0, 5), [1, 2, 3, 4, 5]); // geometric: dense at the start
  for (let i = 1; i < ends.length; i++) assert.ok(ends[i] > ends[i - 1]);
  assert.deepEqual(bucketEnds(5, 4), []);
});

test('summarise: min, max and last per bucket, untracked series null', () => {
  const msg = summarise(1, { train_loss: [5, 1, 9, 3, 4], accuracy: [null, null, null, null, null] }, [3, 5]);
  assert.deepEqual(msg.ends, [3, 5]);
  assert.deepEqual(msg.train_loss, { min: [1, 3], max: [9, 4], last: [9, 4] });
  assert.equal(msg.accuracy, null);
  assert.equal(msg.test_loss, null);
});

test('coarse: wide live buckets at the start are, a replay of the same run is not', () => {
  const { replay } = FIXTURE.display;
  const fine = new LossHistory();
  fine.append(replay);
  assert.equal(fine.coarse(), false);
  const wide = new LossHistory(); // a fast run's live buckets: 500 epochs each
  const one = (v) => ({ min: [v], max: [v], last: [v] });
  for (let first = 1; first <= 3000; first += 500) {
    wide.append({ first, ends: [first + 499], train_loss: one(1 / first), test_loss: null, accuracy: null, test_accuracy: null });
  }
  assert.equal(wide.coarse(), true);
});
