// views/challenge.js — the session's challenge on the playground and the watch page: its goal
// (the teacher's words, else the server's), a badge once the server has found it met on this
// session's own numbers ("Met at epoch 658"), and the rules the network breaks now ("8 hidden
// neurons: at most 3"). The store's `challenge` comes with every summary and the stream's
// `challenge` message (sent when it is met).
// Leaves out: checking it (the server does: GET /challenge) and the dashboard's column.

import { count } from '../format.js';

const RULES = {
  max_hidden_neurons: (c) => `${c.value} hidden neuron${c.value === 1 ? '' : 's'}: at most ${c.goal}`,
  max_hidden_layers: (c) => `${c.value} hidden layer${c.value === 1 ? '' : 's'}: at most ${c.goal}`,
  max_features: (c) => `${c.value} input features: at most ${c.goal}`,
  features: (c) => `features ${c.value.join(', ')}: only ${c.goal.join(', ')} allowed`,
  dataset: (c) => (c.value.own_points ? 'own points never count: the challenge\'s data only'
    : `the data changed: the challenge is set on ${c.goal.name} as it was`),
};

/** The rules of the network and the data that a challenge status says are broken, in words. */
export function brokenRules(status) {
  return (status.conditions || []).filter((c) => !c.ok && RULES[c.name]).map((c) => RULES[c.name](c));
}

/** The badge's words: met (when), or not yet. */
export function badgeText(status) {
  return status.met_at ? `✓ Met at epoch ${count(status.met_at.epoch)}` : 'Not met yet';
}

export class ChallengeView {
  /** `goalOnly`: the goal without this session's badge and rules (the dashboard's header). */
  constructor(el, store, loop, { goalOnly = false } = {}) {
    this.el = el;
    this.store = store;
    this.loop = loop;
    this.goalOnly = goalOnly;
    this.el.classList.add('challenge');
    this.label = Object.assign(document.createElement('span'), { className: 'challenge-label', textContent: 'Challenge' });
    this.goal = Object.assign(document.createElement('span'), { className: 'challenge-goal' });
    this.badge = Object.assign(document.createElement('span'), { className: 'challenge-badge' });
    this.rules = Object.assign(document.createElement('span'), { className: 'challenge-rules' });
    this.el.replaceChildren(this.label, this.goal, this.badge, this.rules);
    store.on(['challenge'], () => loop.invalidate(this));
  }

  reset() { this.loop.invalidate(this); }

  update() {
    const status = this.store.get('challenge');
    this.el.hidden = !status;
    if (!status) return;
    this.goal.textContent = status.text || status.goal;
    this.goal.title = status.goal;
    this.badge.textContent = badgeText(status);
    this.badge.className = `challenge-badge ${status.met_at ? 'met' : 'pending'}`;
    this.badge.hidden = this.goalOnly;
    const rules = status.met_at || this.goalOnly ? [] : brokenRules(status);
    this.rules.textContent = rules.length ? `Not counted yet: ${rules.join('; ')}` : '';
    this.rules.hidden = !rules.length;
  }
}
