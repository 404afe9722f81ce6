// views/fitreadout.js — how well a regression fits, in the server's figures: RMSE and R² of the
// training and test sets at the latest epoch, next to the loss chart. They come from the
// summary's `last` (on open, after a change) and from each live `epochs` message's `fit`
// (the session puts it in the store as `fit`), whichever came last. Hidden for classification
// (and for a loss other than MSE, where the server sends none).
// Leaves out: computing anything (rmse = sqrt(MSE) and R² = 1 - MSE / variance are the server's).

import { sig } from '../format.js';

const KEYS = ['rmse', 'r2', 'test_rmse', 'test_r2'];

/** The figures of `last` (a summary's, or a message's fit) and the epoch they are of. */
function pick(last, epoch) {
  if (!last || !KEYS.some((k) => k in last)) return null;
  return { ...Object.fromEntries(KEYS.map((k) => [k, last[k] ?? null])), epoch };
}

export class FitReadout {
  constructor(el, store, loop) {
    this.el = el;
    this.store = store;
    this.loop = loop;
    this.fit = null;
    store.on(['summary'], () => {
      const summary = store.get('summary');
      this.fit = summary ? pick(summary.last, summary.epoch) : null;
      loop.invalidate(this);
    });
    store.on(['fit'], () => {
      const fit = store.get('fit');
      this.fit = fit ? pick(fit, fit.epoch) : null;
      loop.invalidate(this);
    });
    store.on(['problem'], () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const f = this.store.get('problem') === 'regression' ? this.fit : null;
    this.el.hidden = !f;
    if (!f) return;
    const part = (name, rmse, r2) => `${name} RMSE ${sig(rmse, 4)} · R² ${sig(r2, 4)}`;
    const parts = [part('Train', f.rmse, f.r2), f.test_rmse == null ? null : part('Test', f.test_rmse, f.test_r2)].filter(Boolean);
    if (this.el.textContent !== parts.join(' ')) {
      this.el.replaceChildren(...parts.flatMap((text, i) => {
        const span = document.createElement('span');
        span.textContent = text;
        return i ? [' ', span] : [span];
      }));
    }
    this.el.dataset.epoch = String(f.epoch); // which epoch's figures they are
  }
}
