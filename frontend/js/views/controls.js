// views/controls.js — the page's form controls bound to the store and the session: run buttons
// and epoch counter, learning rate, activation, regularisation, batch size, the data options
// (ratio, noise, regenerate, size, seeds), the extra options, hidden-layer count, view toggles,
// and the presets menu; controls named in the hash's hide= are hidden.
// update() re-reads every control from the store (so a refused change snaps back).
// Leaves out: the network diagram's own buttons (network.js) and what the actions do.

import {
  INITS, LEARNING_RATES, LOSSES, OPTIMIZERS, REGULARIZATIONS, REG_RATES,
} from '../config.js';
import { hiddenActivations, limits, outputChoices } from '../meta.js';
import { count, optionName, rate } from '../format.js';

const BATCHES = [null, 1, 2, 4, 8, 10, 16, 32, 64, 128];
function fill(select, values, label = optionName) {
  select.replaceChildren(...values.map((v) => {
    const o = document.createElement('option');
    o.value = v === null ? 'full' : String(v);
    o.textContent = v === null ? 'Full batch' : label(v);
    return o;
  }));
}

function ensureOption(select, value, text) {
  if (![...select.options].some((o) => o.value === value)) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    select.append(o);
  }
  select.value = value;
}

/** The run buttons, the epoch counter and the status: redrawn on every epoch, so kept small. */
export class RunView {
  constructor(doc, store, loop) {
    this.$ = (id) => doc.getElementById(id);
    this.store = store;
    this.loop = loop;
    store.on(['epoch', 'status', 'role', 'connection', 'token'], () => loop.invalidate(this));
  }

  reset() { this.loop.invalidate(this); }

  update() {
    const { $ } = this;
    const s = this.store.state;
    const running = s.status === 'running';
    const play = $('play');
    const label = running ? 'Pause' : 'Play';
    if (play.getAttribute('aria-label') !== label) play.setAttribute('aria-label', label);
    play.classList.toggle('running', running);
    const owner = s.role === 'owner' || (s.role === null && s.token);
    const off = !owner || s.connection !== 'open';
    play.disabled = off;
    $('reset').disabled = off;
    $('step').disabled = off || running;
    setText($('epoch'), count(s.epoch));
    setText($('status'), s.status);
    const cls = `status ${s.status}`;
    if ($('status').className !== cls) $('status').className = cls;
  }
}

