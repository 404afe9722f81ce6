// views/setupline.js — one line near the run controls saying what the page trains with: the
// suggested setup of the dataset ("Suggested setup for Circle: tanh [4, 2], learning rate
// 0.3, 50 epochs/s", the speed in use named beside the suggested one when they differ), a
// preset (with its description: a lesson's question), or the person's own setup next to the
// suggested one. It offers "Keep my network" right after a dataset switch replaced the person's network (the
// undo the session keeps), and "Use the suggested setup" when the setup is their own. A
// switch that replaced the network is also told as a notice (on a phone the line is far
// above the dataset tiles).
// Leaves out: what the buttons do (the callbacks) and the suggested setups themselves (the
// server's GET /api/datasets).

import { suggestedSetup, usesSetup } from '../config.js';
import { featureLabel, features as allFeatures } from '../meta.js';
import { optionName, paceText, rate, stopsText } from '../format.js';

const lowerFirst = (t) => (/^[A-Z][a-z]/.test(t) ? t[0].toLowerCase() + t.slice(1) : t);

/** A setup (config options) in a few words: "tanh [4, 2], learning rate 0.3, 50 epochs/s". */
export function describeSetup(setup) {
  const parts = [`${lowerFirst(optionName(setup.hidden_activation))} [${setup.hidden_layers.join(', ')}]`];
  const f = setup.features || [];
  if (f.join() !== 'x1,x2') {
    parts.push(f.length === allFeatures().length ? `all ${f.length} input features` : `inputs ${f.map(featureLabel).join(', ')}`);
  }
  parts.push(`learning rate ${rate(setup.learning_rate)}`);
  if (setup.optimizer && setup.optimizer !== 'sgd') parts.push(optionName(setup.optimizer));
  if (setup.batch_size != null) parts.push(`batches of ${setup.batch_size}`);
  if (setup.regularization && setup.regularization !== 'none') parts.push(`${optionName(setup.regularization)} ${rate(setup.reg_rate)}`);
  if (setup.pace !== undefined) parts.push(paceText(setup.pace));
  return parts.join(', ');
}

/** The speed in use, and the suggested one when they differ. */
function paceWords(pace, suggested) {
  const now = paceText(pace ?? null);
  return suggested === undefined || (pace ?? null) === suggested ? now : `${now} (suggested: ${paceText(suggested)})`;
}

export class SetupLine {
  /**
   * @param {{text: HTMLElement, keep: HTMLButtonElement, suggest: HTMLButtonElement}} elements
   * @param {Store} store
   * @param {FrameLoop} loop
   * @param {{onKeep: Function, onSuggest: Function}} callbacks
   */
  constructor({ text, keep, suggest }, store, loop, { onKeep, onSuggest }) {
    Object.assign(this, { text, keep, suggest, store, loop });
    keep.addEventListener('click', () => onKeep());
    suggest.addEventListener('click', () => onSuggest());
    store.on(['config', 'datasets', 'preset', 'setupUndo'], () => loop.invalidate(this));
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const s = this.store.state;
    if (!s.config) return;
    const info = (s.datasets || []).find((d) => d.name === s.config.dataset.name);
    const setup = suggestedSetup(s.datasets, s.config.dataset.name);
    const title = info ? info.title : s.config.dataset.name;
    const stops = stopsText(s.config.stop_at);
    const stopping = stops ? `; stops at ${stops}` : '';
    let line;
    let own = false;
    if (s.preset) {
      const lesson = s.preset.description ? ` ${s.preset.description}` : ''; // a lesson's question
      line = `Preset “${s.preset.title}”: ${describeSetup(s.config)}${stopping}.${lesson}`;
    } else if (!setup) {
      line = `${title}: ${describeSetup(s.config)}${stopping}.`;
    } else if (usesSetup(s.config, setup)) {
      const network = describeSetup({ ...setup, pace: undefined });
      line = `Suggested setup for ${title}: ${network}, ${paceWords(s.config.pace, setup.pace)}${stopping}.`;
    } else {
      own = true;
      line = `Your own setup on ${title}. Suggested for it: ${describeSetup(setup)}.`;
    }
    if (this.text.textContent !== line) this.text.textContent = line;
    const undo = s.setupUndo && s.setupUndo.dataset === s.config.dataset.name && !own;
    if (undo && this.announced !== s.setupUndo) {
      this.announced = s.setupUndo;
      this.store.notify(`${line} “Keep my network” (under the top bar) puts yours back.`, 'info');
    }
    this.keep.hidden = !undo;
    this.suggest.hidden = !own;
  }
}
