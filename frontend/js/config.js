// config.js — the session configuration vocabulary shared by the page and its pure modules:
// defaults (the server's, i.e. the tutorial's), the menus' option lists (the speed control's
// paces among them), which options apply live, and a dataset's suggested setup (GET
// /api/datasets) as the page's starting point and in words.
// Leaves out: what the server says about itself (features, activations, limits: meta.js),
// talking to the server (api.js) and the URL format (hash.js).

export const DEFAULT_CONFIG = Object.freeze({
  hidden_layers: [4, 2],
  features: ['x1', 'x2'],
  hidden_activation: 'sigmoid',
  output_activation: 'auto',
  loss: 'auto',
  init: 'he',
  optimizer: 'sgd',
  learning_rate: 0.1,
  batch_size: null,
  regularization: 'none',
  reg_rate: 0,
  momentum: 0.9,
  seed: 0,
  dataset: Object.freeze({ name: 'circle', n_points: 200, noise: 0, ratio: 0.5, seed: 0 }),
  pace: null, // epochs a second while running; null: as fast as the server goes
  stop_at: null, // {epoch?, train_loss?, test_loss?, accuracy?, test_accuracy?}: Play pauses there
});

/** The page's dataset on a first visit (with that dataset's suggested setup). */
export const FIRST_DATASET = 'circle';

export const LOSSES = ['auto', 'mse', 'bce', 'cce'];
export const INITS = ['he', 'xavier', 'uniform'];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'];
export const REGULARIZATIONS = ['none', 'l1', 'l2'];
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** The speed control's stops in epochs a second (log scale); null is "max": full speed. */
export const PACES = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000, null];
/** Stop conditions: config key, whether the value is reached from above (losses). */
export const STOP_KINDS = Object.freeze({
  epoch: { below: false }, test_accuracy: { below: false }, accuracy: { below: false },
  test_loss: { below: true }, train_loss: { below: true },
});

/** Options the server applies without resetting the run. */
export const LIVE_KEYS = new Set([
  'learning_rate', 'batch_size', 'regularization', 'reg_rate', 'optimizer', 'momentum',
  'pace', 'stop_at',
]);

/** The options of a suggested setup that make it "the network" (pace and seed aside). */
const SETUP_KEYS = [
  'hidden_layers', 'features', 'hidden_activation', 'output_activation', 'loss', 'init',
  'optimizer', 'learning_rate', 'batch_size', 'regularization', 'reg_rate',
];

/** The suggested setup of dataset `name` in `datasets` (GET /api/datasets), or null. */
export function suggestedSetup(datasets, name) {
  const info = (datasets || []).find((d) => d.name === name);
  return info && info.suggested ? cloneConfig(info.suggested) : null;
}

/** Whether `config` uses the network options of `setup` (its pace and seed may differ). */
export function usesSetup(config, setup) {
  return Boolean(config && setup) && SETUP_KEYS.every((k) => setup[k] === undefined
    || JSON.stringify(config[k]) === JSON.stringify(setup[k]));
}

/** The options of `config` that switching to `setup` would change (to undo the switch). */
export function replacedBy(config, setup) {
  const out = {};
  for (const key of Object.keys(setup)) {
    if (key !== 'dataset' && JSON.stringify(config[key]) !== JSON.stringify(setup[key])) {
      out[key] = cloneConfig(config[key] ?? null);
    }
  }
  return out;
}

/** A deep copy of a configuration (plain JSON data). */
export function cloneConfig(config) {
  return JSON.parse(JSON.stringify(config));
}

/** The configuration as the API's ConfigIn accepts it (drops fields it refuses, e.g. dtype). */
export function toConfigIn(spec) {
  const out = {};
  for (const key of Object.keys(DEFAULT_CONFIG)) {
    if (spec[key] !== undefined) out[key] = spec[key];
  }
  if (spec.dataset) {
    const d = spec.dataset;
    out.dataset = { name: d.name, noise: d.noise, seed: d.seed };
    if (d.n_points != null) out.dataset.n_points = d.n_points;
    if (d.ratio != null) out.dataset.ratio = d.ratio;
  }
  return cloneConfig(out);
}

/** Keys of `b` whose values differ from `a` (deep, JSON equality); dataset compared as a whole. */
export function diffConfig(a, b) {
  const keys = [];
  for (const key of Object.keys(DEFAULT_CONFIG)) {
    if (b[key] === undefined) continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) keys.push(key);
  }
  return keys;
}
