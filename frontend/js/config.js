// config.js — the session configuration vocabulary shared by the page and its pure modules:
// defaults (the server's, i.e. the tutorial's), the menus' option lists, which options apply
// live.
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
});

export const LOSSES = ['auto', 'mse', 'bce', 'cce'];
export const INITS = ['he', 'xavier', 'uniform'];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'];
export const REGULARIZATIONS = ['none', 'l1', 'l2'];
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

/** Options the server applies without resetting the run. */
export const LIVE_KEYS = new Set([
  'learning_rate', 'batch_size', 'regularization', 'reg_rate', 'optimizer', 'momentum',
]);

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
