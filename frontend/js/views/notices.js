// views/notices.js — messages for the person: the server's refusals and connection troubles
// in words (role=alert for errors), information notes; each fades after a while or on click.
// Leaves out: deciding what to say (api.describeError and session.js do).

export class NoticesView {
  constructor(root, store) {
    this.root = root;
    this.store = store;
    store.addEventListener('notice', (e) => this.show(e.detail.message, e.detail.kind));
  }

  show(message, kind = 'error') {
    if (!message) return;
    for (const el of this.root.children) if (el.dataset.text === message) el.remove();
    const el = document.createElement('div');
    el.className = `notice ${kind}`;
    el.dataset.text = message;
    el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    el.textContent = message;
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => el.remove());
    el.append(close);
    this.root.append(el);
    while (this.root.children.length > 4) this.root.firstElementChild.remove();
    setTimeout(() => el.remove(), kind === 'error' ? 12000 : 4000);
  }

  update() {}

  reset() {
    this.root.replaceChildren();
  }
}
