// timeline.js — rewinding a run: the store's `scrub` ({epoch asked, shown: the epoch of the
// snapshot drawn, loading, replay, error}, null when the page shows the live run) and the
// past snapshots behind it (GET /snapshot?epoch=E, the latest asked for wins, one request at a
// time, the last few kept), a replay (the run from its first epoch to the present over a
// chosen time, on the chart's epoch axis) and the way back to live. While a past epoch is
// shown, the live frames go to `liveSnapshot` only (session.js), so they never overwrite it;
// the epoch counter and the loss chart go on. A reset, or another session, ends the rewind.
// After a divergence the live state is the last epoch whose numbers are all finite.
// It only reads (GET timeline and snapshot), so a watcher's rewind never touches the session.
// Leaves out: the slider and buttons (views/scrubber.js) and the live stream (session.js).

import { LatestWins } from './latest.js';
import { replayEpoch, scrubScale } from './scrub.js';
import { finiteSnapshot, snapshotFromJson } from './snapshot.js';
import { logEpochs } from './views/losschart.js';

const KEPT = 48; // past snapshots kept for dragging back and forth
const LOOK_BACK = 5; // epochs searched back from a divergence for the last finite state

export class Timeline {
  /**
   * @param {Store} store
   * @param {{timeline(id), snapshotAt(id, epoch)}} api
   * @param {{now?: () => number, frame?: (fn) => void}} clock replay's time (ms) and ticks
   */
  constructor(store, api, { now = () => performance.now(), frame = (fn) => requestAnimationFrame(fn) } = {}) {
    this.store = store;
    this.api = api;
    this.now = now;
    this.frame = frame;
    this.first = 0; // the run's first epoch (0, or where an imported model started)
    this.kept = new Map(); // epoch -> snapshot, oldest first
    this.run = null; // the replay going on: {started, duration, scale}
    this.fetcher = new LatestWins((epoch) => this._fetch(epoch), {
      onResult: (snap) => this._show(snap),
      onError: (err) => this._patch({ error: err.message || String(err) }),
    });
    store.addEventListener('history', (e) => { if (e.detail.reset) this.restart(); });
    store.on(['id'], () => this.restart());
    store.on(['status', 'liveSnapshot'], () => {
      if (store.get('status') === 'diverged') this.lastFinite();
    });
  }

  /**
   * After a divergence the live frame may hold infinite or NaN numbers: the live state becomes
   * the last epoch whose numbers are all finite (a few epochs back at most).
   */
  async lastFinite() {
    const snap = this.store.get('liveSnapshot');
    if (!snap || this.searching || finiteSnapshot(snap)) return;
    this.searching = true;
    const id = this.store.get('id');
    try {
      for (let e = snap.epoch - 1; e >= Math.max(this.first, snap.epoch - LOOK_BACK); e--) {
        const past = await this._fetch(e);
        if (this.store.get('id') !== id || this.store.get('liveSnapshot') !== snap) return;
        if (finiteSnapshot(past)) {
          this.store.update({ liveSnapshot: past, ...(this.store.get('scrub') ? {} : { snapshot: past }) });
          return;
        }
      }
    } catch {
      // the frame stays; the output's note still says it is from before the blow-up
    } finally {
      this.searching = false;
    }
  }

  /** The slider's scale now: the run so far, on the loss chart's epoch axis. */
  scale() {
    const s = this.store.state;
    const last = Math.max(s.epoch, this.first);
    return scrubScale(this.first, last, logEpochs(s.ui.logEpochs, this.store.history.last));
  }

  /** Show epoch `epoch` of the run (clamped to first..now) in place of the live state. */
  scrubTo(epoch) {
    const { first, last } = this.scale();
    const e = Math.min(last, Math.max(first, Math.round(epoch)));
    const was = this.store.get('scrub');
    this.store.update({
      scrub: { epoch: e, shown: was ? was.shown : null, loading: true, replay: Boolean(this.run), error: null },
    });
    this.fetcher.want(e);
  }

  /** Back to the live run: its latest frame at once, and every frame after it. */
  live() {
    this.run = null;
    this.fetcher.cancel();
    if (!this.store.get('scrub')) return;
    const liveSnap = this.store.get('liveSnapshot');
    this.store.update({ scrub: null, ...(liveSnap ? { snapshot: liveSnap } : {}) });
  }

  /** Play the run from its first epoch to now over `seconds`, then go back to live. */
  async replay(seconds) {
    const run = { started: 0, duration: seconds * 1000, scale: null, drawn: false };
    this.run = run;
    this._patch({ replay: true });
    await this.refresh();
    if (this.run !== run) return; // stopped (or gone live) meanwhile
    run.scale = this.scale();
    run.started = this.now();
    this.scrubTo(run.scale.first);
    const tick = () => {
      if (this.run !== run) return;
      const elapsed = this.now() - run.started;
      const scrub = this.store.get('scrub');
      if (elapsed >= run.duration && scrub && scrub.shown === run.scale.last && !this.fetcher.pending) {
        if (run.drawn) { // the last epoch had a frame of its own: back to live
          this.live();
          return;
        }
        run.drawn = true;
      }
      const epoch = replayEpoch(run.scale, elapsed, run.duration);
      if (!scrub || scrub.epoch !== epoch) this.scrubTo(epoch);
      this.frame(tick);
    };
    this.frame(tick);
  }

  /** Stop a replay where it is (the page stays on that epoch). */
  stopReplay() {
    if (!this.run) return;
    this.run = null;
    this._patch({ replay: false });
  }

  get replaying() {
    return Boolean(this.run);
  }

  /** A backprop request's body at the epoch shown, when it is a past one. */
  withEpoch(body) {
    const scrub = this.store.get('scrub');
    return scrub && scrub.shown != null ? { ...body, epoch: scrub.shown } : body;
  }

  /** Learn where the run's timeline starts (GET /timeline). */
  async refresh() {
    const id = this.store.get('id');
    if (!id) return;
    try {
      const tl = await this.api.timeline(id);
      if (this.store.get('id') === id) this.first = tl.first;
    } catch {
      // keep the first epoch known; a scrub outside the run says so itself
    }
  }

  /** A new run (a reset) or another session: back to live, nothing kept. */
  restart() {
    this.live();
    this.kept.clear();
    this.first = 0;
    this.refresh();
  }

  async _fetch(epoch) {
    if (this.kept.has(epoch)) return this.kept.get(epoch);
    const id = this.store.get('id');
    const snap = snapshotFromJson(await this.api.snapshotAt(id, epoch));
    if (this.store.get('id') !== id) throw new Error('the session changed');
    this.kept.set(epoch, snap);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value);
    return snap;
  }

  _show(snap) {
    const scrub = this.store.get('scrub');
    if (!scrub) return;
    this.store.update({
      snapshot: snap,
      scrub: { ...scrub, shown: snap.epoch, loading: this.fetcher.pending, error: null },
    });
  }

  _patch(changes) {
    const scrub = this.store.get('scrub');
    if (scrub) this.store.update({ scrub: { ...scrub, loading: this.fetcher.pending, ...changes } });
  }
}
