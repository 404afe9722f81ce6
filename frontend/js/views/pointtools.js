// views/pointtools.js — the point tools under the output: what a click draws (a class picker
// with each class's colour and marker shape; for regression a value slider over the data's
// target range), "remove nearest", the Draw switch a touch screen needs before a tap adds a
// point (ui.touchDraw), and the option to colour regression points by residual
// (ui.residuals). The chosen class is ui.tool; the regression value ui.drawValue (null: the
// middle of the range).
// Leaves out: making the edit (edit.js) and drawing the points (heatmap.js).

import { CLASS_COLORS, css } from '../colors.js';
import { sig } from '../format.js';
import { markerIcon, markerOf } from './markers.js';
import { RESIDUAL_ENDS } from '../residuals.js';

const STEPS = 100;

/** Whether this device has a touch screen (then the Draw switch is shown). */
function touchScreen() {
  return (navigator.maxTouchPoints || 0) > 0 || (window.matchMedia && window.matchMedia('(pointer: coarse)').matches);
}

export class PointTools {
  /**
   * @param {{box, options, draw, drawToggle, residuals, residualsToggle, hint}} els
   */
  constructor(els, store, loop) {
    this.els = els;
    this.store = store;
    this.loop = loop;
    this.key = null;
    els.options.addEventListener('change', (e) => {
      if (e.target.name === 'tool') {
        const v = e.target.value;
        store.setUi({ tool: v === 'remove' || v === 'add' ? v : Number(v) });
      }
    });
    els.options.addEventListener('input', (e) => {
      if (e.target.classList.contains('draw-value')) {
        const [lo, hi] = this.range();
        store.setUi({ drawValue: lo + ((hi - lo) * Number(e.target.value)) / STEPS, tool: 'add' });
      }
    });
    els.drawToggle.addEventListener('change', (e) => store.setUi({ touchDraw: e.target.checked }));
    els.residualsToggle.addEventListener('change', (e) => store.setUi({ residuals: e.target.checked }));
    els.draw.hidden = !touchScreen();
    store.on(['problem', 'nClasses', 'dataset', 'ui', 'network'], () => loop.invalidate(this));
  }

  reset() {
    this.key = null;
    this.loop.invalidate(this);
  }

  /** The range of the data's targets of the output shown (±1 around a single value). */
  range() {
    const s = this.store.state;
    const ds = s.dataset;
    const out = s.ui.output || 0;
    const labels = ds ? [...ds.train, ...ds.test].map((p) => (Array.isArray(p.label) ? p.label[out] : p.label)) : [];
    const lo = Math.min(...labels.filter(Number.isFinite));
    const hi = Math.max(...labels.filter(Number.isFinite));
    if (!Number.isFinite(lo)) return [-1, 1];
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  }

  /** The regression value a click adds (the middle of the range unless one was chosen in it). */
  value() {
    const [lo, hi] = this.range();
    const v = this.store.state.ui.drawValue;
    return v == null || v < lo || v > hi ? (lo + hi) / 2 : v;
  }

  /** What a click adds: a class index, a regression value, or 'remove'. */
  tool() {
    const s = this.store.state;
    if (s.ui.tool === 'remove') return 'remove';
    if (s.problem === 'regression') return this.value();
    return s.ui.tool >= 0 && s.ui.tool < Math.max(2, s.nClasses) ? s.ui.tool : 0;
  }

  update() {
    const s = this.store.state;
    const regression = s.problem === 'regression';
    const [lo, hi] = regression ? this.range() : [0, 1];
    const key = `${s.problem}:${s.nClasses}:${lo}:${hi}`;
    if (key !== this.key) {
      this.key = key;
      this._build(regression, lo, hi);
    }
    const tool = this.tool();
    for (const input of this.els.options.querySelectorAll('input[name="tool"]')) {
      input.checked = tool === 'remove' ? input.value === 'remove' : regression ? input.value === 'add' : input.value === String(tool);
    }
    if (regression) {
      const slider = this.els.options.querySelector('.draw-value');
      const value = this.value();
      slider.value = String(Math.round(((value - lo) / (hi - lo || 1)) * STEPS));
      this.els.options.querySelector('.draw-value-out').textContent = sig(value, 3);
      slider.setAttribute('aria-valuetext', sig(value, 3));
    }
    this.els.drawToggle.checked = Boolean(s.ui.touchDraw);
    this.els.residuals.hidden = !regression;
    this.els.residualsToggle.checked = Boolean(s.ui.residuals);
    this.els.hint.textContent = regression
      ? 'Click: a point of the chosen value (shift: minus it) · Ctrl/⌘-click: remove the nearest point.'
      : 'Shift-click: the next class · Ctrl/⌘-click: remove the nearest point.';
  }

  _build(regression, lo, hi) {
    const box = this.els.options;
    box.replaceChildren();
    const option = (value, text, icon) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'tool';
      input.value = String(value);
      label.append(input);
      if (icon) label.append(icon);
      label.append(document.createTextNode(text));
      box.append(label);
      return label;
    };
    if (regression) {
      const label = option('add', 'value', null);
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.className = 'draw-value';
      slider.min = '0';
      slider.max = String(STEPS);
      slider.step = '1';
      slider.setAttribute('aria-label', `Value of a new point, from ${sig(lo, 3)} to ${sig(hi, 3)}`);
      const out = document.createElement('output');
      out.className = 'draw-value-out';
      label.append(slider, out);
    } else {
      const k = Math.max(2, this.store.state.nClasses);
      for (let c = 0; c < k; c++) {
        option(c, `class ${c}`, markerIcon(markerOf(c), css(CLASS_COLORS[c % CLASS_COLORS.length]), 16));
      }
    }
    option('remove', 'remove nearest', null);
    const swatch = this.els.residuals.querySelector('.residual-swatch');
    if (swatch) {
      const { below, zero, above } = RESIDUAL_ENDS;
      swatch.style.background = `linear-gradient(to right, ${css(below)}, ${css(zero)}, ${css(above)})`;
    }
  }
}
