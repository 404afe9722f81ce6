// views/announce.js — the run's progress for screen readers: an aria-live="polite" region
// that says the epoch, the train loss and (classification) the accuracy at most once every
// ANNOUNCE_EVERY_MS while a run goes, and at once when it starts, pauses, stops (a stop
// condition), diverges or is reset. The clock is injectable (its unit test passes one).
// Leaves out: the visible counter and readouts (controls.js, losschart.js), which stay
// aria-live="off" so they do not speak every frame.

import { count, percent, sig } from '../format.js';

/** How often a running run is announced (ms). */
export const ANNOUNCE_EVERY_MS = 5000;

const STATUS_WORDS = { running: 'Training', paused: 'Paused', diverged: 'Diverged', idle: 'Reset' };

/** What is said: the status, the epoch, the last loss and accuracy, why it stopped. */
export function progressText({ status, epoch, message }, bucket) {
  const parts = [`${STATUS_WORDS[status] || status}, epoch ${count(epoch)}`];
  const v = (k) => bucket && bucket[k] && bucket[k].last;
  if (v('train_loss') != null) parts.push(`train loss ${sig(v('train_loss'), 3)}`);
  if (v('test_loss') != null) parts.push(`test loss ${sig(v('test_loss'), 3)}`);
  if (v('accuracy') != null) parts.push(`accuracy ${percent(v('accuracy'))}`);
  let text = parts.join(', ');
  if (status !== 'running' && message) text += `. ${message.replace(/\.$/, '')}`;
  return `${text}.`;
}

export class ProgressAnnouncer {
  /**
   * @param {{textContent: string}} region the live region
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{every?: number, now?: () => number}} options every: ms between announcements
   *   of a running run; now: the clock (ms)
   */
  constructor(region, store, loop, { every = ANNOUNCE_EVERY_MS, now = () => performance.now() } = {}) {
    this.region = region;
    this.store = store;
    this.loop = loop;
    this.every = every;
    this.now = now;
    this.status = null; // the status last seen from the server (null: none yet)
    this.lastAt = -Infinity;
    store.on(['status', 'epoch', 'summary'], () => loop.invalidate(this));
    store.addEventListener('history', () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    if (!s.summary) return; // nothing from the server yet: the page is loading
    const changed = this.status !== null && s.status !== this.status;
    const first = this.status === null;
    this.status = s.status;
    if (first) return; // the status the page opened with is on screen, not news
    const t = this.now();
    if (!changed && !(s.status === 'running' && t - this.lastAt >= this.every)) return;
    this.lastAt = t;
    const h = this.store.history;
    this.say(progressText(s, h.size ? h.bucket(h.size - 1) : null));
  }

  say(text) {
    // The same words twice are not news to a screen reader: a trailing space makes them new.
    this.region.textContent = this.region.textContent === text ? `${text} ` : text;
  }
}
