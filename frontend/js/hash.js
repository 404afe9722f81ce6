// hash.js — the URL hash as the page's whole state: session id, every configuration option
// (network seed and dataset seed included, the speed and the stop condition too), view
// toggles (projector mode, `present`, among them) and the controls hidden for a class.
// Pure: parseHash(string) and serializeHash(object) do no I/O and touch no DOM; the features
// and activations they accept are the server's (meta.js).
// Leaves out: custom (clicked or imported) data points, which live on the server with the
// session: a link with the id brings them (the watch page shows them, the playground forks them).

import {
  DEFAULT_CONFIG, INITS, LOSSES, OPTIMIZERS, REGULARIZATIONS, STOP_KINDS, cloneConfig,
} from './config.js';
import { features, hiddenActivations, outputChoices } from './meta.js';

/** A feature's name in the hash, letters and digits only: x1^2 -> x1sq, x1*x2 -> x1x2. */
export function featureCode(name) {
  return name.replace(/\^2/g, 'sq').replace(/\^/g, 'pow').replace(/[^A-Za-z0-9]/g, '');
}

function featureNamed(code) {
  return features().find((f) => featureCode(f) === code);
}

/** View options kept in the hash, with their defaults (omitted from the hash when default). */
export const DEFAULT_UI = Object.freeze({
  // logEpochs: null = chosen by the run's length (the loss chart's rule), else the person's
  showTest: false, discretize: false, logScale: false, logEpochs: null, output: 0, present: false,
});

/** Names of the control groups that `hide=` may hide (classroom use). */
export const HIDEABLE = [
  'run', 'presets', 'data', 'dataset', 'noise', 'ratio', 'regenerate', 'features', 'layers',
  'activation', 'output', 'loss', 'lr', 'reg', 'batch', 'optimizer', 'seed', 'reset', 'edit',
  'matrices', 'backprop', 'export', 'share', 'speed', 'stop',
];

const MAX_PACE = 1e6; // the server's bound; "max" (null) is full speed

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const NAME_RE = /^[a-z0-9_]{1,64}$/;

function num(text, { min = -Infinity, max = Infinity, int = false } = {}) {
  if (text === '' || text == null) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max) return undefined;
  if (int && !Number.isInteger(v)) return undefined;
  return v;
}

function oneOf(text, list) {
  return list.includes(text) ? text : undefined;
}

