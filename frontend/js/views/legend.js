// views/legend.js — the colour legend under the output: the orange-to-blue bar with the values
// at its ends and middle for a binary or regression output, or one swatch per class for a
// softmax output (with each class's marker shape, markers.js), plus what point outlines mean.
// Leaves out: the weight colours (matrices and diagram label their own range).

import { CLASS_COLORS, css, makeScale, outputDomain } from '../colors.js';
import { sig } from '../format.js';
import { markerIcon, markerOf } from './markers.js';

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
        item.append(markerIcon(markerOf(k), css(CLASS_COLORS[k % CLASS_COLORS.length])), document.createTextNode(`class ${k}`));
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
    if (s.problem !== 'regression') {
      for (let k = 0; k < 2; k++) {
        const item = document.createElement('span');
        item.className = 'swatch';
        item.append(markerIcon(markerOf(k), css(CLASS_COLORS[k])), document.createTextNode(`class ${k} `));
        note.append(item);
      }
    }
    note.append(s.ui.showTest ? 'thin outline: training point · white ring: test point' : 'points: training data');
    if (s.problem === 'regression' && s.ui.residuals) note.append(' · coloured by residual: purple = predicted below the target, green = above');
    this.root.append(note);
  }
}
