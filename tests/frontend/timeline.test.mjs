// Unit tests of rewinding and diagnosing on the page: latest.js (one request at a time, the
// latest wins, nothing asked before a cancel lands), scrub.js (slider positions on the chart's
// epoch axis, a key press always reaching another epoch, replay times), timeline.js with the
// real store and session (a past epoch is never overwritten by a live frame, nor by an answer
// that comes back after going live), snapshot.js's JSON snapshots against the server's binary
// frame, and the sentences of advice.js, divergence.js and outputnote.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import { LatestWins } from '../../frontend/js/latest.js';
import { SCRUB_STEPS, replayEpoch, scrubScale, stepEpoch } from '../../frontend/js/scrub.js';
import { Timeline } from '../../frontend/js/timeline.js';
import { Session } from '../../frontend/js/session.js';
import { Store } from '../../frontend/js/state.js';
import { decodeFrame, finiteSnapshot, snapshotFromJson } from '../../frontend/js/snapshot.js';
import { epochAxis } from '../../frontend/js/views/losschart.js';
import { adviceFinding } from '../../frontend/js/views/advice.js';
import { divergenceText, updateSize } from '../../frontend/js/views/divergence.js';
import { outputNote } from '../../frontend/js/views/outputnote.js';

/** A promise with its resolve/reject outside. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Wait until every promise callback queued so far has run. */
const settle = () => new Promise((r) => setImmediate(r));

/** A fetcher whose answers the test gives, request by request. */
function manualFetcher() {
  const calls = [];
  const fetch = (arg) => {
    const d = deferred();
    calls.push({ arg, ...d });
    return d.promise;
  };
  return { calls, fetch };
}

test('latest wins: one request at a time, the newest waiting one next, answers in order', async () => {
  const { calls, fetch } = manualFetcher();
  const got = [];
  const lw = new LatestWins(fetch, { onResult: (v, arg) => got.push([arg, v]) });
  lw.want(1);
  lw.want(2);
  lw.want(3);
  assert.deepEqual(calls.map((c) => c.arg), [1], 'only one in flight');
  assert.equal(lw.wanted, 3);
  calls[0].resolve('one');
  await settle();
  assert.deepEqual(got, [[1, 'one']], 'an answer asked after the last shown one is shown');
  assert.deepEqual(calls.map((c) => c.arg), [1, 3], '2 was replaced by 3 before it was sent');
  calls[1].resolve('three');
  await settle();
  assert.deepEqual(got, [[1, 'one'], [3, 'three']]);
  assert.equal(lw.pending, false);
});

test('latest wins: an answer to a request made before cancel() is never handed on', async () => {
  const { calls, fetch } = manualFetcher();
  const got = [];
  const errors = [];
  const lw = new LatestWins(fetch, { onResult: (v) => got.push(v), onError: (e) => errors.push(e.message) });
  lw.want(1);
  lw.want(2);
  lw.cancel();
  assert.equal(lw.pending, false);
  calls[0].resolve('stale');
  await settle();
  assert.deepEqual(got, []);
  assert.equal(calls.length, 1, 'the waiting request was forgotten too');
  lw.want(4);
  calls[1].reject(new Error('refused'));
  await settle();
  assert.deepEqual(errors, ['refused'], 'errors of the current request are reported');
  lw.want(5);
  lw.cancel();
  calls[2].reject(new Error('late'));
  await settle();
  assert.deepEqual(errors, ['refused'], 'but not those of a cancelled one');
});

test('scrub scale: one position per epoch on a short linear run, ends exact', () => {
  const s = scrubScale(0, 300, false);
  assert.equal(s.max, 300);
  for (const e of [0, 1, 17, 299, 300]) {
    assert.equal(s.epochAt(s.positionOf(e)), e);
  }
  const imported = scrubScale(500, 800, false);
  assert.equal(imported.epochAt(0), 500);
  assert.equal(imported.epochAt(imported.max), 800);
  assert.equal(scrubScale(0, 0, false).max, 0, 'nothing to scrub before the first epoch');
});

test('scrub scale on a log axis: monotone, under the chart axis, every step another epoch', () => {
  const last = 1_000_000;
  const s = scrubScale(0, last, true);
  assert.equal(s.max, SCRUB_STEPS);
  assert.equal(s.epochAt(0), 0);
  assert.equal(s.epochAt(s.max), last);
  const axis = epochAxis(last, true);
  let prev = -1;
  for (let p = 0; p <= s.max; p++) {
    const e = s.epochAt(p);
    assert.ok(e >= prev, `epochAt is monotone at ${p}`);
    prev = e;
    // the thumb of an epoch sits where the chart's axis puts that epoch (to half a position)
    if (e >= 1) assert.ok(Math.abs(s.positionOf(e) / s.max - axis.at(e)) <= 0.5 / s.max + 1e-12, `epoch ${e}`);
  }
  // the arrow keys walk 0, 1, 2, ... at the crowded start, never staying put
  let e = 0;
  const walked = [];
  for (let k = 0; k < 12; k++) walked.push((e = stepEpoch(s, e, 1)));
  assert.deepEqual(walked.slice(0, 5), [1, 2, 3, 4, 5]);
  assert.ok(walked.every((v, k) => k === 0 || v > walked[k - 1]));
  assert.equal(stepEpoch(s, 1, -1), 0);
  assert.equal(stepEpoch(s, last, 1), last, 'the end stays the end');
  assert.equal(stepEpoch(s, 0, -1), 0);
});

