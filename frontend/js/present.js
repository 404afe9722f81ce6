// present.js — projector mode, for a teacher putting a session (their own or a student's
// fork, on either page) on a big screen: the store's ui.present puts the class `present` on
// <body>, where app.css's projector section enlarges the type, the boundary and the loss chart
// and hides every control but play/pause and the speed (the viewer count and the challenge
// stay). The header's button toggles it, Escape leaves it, and `#present` in the URL turns it
// on (removing it turns it off); the flag is kept in the hash with the page's other options.
// Leaves out: the layout itself (app.css), and the rest of the hash (hash.js, main.js).

import { parseHash, withPresent } from './hash.js';

export class PresentMode {
  /**
   * @param {{button: HTMLButtonElement, body?: HTMLElement}} elements
   * @param {Store} store
   */
  constructor({ button, body = document.body }, store) {
    this.button = button;
    this.body = body;
    this.store = store;
    button.addEventListener('click', () => this.set(!this.on));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.on && !e.defaultPrevented && !document.querySelector('dialog[open]')) this.set(false);
    });
    window.addEventListener('hashchange', () => this.set(parseHash(location.hash).ui.present));
    store.on(['ui'], () => this.update());
    this.update();
  }

  get on() {
    return Boolean(this.store.get('ui').present);
  }

  set(on) {
    if (on !== this.on) this.store.setUi({ present: on });
  }

  update() {
    const on = this.on;
    this.body.classList.toggle('present', on);
    this.button.setAttribute('aria-pressed', String(on));
    this.button.textContent = on ? 'Leave projector' : 'Projector';
    const hash = withPresent(location.hash, on);
    if (hash !== location.hash && parseHash(location.hash).ui.present !== on) {
      history.replaceState(null, '', hash || location.pathname + location.search);
    }
  }
}
