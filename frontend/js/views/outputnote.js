// views/outputnote.js — a note over the output view when it does not show the live state: a
// rewound epoch ("Epoch N · rewound"), or, after a divergence, that the boundary is the last
// finite one ("Diverged at epoch N — boundary from epoch M, before the blow-up"), so a
// believable boundary is never shown without saying so. Greys the output after a divergence.
// Leaves out: drawing the output (heatmap.js).

import { count } from '../format.js';

/** What the note says for the page's state, or '' when the output is the live state. */
export function outputNote({ scrub, status, snapshot, diagnostics }) {
  if (scrub) return scrub.shown == null ? '' : `Epoch ${count(scrub.shown)} · rewound`;
  if (status !== 'diverged') return '';
  const d = diagnostics && diagnostics.divergence;
  const at = d ? ` at epoch ${count(d.epoch)}` : '';
  const from = snapshot ? `boundary from epoch ${count(snapshot.epoch)}, before the blow-up` : 'no finite boundary to show';
  return `Diverged${at} — ${from}`;
}

export class OutputNote {
  /**
   * @param {HTMLElement} root the output view's element (the note goes over it)
   * @param {Store} store
   * @param {FrameLoop} loop
   */
  constructor(root, store, loop) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.el = document.createElement('p');
    this.el.className = 'output-note';
    this.el.hidden = true;
    root.append(this.el);
    store.on(['scrub', 'status', 'snapshot', 'diagnostics'], () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    const text = outputNote(s);
    const stale = !s.scrub && s.status === 'diverged';
    this.root.classList.toggle('stale', stale);
    this.el.classList.toggle('rewound', Boolean(s.scrub));
    this.el.hidden = !text;
    if (this.el.textContent !== text) this.el.textContent = text;
  }
}