test('replay: from the first epoch to the last over its duration, never backwards', () => {
  const s = scrubScale(0, 5000, true);
  assert.equal(replayEpoch(s, 0, 10000), 0);
  assert.equal(replayEpoch(s, 10000, 10000), 5000);
  assert.equal(replayEpoch(s, 99999, 10000), 5000);
  let prev = 0;
  const shown = new Set();
  for (let t = 0; t <= 10000; t += 250) {
    const e = replayEpoch(s, t, 10000);
    assert.ok(e >= prev);
    prev = e;
    shown.add(e);
  }
  assert.ok(shown.size > 30, 'a replay shows many epochs, not a jump');
});

test("a JSON snapshot (REST snapshot?epoch=E) decodes like the server's binary frame", async () => {
  const { frame: b64, snapshot: json } = FIXTURE.display;
  const bytes = Buffer.from(b64, 'base64');
  const fromFrame = await decodeFrame(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const fromJson = snapshotFromJson(json);
  assert.equal(fromJson.epoch, fromFrame.epoch);
  assert.deepEqual(fromJson.domain, fromFrame.domain);
  assert.deepEqual(fromJson.weights, json.weights);
  fromJson.weights.forEach((W, l) => W.forEach((row, i) => row.forEach((v, j) => {
    assert.equal(Math.fround(v), fromFrame.weights[l][i][j]);
  })));
  const grids = [[fromJson.boundary, fromFrame.boundary], ...fromJson.neurons.map((g, k) => [g, fromFrame.neurons[k]])];
  assert.equal(fromJson.neurons.length, fromFrame.neurons.length);
  for (const [a, b] of grids) {
    assert.deepEqual(a.shape, b.shape);
    const tol = (a.max - a.min) / 255 + 1e-5;
    for (let i = 0; i < a.values.length; i++) assert.ok(Math.abs(a.values[i] - b.values[i]) <= tol);
  }
});

/** A store and a Timeline over an api whose snapshot answers the test gives. */
function rewindable() {
  const store = new Store({ id: 's1', epoch: 5000 });
  const { calls, fetch } = manualFetcher();
  const api = {
    timeline: async () => ({ first: 0, epoch: 5000 }),
    snapshotAt: (id, epoch) => fetch(epoch),
  };
  let clock = 0;
  const ticks = [];
  const timeline = new Timeline(store, api, { now: () => clock, frame: (fn) => ticks.push(fn) });
  const tick = (ms) => {
    clock += ms;
    const fns = ticks.splice(0);
    for (const fn of fns) fn();
  };
  return { store, calls, timeline, tick };
}

const json = (epoch) => ({ ...FIXTURE.display.snapshot, epoch });

test('timeline: scrubbing shows past epochs in order; going live drops an answer still coming', async () => {
  const { store, calls, timeline } = rewindable();
  const live = { epoch: 5000, weights: [], biases: [], neurons: [] };
  store.update({ snapshot: live, liveSnapshot: live });
  timeline.scrubTo(100);
  timeline.scrubTo(200);
  timeline.scrubTo(300);
  assert.deepEqual(store.get('scrub'), { epoch: 300, shown: null, loading: true, replay: false, error: null });
  assert.equal(store.get('snapshot'), live, 'the live state stays until a past one arrives');
  calls[0].resolve(json(100));
  await settle();
  assert.equal(store.get('snapshot').epoch, 100);
  assert.equal(store.get('scrub').shown, 100);
  assert.equal(store.get('scrub').loading, true, '300 is still to come');
  assert.deepEqual(calls.map((c) => c.arg), [100, 300]);
  timeline.live();
  calls[1].resolve(json(300));
  await settle();
  assert.equal(store.get('scrub'), null);
  assert.equal(store.get('snapshot'), live, 'the late answer did not land on the live view');
  timeline.scrubTo(100); // kept: no request
  await settle();
  assert.equal(calls.length, 2);
  assert.equal(store.get('snapshot').epoch, 100);
  assert.deepEqual(timeline.withEpoch({ check: true }), { check: true, epoch: 100 });
  store.resetHistory(); // a reset: back to live, nothing kept
  assert.equal(store.get('scrub'), null);
  assert.deepEqual(timeline.withEpoch({ check: true }), { check: true });
  assert.equal(timeline.kept.size, 0);
});

test("timeline with the session: a live frame while rewound waits, and back to live shows it", async () => {
  const { store, calls, timeline } = rewindable();
  const session = new Session(store, {});
  const { frame: b64 } = FIXTURE.display;
  const bytes = Buffer.from(b64, 'base64');
  const frame = () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  await session.frames.push(frame());
  const liveSnap = store.get('snapshot');
  assert.equal(store.get('liveSnapshot'), liveSnap);
  timeline.scrubTo(42);
  calls[0].resolve(json(42));
  await settle();
  assert.equal(store.get('snapshot').epoch, 42);
  await session.frames.push(frame());
  assert.equal(store.get('snapshot').epoch, 42, 'the live frame did not overwrite the past view');
  assert.notEqual(store.get('liveSnapshot'), liveSnap, 'but it was kept');
  timeline.live();
  assert.equal(store.get('snapshot'), store.get('liveSnapshot'));
  await session.frames.push(frame());
  assert.equal(store.get('snapshot'), store.get('liveSnapshot'), 'live frames draw again');
});

test('timeline replay: first epoch to the present, then live; stop keeps the epoch', async () => {
  const { store, calls, timeline, tick } = rewindable();
  store.setUi({ logEpochs: false });
  const done = timeline.replay(10);
  assert.equal(timeline.replaying, true);
  await done;
  assert.deepEqual(calls.map((c) => c.arg), [0]);
  const shown = [];
  for (let k = 0; k <= 10; k++) { // 11 s: the answers come as soon as asked
    for (const c of calls.filter((x) => !x.done)) { c.done = true; c.resolve(json(c.arg)); }
    await settle();
    shown.push(store.get('scrub').shown);
    tick(1000);
  }
  assert.equal(store.get('scrub').shown, 5000, 'the last epoch gets a frame of its own');
  tick(16);
  assert.equal(shown[0], 0);
  assert.ok(shown.includes(5000), `the replay reached the present: ${shown}`);
  assert.ok(shown.every((e, k) => k === 0 || e >= shown[k - 1]), `never backwards: ${shown}`);
  assert.ok(new Set(shown).size >= 8, `many epochs on the way: ${shown}`);
  assert.equal(store.get('scrub'), null, 'a finished replay goes back to live');
  assert.equal(timeline.replaying, false);

  await timeline.replay(10);
  tick(3000);
  timeline.stopReplay();
  assert.equal(timeline.replaying, false);
  const at = store.get('scrub').epoch;
  assert.ok(at > 0 && at < 5000);
  tick(8000);
  assert.equal(store.get('scrub').epoch, at, 'a stopped replay stays where it was');
});

test('after a divergence the live state is the last epoch whose numbers are all finite', async () => {
  const { store, calls } = rewindable();
  const blown = (epoch) => ({ ...json(epoch), weights: json(epoch).weights.map((W) => W.map((row) => row.map(() => null))) });
  const infinite = snapshotFromJson(blown(4));
  assert.equal(finiteSnapshot(infinite), false);
  assert.equal(finiteSnapshot(snapshotFromJson(json(3))), true);
  store.update({ snapshot: infinite, liveSnapshot: infinite, epoch: 4 });
  store.update({ status: 'diverged' });
  assert.deepEqual(calls.map((c) => c.arg), [3]);
  calls[0].resolve(blown(3)); // not finite either: one more back
  await settle();
  assert.deepEqual(calls.map((c) => c.arg), [3, 2]);
  calls[1].resolve(json(2));
  await settle();
  assert.equal(store.get('snapshot').epoch, 2);
  assert.equal(store.get('liveSnapshot'), store.get('snapshot'));
  assert.equal(calls.length, 2, 'a finite state stops the search');
});

test('advice, divergence and output sentences', () => {
  const dead = { kind: 'dead', message: 'Layer 2: both neurons are dead', action: { label: 'Try seed 1', commands: [] } };
  assert.equal(adviceFinding({ findings: [dead, { kind: 'plateau' }] }), dead);
  assert.equal(adviceFinding({ findings: [{ kind: 'diverged' }] }), null, 'a divergence has its own toast');
  assert.equal(adviceFinding(null), null);
  assert.equal(updateSize(0.35), '35% of');
  assert.equal(updateSize(4.3e135), '4.3e135 times');
  assert.equal(updateSize(null), null);
  const d = { epoch: 1234, layer: 2, where: 'z', last_update_ratio: 3.4 };
  assert.equal(divergenceText(d), "At epoch 1,234, layer 2's z became infinite or NaN. The last finite update was 340% of the size of the weights. Reset and lower the learning rate.");
  assert.match(divergenceText(null, 'diverged: NaN'), /^diverged: NaN$/);
  const snapshot = { epoch: 1233 };
  assert.equal(outputNote({ scrub: null, status: 'diverged', snapshot, diagnostics: { divergence: d } }),
    'Diverged at epoch 1,234 — boundary from epoch 1,233, before the blow-up');
  assert.equal(outputNote({ scrub: { shown: 40 }, status: 'diverged', snapshot, diagnostics: null }), 'Epoch 40 · rewound');
  assert.equal(outputNote({ scrub: null, status: 'running', snapshot, diagnostics: null }), '');
});
