// session.js — the controller between the server and the store: opens (creates, re-opens or
// forks) a session, a new one with the suggested setup of its dataset (GET /api/datasets)
// under the link's options; follows its display stream (epoch buckets into the history,
// refilling any gap from /history; binary snapshot frames decoded in order; status and its
// message, resets, viewer counts, diagnostics, the challenge met; live frames kept aside
// while a past epoch is shown), and carries out what the person asks: play, pause, step,
// reset, option changes (live ones, the speed and the stop condition among them, over the
// stream, the rest by PATCH), a dataset with its suggested setup (and the undo of that),
// presets, point editing and imported points, parameter editing, model import/export, fork,
// backprop, the action of a diagnostics finding.
// Leaves out: drawing (views/) and the DOM; errors become store notices in words.

import { Api, describeError } from './api.js';
import {
  FIRST_DATASET, LIVE_KEYS, diffConfig, replacedBy, suggestedSetup, toConfigIn, usesSetup,
} from './config.js';
import { editParameter } from './modeljson.js';
import { SnapshotFrames } from './snapshot.js';
import { Stream } from './stream.js';

const TOKEN_KEY = (id) => `nnp.token.${id}`;

export function savedToken(id) {
  try { return localStorage.getItem(TOKEN_KEY(id)); } catch { return null; }
}

function saveToken(id, token) {
  try { localStorage.setItem(TOKEN_KEY(id), token); } catch { /* private mode: memory only */ }
}

/**
 * The configuration of a new session from a link's (partial) one: the suggested setup of the
 * link's dataset (the first visit's: FIRST_DATASET's) with the link's options over it.
 */
export function startingConfig(datasets, linkConfig = {}) {
  const name = (linkConfig.dataset && linkConfig.dataset.name) || FIRST_DATASET;
  return { ...suggestedSetup(datasets, name), ...linkConfig, dataset: { ...linkConfig.dataset, name } };
}

/** A preset's session from the page: the tutorial's run played at its dataset's suggested pace. */
function presetBody(store, name, linkConfig = {}) {
  const preset = (store.get('presets') || []).find((p) => p.name === name);
  const setup = preset && suggestedSetup(store.get('datasets'), preset.spec.dataset.name);
  const config = { ...(setup ? { pace: setup.pace } : {}), ...linkConfig };
  return Object.keys(config).length ? { preset: name, config } : { preset: name };
}

export class Session {
  constructor(store, api = new Api()) {
    this.store = store;
    this.api = api;
    this.stream = null;
    this.queue = Promise.resolve(); // epoch messages are handled in order
    this.refining = false; // a restarted stream's replay is to replace the history
    this.refinedAt = 0; // the last epoch of the history when it was last replaced
    this.frames = new SnapshotFrames((snap) => {
      // While a past epoch is shown (timeline.js), the live frame waits in liveSnapshot.
      const shown = store.get('scrub') ? {} : { snapshot: snap };
      store.update({ liveSnapshot: snap, ...shown, ...(snap.epoch > store.get('epoch') ? { epoch: snap.epoch } : {}) });
    }, { onError: (err) => store.notify(`A snapshot from the server could not be read: ${err.message}`) });
  }

  // ---- opening -------------------------------------------------------------------------