/** "epoch:10000,test_accuracy:0.95" -> {epoch: 10000, test_accuracy: 0.95}; "none" -> null. */
function stopAt(text) {
  if (text === 'none') return null;
  const out = {};
  for (const part of text.split(',')) {
    const [kind, raw] = part.split(':');
    if (!STOP_KINDS[kind] || kind in out) return undefined;
    const accuracy = kind.endsWith('accuracy');
    const v = num(raw, { min: kind === 'epoch' ? 1 : 0, max: accuracy ? 1 : Infinity, int: kind === 'epoch' });
    if (v === undefined) return undefined;
    out[kind] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function bool(text) {
  if (text === '1' || text === 'true' || text === '') return true;
  if (text === '0' || text === 'false') return false;
  return undefined;
}

/**
 * Parse a location hash ("#id=...&lr=0.1&..."). Returns
 * `{id, preset, config, ui, hide, debug, invalid}` where `config` holds only the options the
 * hash sets (validated; a bad value is skipped and its key listed in `invalid`).
 */
export function parseHash(hash) {
  const text = (hash || '').replace(/^#/, '');
  const params = new URLSearchParams(text);
  // present is always set, so a hash without it leaves projector mode (hashchange)
  const out = { id: null, preset: null, config: {}, ui: { present: false }, hide: [], debug: false, invalid: [] };
  const config = out.config;
  const dataset = {};
  const bad = (key) => out.invalid.push(key);
  const set = (obj, field, key, value) => {
    if (value === undefined) bad(key);
    else obj[field] = value;
  };
  for (const [key, raw] of params) {
    switch (key) {
      case 'id': set(out, 'id', key, ID_RE.test(raw) ? raw : undefined); break;
      case 'preset': set(out, 'preset', key, NAME_RE.test(raw) ? raw : undefined); break;
      case 'dataset': set(dataset, 'name', key, NAME_RE.test(raw) ? raw : undefined); break;
      case 'points': set(dataset, 'n_points', key, num(raw, { min: 1, max: 1e6, int: true })); break;
      case 'noise': set(dataset, 'noise', key, num(raw, { min: 0, max: 0.5 })); break;
      case 'ratio': set(dataset, 'ratio', key, num(raw, { min: 0.1, max: 1 })); break;
      case 'dseed': set(dataset, 'seed', key, num(raw, { min: 0, max: Number.MAX_SAFE_INTEGER, int: true })); break;
      case 'layers': {
        const parts = raw === '' ? [] : raw.split(',').map((p) => num(p, { min: 1, max: 4096, int: true }));
        set(config, 'hidden_layers', key, parts.includes(undefined) ? undefined : parts);
        break;
      }
      case 'features': {
        const parts = raw.split(',').map(featureNamed);
        const ok = parts.length > 0 && !parts.includes(undefined);
        set(config, 'features', key, ok ? features().filter((f) => parts.includes(f)) : undefined);
        break;
      }
      case 'act': set(config, 'hidden_activation', key, oneOf(raw, hiddenActivations())); break;
      case 'out': set(config, 'output_activation', key, oneOf(raw, outputChoices())); break;
      case 'loss': set(config, 'loss', key, oneOf(raw, LOSSES)); break;
      case 'init': set(config, 'init', key, oneOf(raw, INITS)); break;
      case 'opt': set(config, 'optimizer', key, oneOf(raw, OPTIMIZERS)); break;
      case 'lr': set(config, 'learning_rate', key, num(raw, { min: Number.MIN_VALUE, max: 1000 })); break;
      case 'batch':
        set(config, 'batch_size', key, raw === 'full' ? null : num(raw, { min: 1, max: 1e6, int: true }));
        break;
      case 'reg': set(config, 'regularization', key, oneOf(raw, REGULARIZATIONS)); break;
      case 'regRate': set(config, 'reg_rate', key, num(raw, { min: 0, max: 1000 })); break;
      case 'momentum': set(config, 'momentum', key, num(raw, { min: 0, max: 0.999999 })); break;
      case 'seed': set(config, 'seed', key, num(raw, { min: 0, max: Number.MAX_SAFE_INTEGER, int: true })); break;
      case 'pace': set(config, 'pace', key, raw === 'max' ? null : num(raw, { min: Number.MIN_VALUE, max: MAX_PACE })); break;
      case 'stop': set(config, 'stop_at', key, stopAt(raw)); break;
      case 'test': set(out.ui, 'showTest', key, bool(raw)); break;
      case 'discrete': set(out.ui, 'discretize', key, bool(raw)); break;
      case 'log': set(out.ui, 'logScale', key, bool(raw)); break;
      case 'xlog': set(out.ui, 'logEpochs', key, bool(raw)); break;
      case 'output': set(out.ui, 'output', key, num(raw, { min: 0, max: 64, int: true })); break;
      case 'present': set(out.ui, 'present', key, bool(raw)); break;
      case 'hide':
        out.hide = raw.split(',').filter((h) => HIDEABLE.includes(h));
        break;
      case 'debug': out.debug = true; break;
      default: bad(key);
    }
  }
  if (Object.keys(dataset).length) config.dataset = dataset;
  return out;
}

function fmt(v) {
  return String(v);
}

/**
 * The hash for a page state `{id, config, ui, hide}` (config: a full spec). Every option is
 * written so a link reproduces the run; view options only when they differ from defaults.
 */
export function serializeHash({ id = null, config = DEFAULT_CONFIG, ui = {}, hide = [] } = {}) {
  const c = { ...cloneConfig(DEFAULT_CONFIG), ...cloneConfig(config) };
  const d = { ...DEFAULT_CONFIG.dataset, ...(config.dataset || {}) };
  const parts = [];
  const add = (k, v) => parts.push(`${k}=${encodeURIComponent(v)}`);
  if (id) add('id', id);
  add('dataset', d.name);
  if (d.n_points != null) add('points', fmt(d.n_points));
  add('noise', fmt(d.noise));
  if (d.ratio != null) add('ratio', fmt(d.ratio));
  add('dseed', fmt(d.seed));
  add('layers', c.hidden_layers.join(','));
  parts.push(`features=${c.features.map(featureCode).join(',')}`);
  add('act', c.hidden_activation);
  add('out', c.output_activation);
  add('loss', c.loss);
  add('init', c.init);
  add('opt', c.optimizer);
  add('lr', fmt(c.learning_rate));
  add('batch', c.batch_size == null ? 'full' : fmt(c.batch_size));
  add('reg', c.regularization);
  add('regRate', fmt(c.reg_rate));
  add('momentum', fmt(c.momentum));
  add('seed', fmt(c.seed));
  add('pace', c.pace == null ? 'max' : fmt(c.pace));
  if (c.stop_at && Object.keys(c.stop_at).length) {
    parts.push(`stop=${Object.entries(c.stop_at).map(([k, v]) => `${k}:${fmt(v)}`).join(',')}`);
  }
  const u = { ...DEFAULT_UI, ...ui };
  if (u.showTest) add('test', '1');
  if (u.discretize) add('discrete', '1');
  if (u.logScale) add('log', '1');
  if (u.logEpochs != null) add('xlog', u.logEpochs ? '1' : '0');
  if (u.output) add('output', fmt(u.output));
  if (hide.length) parts.push(`hide=${hide.filter((h) => HIDEABLE.includes(h)).join(',')}`);
  if (u.present) parts.push('present');
  return `#${parts.join('&')}`;
}

/** `hash` with the bare `present` flag added or removed, every other part kept as it is. */
export function withPresent(hash, on) {
  const parts = (hash || '').replace(/^#/, '').split('&').filter((p) => p && p.split('=')[0] !== 'present');
  if (on) parts.push('present');
  return parts.length ? `#${parts.join('&')}` : '';
}

/** A full configuration: the defaults overlaid with a parsed (partial) one. */
export function withDefaults(partial) {
  const c = { ...cloneConfig(DEFAULT_CONFIG), ...cloneConfig(partial || {}) };
  c.dataset = { ...DEFAULT_CONFIG.dataset, ...(partial && partial.dataset ? partial.dataset : {}) };
  return c;
}
