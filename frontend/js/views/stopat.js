// views/stopat.js — the "stop at" control under the loss chart: never, an epoch, or an
// accuracy (in %) or a loss to reach, which the session sends live as stop_at (Play then
// pauses there by itself and says why). Only conditions the run tracks are offered
// (accuracies for classification, test figures when there are test points). The session's
// stop_at may hold several conditions (from the API); the control shows and edits the first.
// Leaves out: sending (the onStop callback) and the message of a stopped run (runnote.js).

import { STOP_KINDS } from '../config.js';

const LABELS = {
  '': 'never', epoch: 'epoch', test_accuracy: 'test accuracy ≥', accuracy: 'training accuracy ≥',
  test_loss: 'test loss ≤', train_loss: 'training loss ≤',
};

/** The value a newly chosen condition starts with (shown in %, for accuracies). */
function initial(kind, epoch) {
  if (kind === 'epoch') return Math.max(1000, 10 ** Math.ceil(Math.log10(epoch + 1)));
  return kind.endsWith('accuracy') ? 0.95 : 0.01;
}

export class StopAtControl {
  /**
   * @param {{kind: HTMLSelectElement, value: HTMLInputElement, unit: HTMLElement}} elements
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onStop: (stopAt: object|null) => void}} callbacks
   */
  constructor({ kind, value, unit }, store, loop, { onStop }) {
    Object.assign(this, { kindEl: kind, valueEl: value, unit, store, loop });
    kind.addEventListener('change', () => {
      const k = kind.value;
      onStop(k ? { [k]: initial(k, store.get('epoch')) } : null);
    });
    value.addEventListener('change', () => {
      const k = kind.value;
      const v = Number(value.value);
      if (!k || !Number.isFinite(v) || value.value === '') return;
      onStop({ [k]: k === 'epoch' ? Math.max(1, Math.round(v)) : k.endsWith('accuracy') ? Math.min(1, Math.max(0, v / 100)) : Math.max(0, v) });
    });
    store.on(['config', 'problem', 'dataset', 'role', 'token'], () => loop.invalidate(this));
  }

  _kinds() {
    const s = this.store.state;
    const hasTest = Boolean(s.dataset && s.dataset.test && s.dataset.test.length);
    return ['', ...Object.keys(STOP_KINDS).filter((k) => (s.problem !== 'regression' || !k.endsWith('accuracy'))
      && (hasTest || !k.startsWith('test_')))];
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    if (!s.config) return;
    const [kind, v] = Object.entries(s.config.stop_at || {})[0] || ['', null];
    const offered = this._kinds();
    const kinds = offered.includes(kind) ? offered : [...offered, kind];
    const select = this.kindEl;
    if ([...select.options].map((o) => o.value).join() !== kinds.join()) {
      select.replaceChildren(...kinds.map((k) => new Option(LABELS[k] || k, k)));
    }
    select.value = kind;
    const accuracy = kind.endsWith('accuracy');
    this.valueEl.hidden = !kind;
    this.unit.textContent = accuracy ? '%' : '';
    this.valueEl.step = kind === 'epoch' ? '1' : accuracy ? '0.5' : 'any';
    this.valueEl.min = kind === 'epoch' ? '1' : '0';
    if (accuracy) this.valueEl.max = '100';
    else this.valueEl.removeAttribute('max');
    if (kind && this.valueEl.ownerDocument.activeElement !== this.valueEl) {
      this.valueEl.value = String(accuracy ? Number((v * 100).toPrecision(4)) : v);
    }
    const owner = s.role === 'owner' || (s.role === null && s.token);
    select.disabled = !owner;
    this.valueEl.disabled = !owner;
  }
}
