// views/backprop.js — the backward pass, phase by phase, with the tutorial's formulas and the
// server's actual numbers (POST /backprop): forward z^l and a^l per layer, the output error
// delta^L in the loss's form, delta^l per hidden layer, dC/dW^l and dC/db^l, the update, and
// optionally the gradient check (analytic vs numerical, relative error). For the whole
// training set or one chosen point. Tables carry every value at full precision in data-v.
// Leaves out: computing anything (the server does) and training (the Apply button asks).

import { css, weightColor } from '../colors.js';
import { sig, sup } from '../format.js';

const MAX_COLS = 8;

/** The derivative of an activation written with the layer's own values. */
export function derivativeText(activation, l) {
  const a = `a${sup(l)}`;
  switch (activation) {
    case 'sigmoid': return `${a} ⊙ (1 − ${a})`;
    case 'tanh': return `(1 − ${a} ⊙ ${a})`;
    case 'relu': return `1[z${sup(l)} > 0]`;
    case 'leaky_relu': return `(1[z${sup(l)} > 0] + α·1[z${sup(l)} ≤ 0])`;
    case 'linear': return '1';
    default: return `f′(z${sup(l)})`;
  }
}

/** The output error formula for a loss and output activation (the tutorial's is mse+sigmoid). */
export function outputErrorText(lossName, activation, L) {
  const a = `a${sup(L)}`;
  if ((lossName === 'bce' && activation === 'sigmoid') || (lossName === 'cce' && activation === 'softmax')) {
    return `δ${sup(L)} = ${a} − y`;
  }
  if (lossName === 'mse') {
    if (activation === 'linear') return `δ${sup(L)} = ${a} − y`;
    return `δ${sup(L)} = (${a} − y) ⊙ ${derivativeText(activation, L)}`;
  }
  return `δ${sup(L)} = ∂C/∂${a} ⊙ f′(z${sup(L)})`;
}

function transpose(M) {
  return M[0].map((_, j) => M.map((row) => row[j]));
}

