// views/advice.js — one plain sentence on why the network is stuck: the message of the first
// of the diagnostics' findings (a dead or saturated layer, updates too large or too small, a
// plateau) and, on the owner's page, a button doing what it suggests (its `action`: a new
// seed, another learning rate, ...). The watch page shows the sentence without the button.
// A divergence is said by its toast near the chart (divergence.js), not here.
// Leaves out: the marks on the neurons (network.js) and sending the action (onAction).

const ICON = { dead: '⚠', saturated: '⚠', large_updates: '⚠', small_updates: 'ℹ', plateau: 'ℹ' };

/** The finding to say: the first that is not a divergence, or null. */
export function adviceFinding(diagnostics) {
  const findings = (diagnostics && diagnostics.findings) || [];
  return findings.find((f) => f.kind !== 'diverged') || null;
}

export class AdviceView {
  /**
   * @param {HTMLElement} root element to fill
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onAction?: (action) => Promise}} options onAction: absent on the watch page
   */
  constructor(root, store, loop, { onAction = null } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.onAction = onAction;
    this.busy = false;
    root.classList.add('advice');
    root.setAttribute('role', 'status');
    this.icon = document.createElement('span');
    this.icon.className = 'advice-icon';
    this.icon.setAttribute('aria-hidden', 'true');
    this.text = document.createElement('span');
    this.text.className = 'advice-text';
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'advice-action';
    this.button.hidden = true;
    this.button.addEventListener('click', () => this._act());
    root.append(this.icon, this.text, this.button);
    root.hidden = true;
    store.on(['diagnostics', 'role', 'status'], () => loop.invalidate(this));
  }

  async _act() {
    const finding = adviceFinding(this.store.get('diagnostics'));
    if (!finding || !finding.action || !this.onAction || this.busy) return;
    this.busy = true;
    this.button.disabled = true;
    try {
      await this.onAction(finding.action);
    } finally {
      this.busy = false;
      this.loop.invalidate(this);
    }
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const finding = adviceFinding(this.store.get('diagnostics'));
    this.root.hidden = !finding;
    if (!finding) return;
    this.root.dataset.kind = finding.kind;
    this.icon.textContent = ICON[finding.kind] || 'ℹ';
    if (this.text.textContent !== finding.message) this.text.textContent = finding.message;
    const owner = this.store.get('role') === 'owner';
    const action = this.onAction && owner ? finding.action : null;
    this.button.hidden = !action;
    if (action) {
      this.button.textContent = action.label;
      this.button.disabled = this.busy;
    }
  }
}