  /** Main page: open the hash's session if this browser owns it, else fork it, else create. */
  async boot(parsedHash) {
    let parsed = parsedHash;
    const { store, api } = this;
    const [datasets, presets] = await Promise.all([
      api.datasets().catch(() => []), api.presets().catch(() => []),
    ]);
    store.update({ datasets, presets });
    let created = null;
    if (parsed.id) {
      const token = savedToken(parsed.id);
      try {
        if (token) {
          api.token = token;
          const summary = await api.summary(parsed.id);
          this._adopt(parsed.id, token, summary);
        } else {
          created = await api.fork(parsed.id);
          store.notify('You opened someone else\'s session: this is your own copy of it.', 'info');
        }
      } catch (err) {
        if (!(err.status === 404)) throw err;
        store.notify('That session no longer exists on the server; a new one was made from the link\'s settings.', 'info');
      }
    }
    if (!store.get('id') && !created) {
      const body = parsed.preset ? presetBody(store, parsed.preset, parsed.config)
        : { config: startingConfig(datasets, parsed.config) };
      try {
        created = await api.create(body);
        if (parsed.preset) this._presetLoaded(parsed.preset);
      } catch (err) {
        if (!(err.status >= 400 && err.status < 500) || (!Object.keys(parsed.config).length && !parsed.preset)) throw err;
        store.notify(`${err.message.replace(/\.?$/, '.')} The default playground was opened instead.`);
        created = await api.create({ config: startingConfig(datasets) });
        parsed = { ...parsed, config: {}, preset: null };
      }
    }
    if (created) {
      saveToken(created.id, created.token);
      this._adopt(created.id, created.token, created.session);
    }
    // The link's options win over a re-opened or forked session's (the URL is the truth).
    const changes = {};
    const spec = store.get('config');
    for (const key of diffConfig(spec, parsed.config)) {
      if (key === 'dataset') {
        const merged = { ...spec.dataset, ...parsed.config.dataset };
        if (JSON.stringify(merged) !== JSON.stringify(spec.dataset)) changes.dataset = parsed.config.dataset;
      } else changes[key] = parsed.config[key];
    }
    if (Object.keys(changes).length && !parsed.preset) await this.setConfig(changes, { quiet: true });
    await this.loadDataset();
    this.connect();
  }

  /** Watch page: follow a session read-only. */
  async watch(id) {
    const { store, api } = this;
    const summary = await api.summary(id);
    store.update({ id, token: null });
    store.applySummary(summary);
    await this.loadDataset();
    this.connect();
  }

  _adopt(id, token, summary) {
    this.api.token = token;
    this.store.update({ id, token });
    this.store.applySummary(summary);
  }

  connect() {
    if (this.stream) this.stream.close();
    const { store } = this;
    store.resetHistory();
    this.frames.drop();
    this.refining = false;
    this.refinedAt = 0;
    const stream = new Stream(store.get('id'), {
      token: store.get('token'),
      since: () => (this.refining ? 0 : store.history.last),
      detail: 'display',
    });
    this.stream = stream;
    stream.addEventListener('connection', (e) => store.update({ connection: e.detail.state }));
    stream.addEventListener('message', (e) => this._onMessage(e.detail));
    stream.addEventListener('frame', (e) => { if (this.stream === stream) this.frames.push(e.detail); });
    stream.open();
  }

  // ---- the stream ----------------------------------------------------------------------

  _onMessage(msg) {
    const { store } = this;
    switch (msg.type) {
      case 'hello':
        if (msg.session.epoch < store.history.last) store.resetHistory();
        store.applySummary(msg.session);
        // The token goes in an `auth` message after the hello, which says "watcher" until then:
        // an owner stays one across a reconnect (an auth error says otherwise).
        store.update({ watchers: msg.watchers, role: store.get('role') === 'owner' && store.get('token') ? 'owner' : msg.role });
        break;
      case 'epochs':
        if (msg.fit) store.update({ fit: { ...msg.fit, epoch: msg.ends[msg.ends.length - 1] } }); // a regression's R², RMSE
        this.queue = this.queue.then(() => this._epochs(msg)).catch((err) => store.notify(describeError(err.body) || err.message));
        break;
      case 'status': {
        if (msg.reset) {
          store.resetHistory();
          this.frames.drop();
          this._refresh();
        }
        store.update({
          status: msg.status,
          message: msg.message ?? null,
          epoch: Math.max(msg.epoch, msg.reset ? 0 : store.history.last),
        });
        if (msg.reset) this.refinedAt = 0;
        else if (msg.status !== 'running') this.queue = this.queue.then(() => this._refine(true));
        break;
      }
      case 'watchers':
        store.update({ watchers: msg.count });
        break;
      case 'diagnostics':
        store.applyDiagnostics(msg, msg.version);
        break;
      case 'challenge':
        store.update({ challenge: msg });
        break;
      case 'ack':
        if (msg.command === 'auth') store.update({ role: 'owner' });
        break;
      case 'error':
        if (msg.command === 'auth') store.update({ role: 'watcher' });
        store.notify(describeError(msg));
        break;
      default:
        break;
    }
  }