export class BackpropView {
  /**
   * @param {HTMLElement} root
   * @param {Store} store
   * @param {{fetch: (body) => Promise, step?: () => Promise, isOpen?: () => boolean}} options
   */
  constructor(root, store, loop, { fetch, step = null, isOpen = () => true } = {}) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.fetch = fetch;
    this.stepFn = step;
    this.isOpen = isOpen;
    this.data = null;
    this.phase = 0;
    this.stale = true;
    this._buildControls();
    store.on(['status', 'epoch', 'dataset', 'config'], (keys) => {
      const running = store.get('status') === 'running';
      if (keys.includes('status') || keys.includes('config')) this.renderNote();
      if (running) return; // numbers move too fast to read: wait for a pause
      this.stale = true;
      if (this.isOpen()) this.scheduleCompute();
    });
  }

  _buildControls() {
    const bar = document.createElement('form');
    bar.className = 'bp-controls';
    bar.innerHTML = `
      <fieldset class="bp-which"><legend>Data</legend>
        <label><input type="radio" name="bp-which" value="all" checked> every training point</label>
        <label><input type="radio" name="bp-which" value="one"> one point, index
          <input type="number" name="bp-index" min="0" value="0" class="bp-index" aria-label="Point index"></label>
      </fieldset>
      <label><input type="checkbox" name="bp-check"> gradient check</label>
      <button type="submit" class="bp-compute">Compute the backward pass</button>`;
    this.form = bar;
    bar.addEventListener('submit', (e) => { e.preventDefault(); this.compute(); });
    bar.addEventListener('change', () => this.scheduleCompute());
    this.note = document.createElement('p');
    this.note.className = 'bp-note';
    this.nav = document.createElement('nav');
    this.nav.className = 'bp-nav';
    this.nav.setAttribute('aria-label', 'Phases of the backward pass');
    this.body = document.createElement('div');
    this.body.className = 'bp-body';
    this.root.append(bar, this.note, this.nav, this.body);
    this.renderNote();
  }

  renderNote() {
    const running = this.store.get('status') === 'running';
    const config = this.store.get('config');
    const parts = [];
    if (running) parts.push('Training is running: pause (space) to step through one epoch with fixed numbers.');
    if (config && config.batch_size) parts.push(`Note: training uses mini-batches of ${config.batch_size}; this view shows the pass over the points chosen here.`);
    if (config && config.regularization && config.regularization !== 'none' && config.reg_rate > 0) parts.push('Regularisation adds its own term to the update.');
    const text = parts.join(' ');
    if (this.note.textContent !== text) this.note.textContent = text;
  }

  scheduleCompute() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.compute(), 120);
  }

  body_() {
    const fd = new FormData(this.form);
    const body = { check: fd.get('bp-check') === 'on' };
    if (fd.get('bp-which') === 'one') body.index = Math.max(0, Number(fd.get('bp-index')) || 0);
    return body;
  }

  async compute() {
    clearTimeout(this.timer);
    if (!this.store.get('id')) return;
    const body = this.body_();
    try {
      this.data = await this.fetch(body);
      this.stale = false;
      this.loop.invalidate(this);
    } catch (err) {
      this.store.notify(err.message);
    }
  }

  reset() {
    this.data = null;
    this.phase = 0;
    this.body.replaceChildren();
    this.nav.replaceChildren();
  }

  /** The phases of the current result: [{title, build(section)}]. */
  phases() {
    const d = this.data;
    const L = d.layers.length;
    const out = [];
    const aPrev = (l) => (l === 1 ? d.x : d.layers[l - 2].a);
    for (let l = 1; l <= L; l++) {
      const layer = d.layers[l - 1];
      out.push({
        title: `Forward, layer ${l}`,
        formulas: [`z${sup(l)} = W${sup(l)} · a${sup(l - 1)} + b${sup(l)}`, `a${sup(l)} = ${layer.activation}(z${sup(l)})`],
        note: l === 1 ? 'a⁰ = x, the input features of the chosen points (one column per point).' : '',
        tables: [[`W${sup(l)}`, `W${l}`, layer.W], [`a${sup(l - 1)}`, `a${l - 1}`, aPrev(l)], [`b${sup(l)}`, `b${l}`, layer.b], [`z${sup(l)}`, `z${l}`, layer.z], [`a${sup(l)}`, `a${l}`, layer.a]],
      });
    }
    const last = d.layers[L - 1];
    out.push({
      title: `Output error δ${sup(L)}`,
      formulas: [outputErrorText(d.loss_name, last.activation, L)],
      note: `Loss (${d.loss_name}) = ${sig(d.loss, 6)}; the gradient is that of the cost C = ${sig(d.cost, 6)}${d.loss_name === 'mse' ? ' = (1/2m) Σ ‖a − y‖²' : ''}.`,
      tables: [[`a${sup(L)}`, `a${L}`, last.a], ['y', 'y', d.y], [`δ${sup(L)}`, `delta${L}`, last.delta]],
    });
    for (let l = L - 1; l >= 1; l--) {
      const layer = d.layers[l - 1];
      const next = d.layers[l];
      out.push({
        title: `Hidden error δ${sup(l)}`,
        formulas: [`δ${sup(l)} = (W${sup(l + 1)})ᵀ · δ${sup(l + 1)} ⊙ ${derivativeText(layer.activation, l)}`],
        note: '',
        tables: [[`(W${sup(l + 1)})ᵀ`, `W${l + 1}T`, transpose(next.W)], [`δ${sup(l + 1)}`, `delta${l + 1}`, next.delta], [`a${sup(l)}`, `a${l}`, layer.a], [`δ${sup(l)}`, `delta${l}`, layer.delta]],
      });
    }
    for (let l = 1; l <= L; l++) {
      const layer = d.layers[l - 1];
      out.push({
        title: `Gradients, layer ${l}`,
        formulas: [`∂C/∂W${sup(l)} = (1/m) δ${sup(l)} · (a${sup(l - 1)})ᵀ`, `∂C/∂b${sup(l)} = (1/m) Σ δ${sup(l)}  (over the m = ${d.m} column${d.m === 1 ? '' : 's'})`],
        note: '',
        tables: [[`δ${sup(l)}`, `delta${l}`, layer.delta], [`(a${sup(l - 1)})ᵀ`, `a${l - 1}T`, transpose(aPrev(l))], [`∂C/∂W${sup(l)}`, `dW${l}`, layer.dW], [`∂C/∂b${sup(l)}`, `db${l}`, layer.db]],
      });
    }
    const upd = [];
    for (let l = 1; l <= L; l++) {
      const layer = d.layers[l - 1];
      upd.push([`W${sup(l)} new`, `W_next${l}`, layer.W_next], [`b${sup(l)} new`, `b_next${l}`, layer.b_next]);
    }
    out.push({
      title: 'Update',
      formulas: [`Wˡ ← Wˡ − η · ∂C/∂Wˡ`, `bˡ ← bˡ − η · ∂C/∂bˡ`, `η = ${sig(d.learning_rate, 6)}`],
      note: 'Plain gradient descent with these gradients (other optimisers and mini-batches change the step).',
      tables: upd,
      apply: true,
    });
    if (d.gradient_check) {
      const g = d.gradient_check;
      const tables = [];
      for (let l = 1; l <= L; l++) {
        tables.push([`∂C/∂W${sup(l)} analytic`, `dW${l}`, d.layers[l - 1].dW], [`∂C/∂W${sup(l)} numerical`, `num_dW${l}`, g.dW[l - 1]]);
        if (g.db) tables.push([`∂C/∂b${sup(l)} analytic`, `db${l}`, d.layers[l - 1].db], [`∂C/∂b${sup(l)} numerical`, `num_db${l}`, g.db[l - 1]]);
      }
      out.push({
        title: 'Gradient check',
        formulas: ['∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε', `relative error = ‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖) = ${sig(g.relative_error, 3)}`],
        note: `Per layer: ${(g.layer_errors || []).map((e, k) => `layer ${k + 1}: ${sig(e, 3)}`).join(', ')}. ${g.relative_error < 1e-6 ? 'The backward pass agrees with the numerical gradient.' : 'Larger than 1e-6: look at which layer disagrees.'}`,
        tables,
        check: true,
      });
    }
    return out;
  }

  update() {
    if (!this.data) return;
    const phases = this.phases();
    this.phase = Math.min(this.phase, phases.length - 1);
    this.nav.replaceChildren();
    const prev = button('◀ Previous', () => this.go(this.phase - 1));
    prev.disabled = this.phase === 0;
    prev.className = 'bp-prev';
    const next = button('Next ▶', () => this.go(this.phase + 1));
    next.disabled = this.phase === phases.length - 1;
    next.className = 'bp-next';
    const list = document.createElement('ol');
    phases.forEach((p, k) => {
      const li = document.createElement('li');
      const b = button(p.title, () => this.go(k));
      b.className = k === this.phase ? 'current' : '';
      if (k === this.phase) b.setAttribute('aria-current', 'step');
      li.append(b);
      list.append(li);
    });
    const head = document.createElement('div');
    head.className = 'bp-head';
    const info = document.createElement('span');
    const d = this.data;
    info.textContent = `Epoch ${d.epoch} · m = ${d.m} point${d.m === 1 ? '' : 's'} · phase ${this.phase + 1} of ${phases.length}`;
    head.append(prev, info, next);
    this.nav.append(head, list);
    this.body.replaceChildren();
    phases.forEach((p, k) => {
      const sec = document.createElement('section');
      sec.className = 'bp-phase';
      sec.dataset.phase = p.title;
      sec.hidden = k !== this.phase;
      const h = document.createElement('h3');
      h.textContent = p.title;
      sec.append(h);
      for (const f of p.formulas) {
        const code = document.createElement('p');
        code.className = 'formula';
        code.textContent = f;
        sec.append(code);
      }
      if (p.note) {
        const n = document.createElement('p');
        n.className = 'bp-phase-note';
        n.textContent = p.note;
        sec.append(n);
      }
      const grid = document.createElement('div');
      grid.className = 'bp-tables';
      for (const [label, name, M] of p.tables) grid.append(matrixTable(label, name, M));
      sec.append(grid);
      if (p.apply && this.stepFn && this.store.get('role') === 'owner') {
        sec.append(button('Apply: train one epoch', async () => { await this.stepFn(); this.phase = 0; }, 'bp-apply'));
      }
      this.body.append(sec);
    });
  }

  go(k) {
    this.phase = Math.max(0, k);
    this.loop.invalidate(this);
  }
}

