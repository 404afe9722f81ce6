// views/speed.js — the speed control beside Play: a slider over the stops of PACES (1, 3, 10,
// ... 10k epochs a second, then max = full speed), one notch each, so the scale is
// logarithmic; the current dataset's suggested pace and the session's own pace get a notch
// too when they are not a stop. Arrow keys, Home/End and touch move it (a native range
// input); its label says the speed in words ("50 epochs/s", "suggested" when it is the
// dataset's). Moving it calls onPace(pace) once it is let go (a change event), which the
// session sends live: no reset.
// Leaves out: sending (session.js) and the other run controls (controls.js).

import { PACES, suggestedSetup } from '../config.js';
import { paceText } from '../format.js';

/** The notches: PACES with `extra` paces (numbers) added where they fall, max (null) last. */
export function paceStops(extra = []) {
  const numbers = new Set(PACES.filter((p) => p != null));
  for (const p of extra) if (p != null) numbers.add(p);
  return [...[...numbers].sort((a, b) => a - b), null];
}

export class SpeedControl {
  /**
   * @param {{input: HTMLInputElement, output: HTMLElement}} elements the range input and its label
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onPace: (pace: number|null) => void}} callbacks
   */
  constructor({ input, output }, store, loop, { onPace }) {
    this.input = input;
    this.output = output;
    this.store = store;
    this.loop = loop;
    this.stops = paceStops();
    input.min = '0';
    input.step = '1';
    input.addEventListener('input', () => this._label(this._picked()));
    input.addEventListener('change', () => onPace(this._picked()));
    store.on(['config', 'datasets', 'role', 'token'], () => loop.invalidate(this));
  }

  _picked() {
    return this.stops[Math.max(0, Math.min(this.stops.length - 1, Number(this.input.value)))];
  }

  _suggested() {
    const c = this.store.get('config');
    const setup = c && suggestedSetup(this.store.get('datasets'), c.dataset.name);
    return setup ? setup.pace : undefined;
  }

  _label(pace) {
    const suggested = pace === this._suggested() ? ' (suggested)' : '';
    const text = `${paceText(pace)}${suggested}`;
    if (this.output.textContent !== text) this.output.textContent = text;
    this.input.setAttribute('aria-valuetext', pace == null ? 'max speed: as fast as the server goes' : `${text.replace('/s', ' a second')}`);
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    if (!s.config) return;
    const pace = s.config.pace ?? null;
    this.stops = paceStops([this._suggested(), pace]);
    this.input.max = String(this.stops.length - 1);
    if (this.input.ownerDocument.activeElement !== this.input || this._picked() !== pace) {
      this.input.value = String(this.stops.indexOf(pace));
    }
    this.input.disabled = !(s.role === 'owner' || (s.role === null && s.token));
    this._label(pace);
  }
}
