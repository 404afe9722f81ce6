// frame.js — one requestAnimationFrame loop for every renderer: a renderer is invalidated when
// its data changes and redrawn (its update() called) at the next frame, at most once a frame.
// Each frame that drew something leaves a performance mark 'nnp:frame'; the first frame that
// shows an epoch newer than the one at `play` leaves 'nnp:first-epoch' and the measure
// 'nnp:play-to-first-epoch' (read by bench/page.py through performance.getEntriesByName).
// Leaves out: what renderers draw.

const MAX_FRAME_MARKS = 2000;

export class FrameLoop {
  constructor(store) {
    this.store = store;
    this.dirty = new Set();
    this.requested = false;
    this.frames = 0;
    this.tick = this.tick.bind(this);
  }

  invalidate(renderer) {
    this.dirty.add(renderer);
    if (!this.requested) {
      this.requested = true;
      requestAnimationFrame(this.tick);
    }
  }

  tick() {
    this.requested = false;
    const list = [...this.dirty];
    this.dirty.clear();
    for (const r of list) {
      try {
        r.update();
      } catch (err) {
        // A drawing bug must not stop the other views; report it once per frame.
        console.error(err); // eslint-disable-line no-console
      }
    }
    if (!list.length) return;
    this.frames++;
    if (this.frames % MAX_FRAME_MARKS === 0) performance.clearMarks('nnp:frame');
    performance.mark('nnp:frame');
    const wait = this.store.get('awaitEpochAfter');
    if (wait != null && this.store.history.last > wait) {
      this.store.update({ awaitEpochAfter: null });
      performance.mark('nnp:first-epoch');
      try {
        performance.measure('nnp:play-to-first-epoch', 'nnp:play', 'nnp:first-epoch');
      } catch { /* no play mark (watch page) */ }
    }
  }
}
