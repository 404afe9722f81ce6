// state.js — the page's one state store: session identity and role, configuration, run status
// and its message (why a run stopped), its challenge, the snapshot shown (decoded grids; the
// live one or a rewound epoch's), the diagnostics, the dataset, the loss history (buckets),
// view options, the undo of a switch to a suggested setup, notices.
// Every change goes through update() and is announced as a 'change' event whose detail.keys
// lists what changed; history appends announce 'history'; messages for the person 'notice'.
// Leaves out: talking to the server (api.js, stream.js) and drawing (views/).

import { LossHistory } from './history.js';
import { DEFAULT_UI } from './hash.js';

export class Store extends EventTarget {
  constructor(initial = {}) {
    super();
    this.history = new LossHistory();
    this.state = {
      page: 'main', // 'main' or 'watch'
      id: null,
      token: null,
      role: null, // 'owner' | 'watcher' once the stream said hello
      config: null, // the session's spec
      summary: null, // the last summary from the server
      status: 'idle',
      message: null, // the server's word on the status (e.g. which stop condition was met)
      epoch: 0,
      problem: 'classification',
      nClasses: 2,
      layers: [2, 4, 2, 1],
      network: null, // the engine configuration (resolved activations and loss)
      connection: 'closed', // 'connecting' | 'open' | 'reconnecting' | 'closed'
      watchers: 0,
      snapshot: null, // the snapshot shown: the live one, or a past epoch's (timeline.js)
      liveSnapshot: null, // the latest live snapshot
      scrub: null, // a past epoch shown instead of the live run (timeline.js), else null
      diagnostics: null, // why the network is stuck (docs/protocol.md, Diagnostics), with its version
      fit: null, // a regression's R² and RMSE from the last live epochs message
      dataset: null,
      datasets: [],
      presets: [],
      ui: { ...DEFAULT_UI, tool: 0 },
      hide: [],
      debug: false,
      tables: false, // the canvases' values shown as tables (views/tables.js)
      busy: false,
      preset: null, // {name, title, description} of the preset this page loaded, until a setting changes
      setupUndo: null, // {dataset, options}: what a switch to a suggested setup replaced
      challenge: null, // the session's challenge status (GET /challenge's answer), if it has one
      ...initial,
    };
  }

  get(key) {
    return this.state[key];
  }

  /** Merge `patch` into the state and announce the keys whose values changed identity. */
  update(patch) {
    const keys = [];
    for (const [k, v] of Object.entries(patch)) {
      if (this.state[k] !== v) {
        this.state[k] = v;
        keys.push(k);
      }
    }
    if (keys.length) this.dispatchEvent(new CustomEvent('change', { detail: { keys } }));
    return keys;
  }

  /** Change view options (merged into state.ui). */
  setUi(patch) {
    this.update({ ui: { ...this.state.ui, ...patch } });
  }

  /** Take in a session summary (REST or the stream's hello). */
  applySummary(summary) {
    if (!summary) return;
    this.update({
      summary,
      config: summary.spec,
      status: summary.status,
      message: summary.message ?? null,
      epoch: summary.epoch,
      problem: summary.problem,
      nClasses: summary.n_classes,
      layers: summary.layers,
      network: summary.network,
      ...(summary.watchers != null ? { watchers: summary.watchers } : {}),
      ...(summary.challenge !== undefined ? { challenge: summary.challenge } : {}),
    });
    if (summary.diagnostics) this.applyDiagnostics(summary.diagnostics, summary.version);
  }

  /** Take in diagnostics (a summary's or the stream's) unless newer ones are held. */
  applyDiagnostics(diagnostics, version) {
    const held = this.state.diagnostics;
    if (held && version != null && held.version > version) return;
    this.update({ diagnostics: { ...diagnostics, version } });
  }

  /**
   * Add an `epochs` message (or, `perEpoch`, a REST /history answer) to the loss history;
   * returns what LossHistory.append says.
   */
  appendEpochs(msg, { perEpoch = false } = {}) {
    const result = perEpoch ? this.history.appendEpochs(msg) : this.history.append(msg);
    if (result === 'ok') {
      const last = this.history.last;
      if (last > this.state.epoch) this.update({ epoch: last });
      this.dispatchEvent(new CustomEvent('history', { detail: { last } }));
    }
    return result;
  }

  /** A whole new history from one `epochs` message (a replay from epoch 1). */
  replaceHistory(msg) {
    const fresh = new LossHistory();
    const result = fresh.append(msg);
    if (result !== 'ok') return result;
    this.history = fresh;
    this.dispatchEvent(new CustomEvent('history', { detail: { last: fresh.last } }));
    return result;
  }

  /** The run was reset: the history starts again. */
  resetHistory() {
    this.history.reset();
    this.dispatchEvent(new CustomEvent('history', { detail: { last: 0, reset: true } }));
  }

  /** A message for the person (kind: 'error' | 'info'). */
  notify(message, kind = 'error') {
    this.dispatchEvent(new CustomEvent('notice', { detail: { message, kind } }));
  }

  /** Subscribe to changes of some keys; returns the unsubscribe function. */
  on(keys, fn) {
    const wanted = new Set(keys);
    const handler = (e) => {
      if (e.detail.keys.some((k) => wanted.has(k))) fn(e.detail.keys);
    };
    this.addEventListener('change', handler);
    return () => this.removeEventListener('change', handler);
  }
}