function button(text, fn, className = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener('click', fn);
  return b;
}

/** A table of a matrix (at most MAX_COLS columns shown), full values in data-v. */
export function matrixTable(label, name, M) {
  const fig = document.createElement('figure');
  fig.className = 'bp-matrix';
  fig.dataset.matrix = name;
  const rows = M.length;
  const cols = rows ? M[0].length : 0;
  const cap = document.createElement('figcaption');
  cap.textContent = `${label}  (${rows}×${cols})`;
  const table = document.createElement('table');
  let maxAbs = 1e-12;
  for (const row of M) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v));
  const shown = Math.min(cols, MAX_COLS);
  for (let r = 0; r < rows; r++) {
    const tr = document.createElement('tr');
    for (let c = 0; c < shown; c++) {
      const td = document.createElement('td');
      const v = M[r][c];
      td.textContent = sig(v, 4);
      td.dataset.v = String(v);
      td.title = `${label}[${r + 1},${c + 1}] = ${v}`;
      td.style.backgroundColor = css(weightColor(v, maxAbs), 0.35);
      tr.append(td);
    }
    if (cols > shown) {
      const td = document.createElement('td');
      td.className = 'more';
      td.textContent = r === 0 ? `… ${cols - shown} more` : '';
      tr.append(td);
    }
    table.append(tr);
  }
  fig.append(cap, table);
  return fig;
}