/** Set an element's text only when it differs (a same-value write still costs a layout). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export class ControlsView {
  constructor(doc, store, loop, session) {
    this.doc = doc;
    this.store = store;
    this.loop = loop;
    this.session = session;
    const $ = (id) => doc.getElementById(id);
    this.$ = $;
    fill($('lr'), LEARNING_RATES, rate);
    fill($('activation'), hiddenActivations());
    fill($('reg'), REGULARIZATIONS);
    fill($('regRate'), REG_RATES, rate);
    fill($('batch'), BATCHES);
    fill($('outAct'), outputChoices());
    fill($('lossFn'), LOSSES);
    fill($('init'), INITS);
    fill($('optimizer'), OPTIMIZERS);

    $('play').addEventListener('click', () => session.toggle());
    $('step').addEventListener('click', () => session.step(1));
    $('reset').addEventListener('click', () => session.reset());
    const set = (id, key, parse) => $(id).addEventListener('change', (e) => session.setConfig({ [key]: parse(e.target.value) }));
    set('lr', 'learning_rate', Number);
    set('activation', 'hidden_activation', String);
    set('reg', 'regularization', String);
    set('regRate', 'reg_rate', Number);
    set('batch', 'batch_size', (v) => (v === 'full' ? null : Number(v)));
    set('outAct', 'output_activation', String);
    set('lossFn', 'loss', String);
    set('init', 'init', String);
    set('optimizer', 'optimizer', String);
    set('momentum', 'momentum', Number);
    set('seed', 'seed', (v) => Math.max(0, Math.floor(Number(v) || 0)));
    $('newSeed').addEventListener('click', () => session.setConfig({ seed: Math.floor(Math.random() * 1e9) }));
    $('ratio').addEventListener('input', (e) => { $('ratioOut').textContent = `${e.target.value}%`; });
    $('ratio').addEventListener('change', (e) => session.setDataset({ ratio: Number(e.target.value) / 100 }));
    $('noise').addEventListener('input', (e) => { $('noiseOut').textContent = e.target.value; });
    $('noise').addEventListener('change', (e) => session.setDataset({ noise: Number(e.target.value) / 100 }));
    $('points').addEventListener('change', (e) => session.setDataset({ n_points: Math.max(1, Math.floor(Number(e.target.value) || 1)) }));
    $('regenerate').addEventListener('click', () => session.setDataset({ seed: (store.get('config').dataset.seed || 0) + 1 }));
    $('addLayer').addEventListener('click', () => this.changeLayers(+1));
    $('removeLayer').addEventListener('click', () => this.changeLayers(-1));
    $('outputIndex').addEventListener('change', (e) => store.setUi({ output: Number(e.target.value) }));
    $('showTest').addEventListener('change', (e) => store.setUi({ showTest: e.target.checked }));
    $('discretize').addEventListener('change', (e) => store.setUi({ discretize: e.target.checked }));
    $('preset').addEventListener('change', (e) => {
      if (e.target.value) session.loadPreset(e.target.value);
      e.target.value = '';
    });
    store.on(['config', 'status', 'problem', 'nClasses', 'presets', 'ui', 'connection', 'busy', 'hide', 'layers', 'role'], () => loop.invalidate(this));
    this.run = new RunView(doc, store, loop);
  }

  changeLayers(delta) {
    const layers = [...this.store.get('config').hidden_layers];
    const { maxLayers } = limits();
    if (delta > 0) {
      if (layers.length >= maxLayers) {
        this.store.notify(`At most ${maxLayers} hidden layers on this server.`);
        return;
      }
      layers.push(layers.length ? layers[layers.length - 1] : 4);
    } else {
      if (!layers.length) return;
      layers.pop();
    }
    this.session.setConfig({ hidden_layers: layers });
  }

  /** Add or remove a neuron of hidden layer h (called by the network diagram). */
  changeNeurons(h, delta) {
    const layers = [...this.store.get('config').hidden_layers];
    const n = layers[h] + delta;
    if (n < 1) return;
    const { maxNeurons } = limits();
    if (n > maxNeurons) {
      this.store.notify(`At most ${maxNeurons} neurons per layer on this server.`);
      return;
    }
    layers[h] = n;
    this.session.setConfig({ hidden_layers: layers });
  }

  /** Switch an input feature on or off (at least one stays on). */
  toggleFeature(name) {
    const features = this.store.get('config').features;
    const next = features.includes(name) ? features.filter((f) => f !== name) : [...features, name];
    if (!next.length) {
      this.store.notify('At least one input feature must stay on.', 'info');
      return;
    }
    this.session.setConfig({ features: next });
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const { $, store } = this;
    const s = store.state;
    const c = s.config;
    if (!c) return;
    this.run.update();
    setText($('problem'), s.problem === 'regression' ? 'Regression' : s.nClasses > 2 ? `Classification (${s.nClasses} classes)` : 'Classification');
    ensureOption($('lr'), String(c.learning_rate), rate(c.learning_rate));
    $('activation').value = c.hidden_activation;
    $('reg').value = c.regularization;
    ensureOption($('regRate'), String(c.reg_rate), rate(c.reg_rate));
    ensureOption($('batch'), c.batch_size == null ? 'full' : String(c.batch_size), String(c.batch_size));
    $('outAct').value = c.output_activation;
    $('lossFn').value = c.loss;
    $('init').value = c.init;
    $('optimizer').value = c.optimizer;
    if (this.doc.activeElement !== $('momentum')) $('momentum').value = String(c.momentum);
    if (this.doc.activeElement !== $('seed')) $('seed').value = String(c.seed);
    const d = c.dataset;
    $('ratio').value = String(Math.round((d.ratio ?? 0.5) * 100));
    setText($('ratioOut'), `${Math.round((d.ratio ?? 0.5) * 100)}%`);
    $('noise').value = String(Math.round(d.noise * 100));
    setText($('noiseOut'), String(Math.round(d.noise * 100)));
    if (this.doc.activeElement !== $('points')) $('points').value = String(d.n_points ?? '');
    setText($('dseed'), String(d.seed));
    const n = c.hidden_layers.length;
    setText($('layerCount'), `${n} hidden layer${n === 1 ? '' : 's'}`);
    $('addLayer').disabled = n >= limits().maxLayers;
    $('removeLayer').disabled = n === 0;
    $('showTest').checked = s.ui.showTest;
    $('discretize').checked = s.ui.discretize;
    this.doc.body.classList.toggle('busy', s.busy);
    const conn = $('connection');
    setText(conn, { open: '', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'offline' }[s.connection] || '');
    if (conn.className !== `connection ${s.connection}`) conn.className = `connection ${s.connection}`;
    this._presets();
    this._outputs();
    for (const el of this.doc.querySelectorAll('[data-hide]')) {
      const hide = s.hide.includes(el.dataset.hide);
      if (el.hidden !== hide) el.hidden = hide;
    }
  }

  /** A regression with several outputs: choose which one the heatmap shows. */
  _outputs() {
    const s = this.store.state;
    const n = s.layers[s.layers.length - 1];
    const show = s.problem === 'regression' && n > 1;
    this.$('outputPick').hidden = !show;
    if (!show) return;
    const select = this.$('outputIndex');
    if (select.options.length !== n) {
      select.replaceChildren(...Array.from({ length: n }, (_, k) => new Option(`${k + 1} of ${n}`, String(k))));
    }
    select.value = String(Math.min(s.ui.output || 0, n - 1));
  }

  /** The presets menu; where the tutorial's "XNOR" examples are listed, it says once what they are. */
  _presets() {
    const select = this.$('preset');
    const presets = this.store.get('presets') || [];
    if (select.options.length === presets.length + 1) return;
    const group = document.createElement('optgroup');
    group.label = presets.some((p) => /xnor/i.test(p.title))
      ? 'Presets (the tutorial\'s “XNOR” labels 0, 1, 1, 0 are XOR\'s)'
      : 'Presets';
    group.append(...presets.map((p) => {
      const o = new Option(p.title, p.name);
      o.title = p.description;
      return o;
    }));
    select.replaceChildren(new Option('Load a preset…', ''), group);
  }
}