  async _epochs(msg) {
    const { store } = this;
    if (this.refining && msg.first === 1) { // the restarted stream's replay (older ones are later)
      this.refining = false;
      if (store.replaceHistory(msg) === 'ok') return 'ok';
    }
    let result = store.appendEpochs(msg);
    if (result === 'ok') this._refine(store.get('status') !== 'running');
    if (result === 'gap') {
      const hist = await this.api.history(store.get('id'), store.history.last);
      store.appendEpochs(hist, { perEpoch: true });
      result = store.appendEpochs(msg);
    }
    return result;
  }

  /**
   * A fast run's live buckets are as wide as one message's epochs: once the history has
   * doubled since it was last replaced (or when the run stops), and only if it is coarse,
   * the stream is restarted from epoch 0 so its replay (fine at the start, for a log axis)
   * replaces the history.
   */
  _refine(stopped = false) {
    const h = this.store.history;
    if (this.refining || !this.stream || !(h.last >= 2 * this.refinedAt || (stopped && h.last > this.refinedAt))) return;
    if (!h.coarse()) return;
    this.refinedAt = h.last;
    this.refining = true; // before the restart: it asks since() at once
    if (!this.stream.restart()) this.refining = false;
  }

  /** After a reset seen on the stream: the spec and the data may have changed. */
  async _refresh() {
    try {
      const summary = await this.api.summary(this.store.get('id'));
      this.store.applySummary(summary);
      await this.loadDataset();
    } catch (err) {
      this.store.notify(err.message);
    }
  }

  async loadDataset() {
    const ds = await this.api.dataset(this.store.get('id'));
    this.store.update({ dataset: ds });
  }

  // ---- commands --------------------------------------------------------------------------

  async _command(obj) {
    try {
      return await this.stream.command(obj);
    } catch (err) {
      this.store.notify(err.body ? describeError(err.body) : `Could not ${obj.type}: ${err.message}.`);
      return null;
    }
  }

  play() { return this._command({ type: 'start' }); }

  pause() { return this._command({ type: 'pause' }); }

  toggle() {
    return this.store.get('status') === 'running' ? this.pause() : this.play();
  }

  step(epochs = 1) { return this._command({ type: 'step', epochs }); }

  reset() { return this._command({ type: 'reset' }); }

  /**
   * Carry out a diagnostics finding's action: its commands in order (`set` as setConfig does
   * it, `reset`), stopping at the first refused; true if all were done.
   */
  async runAction(action) {
    for (const c of action.commands) {
      const done = c.type === 'reset' ? await this.reset() : c.type === 'set' ? await this.setConfig(c.changes) : null;
      if (!done) return false;
    }
    return true;
  }

  /**
   * Change options. Live ones (learning rate, regularisation, batch, optimiser, speed, stop
   * condition) go over the stream when it is open; anything else by PATCH, which resets the
   * run. A change other than the speed or the stop condition ends "this is the preset" and
   * the undo of a suggested setup, unless `keep`.
   */
  async setConfig(changes, { quiet = false, keep = false } = {}) {
    const { store, api } = this;
    const keys = Object.keys(changes);
    const live = keys.every((k) => LIVE_KEYS.has(k));
    if (!keep && keys.some((k) => k !== 'pace' && k !== 'stop_at')) store.update({ preset: null, setupUndo: null });
    try {
      if (live && this.stream && this.stream.canCommand) {
        await this.stream.command({ type: 'set', changes });
        store.update({ config: { ...store.get('config'), ...changes } });
        return true;
      }
      store.update({ busy: true });
      const summary = await api.patch(store.get('id'), changes);
      store.applySummary(summary);
      if (summary.reset && !(this.stream && this.stream.isOpen)) store.resetHistory();
      if (changes.dataset) await this.loadDataset();
      return true;
    } catch (err) {
      if (!quiet || err.status !== 404) store.notify(err.body ? describeError(err.body) : err.message);
      store.update({ config: { ...store.get('config') } }); // controls re-read the truth
      return false;
    } finally {
      store.update({ busy: false });
    }
  }

