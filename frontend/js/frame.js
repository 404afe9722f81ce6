// frame.js — one requestAnimationFrame loop for every renderer: a renderer is invalidated when
// its data changes and redrawn (its update() called) at the next frame, at most once a frame.
// Leaves out: what renderers draw, and any measuring (bench/page.py watches from outside).

export class FrameLoop {
  constructor() {
    this.dirty = new Set();
    this.requested = false;
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
  }
}
