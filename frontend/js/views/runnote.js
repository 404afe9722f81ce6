// views/runnote.js — why the run stopped, in the server's words: the status message of a run
// that paused by itself ("stopped at epoch 10,000 (stop_at: epoch 10,000): train loss ...",
// "reached the history limit ..."), shown while the session is not running, on both pages.
// Leaves out: divergence, which has its own toast (divergence.js), and choosing when to stop
// (stopat.js).

export class RunNote {
  constructor(el, store, loop) {
    this.el = el;
    this.store = store;
    this.loop = loop;
    store.on(['status', 'message'], () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const { status, message } = this.store.state;
    const text = status !== 'running' && status !== 'diverged' && message ? message[0].toUpperCase() + message.slice(1) : '';
    if (this.el.textContent !== text) this.el.textContent = text;
    this.el.hidden = !text;
  }
}