  /**
   * Change the dataset options (name, noise, ratio, seed, n_points). Another dataset comes
   * with its suggested setup (network options and speed); what that replaced is kept so
   * keepMyNetwork() can put it back.
   */
  async setDataset(partial) {
    const { store } = this;
    const config = store.get('config');
    const current = config.dataset;
    const next = { name: current.name, noise: current.noise, seed: current.seed, ratio: current.ratio, n_points: current.n_points, ...partial };
    if (!partial.name || partial.name === current.name) return this.setConfig({ dataset: next });
    delete next.n_points; // the new dataset's own size and ratio
    delete next.ratio;
    const setup = suggestedSetup(store.get('datasets'), partial.name);
    if (!setup) return this.setConfig({ dataset: next });
    const undo = usesSetup(config, setup) ? null : { dataset: partial.name, options: replacedBy(config, setup) };
    const ok = await this.setConfig({ ...setup, dataset: next });
    if (ok) store.update({ setupUndo: undo });
    return ok;
  }

  /** After a switch to a suggested setup: the network and settings had before, on the new data. */
  async keepMyNetwork() {
    const undo = this.store.get('setupUndo');
    if (!undo) return false;
    return this.setConfig(undo.options);
  }

  /** The suggested setup of the current dataset (its speed included). */
  useSuggested() {
    const setup = suggestedSetup(this.store.get('datasets'), this.store.get('config').dataset.name);
    return setup ? this.setConfig(setup) : Promise.resolve(false);
  }

  _presetLoaded(name) {
    const preset = (this.store.get('presets') || []).find((p) => p.name === name);
    const loaded = preset ? { name, title: preset.title, description: preset.description || '' } : null;
    this.store.update({ preset: loaded, setupUndo: null });
  }

  /** Start a new session from a preset (the old one is deleted). */
  async loadPreset(name) {
    const { store, api } = this;
    const old = { id: store.get('id'), token: store.get('token') };
    try {
      store.update({ busy: true });
      const created = await api.create(presetBody(store, name));
      saveToken(created.id, created.token);
      this._adopt(created.id, created.token, created.session);
      this._presetLoaded(name);
      store.update({ snapshot: null, liveSnapshot: null });
      await this.loadDataset();
      this.connect();
      if (old.id && old.token) {
        const oldApi = new Api(api.base);
        oldApi.token = old.token;
        oldApi.request('DELETE', `/sessions/${old.id}`, { auth: true }).catch(() => {});
      }
    } catch (err) {
      store.notify(err.message);
    } finally {
      store.update({ busy: false });
    }
  }

  /**
   * Replace the points (train and test); the session resets. `dataset`: the built-in dataset
   * whose problem and classes the points take, switched to in the same request (imported
   * points). Returns null when taken, else the refusal in words (also a notice); a refused
   * request leaves the session as it was.
   */
  async putPoints(points, { dataset = null } = {}) {
    const { store, api } = this;
    const switching = Boolean(dataset) && dataset !== store.get('config').dataset.name;
    try {
      const ds = await api.putDataset(store.get('id'), switching ? { ...points, dataset } : points);
      store.update({ dataset: ds });
      if (switching) {
        store.update({ preset: null, setupUndo: null });
        store.applySummary(await api.summary(store.get('id')));
      }
      return null;
    } catch (err) {
      store.notify(err.message);
      return err.message;
    }
  }

  /** Set one weight (kind 'W') or bias ('b') by re-importing the edited model. */
  async editParameter(edit) {
    const { store, api } = this;
    try {
      if (store.get('status') === 'running') await this.pause();
      const text = await api.modelText(store.get('id'));
      const summary = await api.putModelText(store.get('id'), editParameter(text, edit));
      store.applySummary(summary);
      return true;
    } catch (err) {
      store.notify(err.message);
      return false;
    }
  }

  exportModel() { return this.api.modelText(this.store.get('id')); }

  async importModel(text) {
    try {
      JSON.parse(text);
    } catch {
      this.store.notify('That file is not JSON: export a model from this page or from GET /model.');
      return false;
    }
    try {
      const summary = await this.api.putModelText(this.store.get('id'), text);
      this.store.applySummary(summary);
      await this.loadDataset();
      return true;
    } catch (err) {
      this.store.notify(err.message);
      return false;
    }
  }

  /**
   * Fork the current session (under `nickname`, shown on the teacher's dashboard); returns
   * {id, token} (the token is saved for this browser).
   */
  async fork(nickname = '') {
    const created = await this.api.fork(this.store.get('id'), nickname.trim() || null);
    saveToken(created.id, created.token);
    return created;
  }

  backprop(body) { return this.api.backprop(this.store.get('id'), body); }

  configIn() { return toConfigIn(this.store.get('config')); }
}
