// views/scrubber.js — the timeline scrubber under the loss chart: a range input over the run's
// epochs, spaced as the chart's epoch axis and lined up with its plot, so the thumb sits under
// the epoch shown (drag, touch, or the arrow keys for the next epoch, Home for the first, End
// for live); a Replay button with its duration (Stop while it plays); and a line saying what
// the page shows: "Live" or "Viewing epoch N" with a one-click "Back to live". The same on the
// watch page: all it does is read (timeline.js).
// Leaves out: fetching past epochs and the replay clock (timeline.js), marking the chart
// (losschart.js).

import { count } from '../format.js';
import { DEFAULT_REPLAY, REPLAY_SECONDS, stepEpoch } from '../scrub.js';
import { plotPadding } from './losschart.js';
import { tickFont } from './paint.js';

const THUMB = 16; // px, the thumb's width in timeline.css: its centre reaches the plot's edges

const KEY_DIRECTION = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 };

function element(tag, className, text = '') {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}

function button(className, text, label) {
  const b = element('button', className, text);
  b.type = 'button';
  if (label) b.setAttribute('aria-label', label);
  return b;
}

export class Scrubber {
  /**
   * @param {HTMLElement} root element to fill
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {Timeline} timeline
   */
  constructor(root, store, loop, timeline) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.timeline = timeline;
    this.dragging = false;
    root.classList.add('scrubber');
    this._build();
    store.on(['epoch', 'scrub', 'ui', 'problem', 'id'], () => loop.invalidate(this));
    store.addEventListener('history', () => loop.invalidate(this));
  }

  _build() {
    const range = element('input', 'scrub-range');
    range.type = 'range';
    range.min = '0';
    range.step = '1';
    range.setAttribute('aria-label', 'Epoch shown: drag back through the run');
    this.range = range;
    range.addEventListener('pointerdown', () => { this.dragging = true; this.timeline.refresh(); });
    range.addEventListener('focus', () => this.timeline.refresh()); // where the run starts now
    for (const end of ['pointerup', 'pointercancel', 'change']) {
      range.addEventListener(end, () => { this.dragging = false; this.loop.invalidate(this); });
    }
    range.addEventListener('input', () => this._moved());
    range.addEventListener('keydown', (e) => this._key(e));

    this.replayButton = button('scrub-replay', 'Replay');
    this.replayButton.title = 'Play the run again from its first epoch';
    this.replayButton.addEventListener('click', () => this._toggleReplay());
    const speed = element('select', 'scrub-speed');
    speed.setAttribute('aria-label', 'Replay duration');
    speed.title = 'How long a replay of the whole run lasts';
    for (const name of Object.keys(REPLAY_SECONDS)) {
      const option = element('option', '', name);
      option.value = name;
      speed.append(option);
    }
    speed.value = DEFAULT_REPLAY;
    this.speed = speed;

    this.stateText = element('span', 'scrub-text', 'Live');
    const state = element('span', 'scrub-state');
    state.append(element('i', 'scrub-dot'), this.stateText);
    this.liveButton = button('scrub-live primary', 'Back to live');
    this.liveButton.hidden = true;
    this.liveButton.addEventListener('click', () => this.timeline.live());
    // Said once per change of mode, not at every epoch dragged past.
    this.announce = element('span', 'scrub-announce');
    this.announce.setAttribute('role', 'status');

    const now = element('span', 'scrub-now'); // what is shown, and the way back: kept together
    now.append(state, this.liveButton);
    const bar = element('div', 'scrub-bar');
    bar.append(this.replayButton, speed, now, this.announce);
    this.root.replaceChildren(range, bar);
  }

  /** The slider was moved (pointer or a key the browser handled, e.g. Home, Page Up). */
  _moved() {
    const scale = this.timeline.scale();
    const position = Number(this.range.value);
    this.timeline.stopReplay();
    if (position >= scale.max) this.timeline.live();
    else this.timeline.scrubTo(scale.epochAt(position));
  }

  /** Arrow keys: the next epoch there is (a log axis crowds several positions on one). */
  _key(e) {
    const dir = KEY_DIRECTION[e.key];
    if (!dir) return;
    e.preventDefault();
    const scale = this.timeline.scale();
    const scrub = this.store.get('scrub');
    const next = stepEpoch(scale, scrub ? scrub.epoch : scale.last, dir);
    this.timeline.stopReplay();
    if (next >= scale.last) this.timeline.live();
    else this.timeline.scrubTo(next);
  }

  _toggleReplay() {
    if (this.timeline.replaying) this.timeline.stopReplay();
    else this.timeline.replay(REPLAY_SECONDS[this.speed.value] || REPLAY_SECONDS[DEFAULT_REPLAY]);
    this.loop.invalidate(this);
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const scrub = this.store.get('scrub');
    const scale = this.timeline.scale();
    this._align();
    this.range.max = String(scale.max);
    if (!this.dragging) this.range.value = String(scrub ? scale.positionOf(scrub.epoch) : scale.max);
    this.range.disabled = scale.max === 0;
    this.range.setAttribute('aria-valuetext', scrub
      ? `epoch ${count(scrub.epoch)} of ${count(scale.last)}`
      : `live, epoch ${count(scale.last)}`);
    const replaying = this.timeline.replaying;
    this.replayButton.textContent = replaying ? 'Stop' : 'Replay';
    this.replayButton.classList.toggle('playing', replaying);
    this.replayButton.title = replaying ? 'Stop the replay at this epoch' : 'Play the run again from its first epoch';
    this.replayButton.disabled = scale.max === 0 && !replaying;
    this.root.classList.toggle('scrubbed', Boolean(scrub));
    this.liveButton.hidden = !scrub;
    this._text(this._words(scrub, replaying));
    const mode = scrub ? 'Showing a past epoch of the run.' : 'Showing the live run.';
    if (this.announce.textContent !== mode && (scrub || this.announce.textContent)) this.announce.textContent = mode;
  }

  _words(scrub, replaying) {
    if (!scrub) return 'Live';
    if (scrub.error) return `Epoch ${count(scrub.epoch)}: ${scrub.error}`;
    const shown = scrub.shown == null ? `loading epoch ${count(scrub.epoch)}…` : `Viewing epoch ${count(scrub.shown)}`;
    return `${shown}${replaying ? ' · replaying' : ''}`;
  }

  _text(text) {
    if (this.stateText.textContent !== text) this.stateText.textContent = text;
  }

  /** Line the slider's track up with the chart's plot (its thumb centre on the plot's edges). */
  _align() {
    const classification = this.store.get('problem') !== 'regression';
    const pad = plotPadding(classification, tickFont(this.root)); // as the chart's, in CSS px
    const left = `${pad.l - THUMB / 2}px`;
    const width = `calc(100% - ${pad.l + pad.r - THUMB}px)`;
    if (this.range.style.marginLeft !== left) this.range.style.marginLeft = left;
    if (this.range.dataset.width !== width) {
      this.range.dataset.width = width;
      this.range.style.width = width;
    }
  }
}
