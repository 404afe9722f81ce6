// views/divergence.js — the toast near the loss chart when a run diverges: at which epoch and
// in which layer values stopped being finite, how large the last finite update was, and what
// to change, with (owner's page only) a button doing it (the diagnostics' action: reset with a
// smaller learning rate). Dismissable; it comes back at the next divergence.
// Leaves out: what the output shows after a divergence (outputnote.js) and sending the action.

import { count, sig } from '../format.js';

const WHERE = { W: 'weights', b: 'biases', z: 'z', a: 'outputs' };

/** An update's size relative to the weights in words: "35% of", "4.3e135 times". */
export function updateSize(ratio) {
  if (ratio == null || !Number.isFinite(ratio)) return null;
  return ratio < 10 ? `${Math.round(ratio * 100)}% of` : `${sig(ratio, 2)} times`;
}

/** The toast's sentence for the diagnostics' `divergence` (else the status message). */
export function divergenceText(divergence, fallback = '') {
  if (!divergence) return fallback || 'A value became infinite or NaN. Reset and lower the learning rate.';
  const where = WHERE[divergence.where] || divergence.where;
  const size = updateSize(divergence.last_update_ratio);
  const step = size ? ` The last finite update was ${size} the size of the weights.` : '';
  return `At epoch ${count(divergence.epoch)}, layer ${divergence.layer}'s ${where} became infinite or NaN.${step} Reset and lower the learning rate.`;
}

export class DivergenceToast {
  /**
   * @param {HTMLElement} root element to fill (placed by the page near the chart)
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onAction?: (action) => Promise}} options onAction: absent on the watch page
   */
  constructor(root, store, loop, { onAction = null } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.onAction = onAction;
    this.dismissed = null; // the divergence the person closed (_key)
    root.classList.add('divergence-toast');
    root.setAttribute('role', 'alert');
    root.hidden = true;
    const title = document.createElement('strong');
    title.className = 'toast-title';
    this.title = title;
    this.text = document.createElement('p');
    this.text.className = 'toast-text';
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'toast-action primary';
    this.button.hidden = true;
    this.button.addEventListener('click', () => this._act());
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'toast-close';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => {
      this.dismissed = this._key();
      this.loop.invalidate(this);
    });
    root.append(close, title, this.text, this.button);
    store.on(['status', 'diagnostics', 'message', 'role'], () => loop.invalidate(this));
  }

  _divergence() {
    const d = this.store.get('diagnostics');
    return (d && d.divergence) || null;
  }

  _action() {
    const d = this.store.get('diagnostics');
    const finding = d && (d.findings || []).find((f) => f.kind === 'diverged');
    return finding ? finding.action : null;
  }

  /** Which divergence this is (a rerun diverging at the same epoch is another one). */
  _key() {
    const d = this.store.get('diagnostics');
    return d && d.divergence ? `version:${d.version}` : `status:${this.store.get('message')}`;
  }

  async _act() {
    const action = this._action();
    if (!action || !this.onAction) return;
    this.button.disabled = true;
    try {
      await this.onAction(action);
    } finally {
      this.button.disabled = false;
    }
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const diverged = this.store.get('status') === 'diverged';
    this.root.hidden = !diverged || this.dismissed === this._key();
    if (this.root.hidden) return;
    const d = this._divergence();
    this.title.textContent = d ? `Training diverged at epoch ${count(d.epoch)} (layer ${d.layer})` : 'Training diverged';
    const text = divergenceText(d, this.store.get('message'));
    if (this.text.textContent !== text) this.text.textContent = text;
    const action = this.onAction && this.store.get('role') === 'owner' ? this._action() : null;
    this.button.hidden = !action;
    if (action) this.button.textContent = action.label;
  }
}
