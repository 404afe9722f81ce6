// views/legend.js — the colour legend under the output: the orange-to-blue bar with the values
// at its ends and middle for a binary or regression output, or one swatch per class for a
// softmax output, plus what point outlines mean.
// Leaves out: the weight colours (matrices and diagram label their own range).

import { CLASS_COLORS, css, makeScale, outputDomain } from '../colors.js';
import { sig } from '../format.js';

export class LegendView {
  constructor(root, store, loop) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    root.classList.add('legend');
    store.on(['problem', 'nClasses', 'network', 'dataset', 'ui'], () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    this.root.replaceChildren();
    const net = s.network || {};
    if (s.problem !== 'regression' && s.nClasses > 2) {
      for (let k = 0; k < s.nClasses; k++) {
        const item = document.createElement('span');
        item.className = 'swatch';
        const dot = document.createElement('i');
        dot.style.backgroundColor = css(CLASS_COLORS[k % CLASS_COLORS.length]);
        item.append(dot, document.createTextNode(`class ${k}`));
        this.root.append(item);
      }
      const note = document.createElement('span');
      note.className = 'legend-note';
      note.textContent = 'paler = less confident';
      this.root.append(note);
      return;
    }
    const labels = s.dataset && s.problem === 'regression' ? s.dataset.train.map((p) => (Array.isArray(p.label) ? p.label[s.ui.output || 0] : p.label)) : [];
    const [lo, hi] = outputDomain(s.problem, net.output_activation || 'sigmoid', labels);
    const scale = makeScale(lo, hi);
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 1;
    canvas.className = 'legend-bar';
    const ctx = canvas.getContext('2d');
    for (let x = 0; x < 64; x++) {
      ctx.fillStyle = css(scale(lo + ((hi - lo) * x) / 63));
      ctx.fillRect(x, 0, 1, 1);
    }
    const ends = document.createElement('div');
    ends.className = 'legend-ends';
    const names = s.problem === 'regression' ? [sig(lo, 3), sig((lo + hi) / 2, 3), sig(hi, 3)] : [`${sig(lo, 2)} (class 0)`, sig((lo + hi) / 2, 2), `${sig(hi, 2)} (class 1)`];
    for (const t of names) {
      const span = document.createElement('span');
      span.textContent = t;
      ends.append(span);
    }
    this.root.append(canvas, ends);
    const note = document.createElement('div');
    note.className = 'legend-note';
    note.textContent = s.ui.showTest ? 'white outline: training point · dark outline: test point' : 'points: training data';
    this.root.append(note);
  }
}
