// dashboard.js — boots the class dashboard (dashboard.html#id=<the teacher's session>): with
// the session's token (saved by this browser when it created the session) it follows the
// owner's stream with `forks=true`, whose `forks` messages (at most once a second) carry one
// row per fork; the leaderboard, the counts and the challenge follow them. A row's click opens
// that fork's watch page in one named window (the projector's), "Show my session" the
// teacher's own.
// Leaves out: the rows' meaning (forkrows.js), the table (views/leaderboard.js), and any
// change to a session (the dashboard only reads).

import { savedToken } from './session.js';
import { startPage } from './start.js';
import { Stream } from './stream.js';
import { count } from './format.js';
import { Leaderboard } from './views/leaderboard.js';
import { ChallengeView } from './views/challenge.js';

const $ = (id) => document.getElementById(id);
const PROJECTOR = 'nnp-projector'; // the one window the projector shows

/** The header: how many forks, how many met the challenge, the teacher's own session. */
class ClassFigures {
  constructor(store, loop) {
    this.store = store;
    this.loop = loop;
    store.on(['forks', 'epoch', 'status', 'challenge', 'connection', 'forksAt'], () => loop.invalidate(this));
  }

  reset() { this.loop.invalidate(this); }

  update() {
    const s = this.store.state;
    const forks = s.forks || [];
    $('forkCount').textContent = count(forks.length);
    const met = forks.filter((r) => r.challenge && r.challenge.met).length;
    $('metCount').textContent = s.challenge ? `${count(met)} of ${count(forks.length)}` : 'no challenge';
    $('teacherEpoch').textContent = `epoch ${count(s.epoch)}`;
    $('status').textContent = s.status;
    $('status').className = `status ${s.status}`;
    $('connection').textContent = { open: '', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'offline' }[s.connection] || '';
  }
}

function showOnProjector(store, id) {
  const projector = window.open(`watch.html#id=${encodeURIComponent(id)}`, PROJECTOR);
  if (!projector) store.notify('The browser blocked the projector window: allow pop-ups for this page.');
  store.update({ shown: id });
}

function follow(store, id, token) {
  const stream = new Stream(id, { token, since: () => 2 ** 31, query: 'forks=true' });
  stream.addEventListener('connection', (e) => store.update({ connection: e.detail.state }));
  stream.addEventListener('message', (e) => {
    const msg = e.detail;
    if (msg.type === 'hello') store.applySummary(msg.session);
    else if (msg.type === 'forks') store.update({ forks: msg.rows, forksAt: Date.now() });
    else if (msg.type === 'status') store.update({ status: msg.status, epoch: msg.epoch });
    else if (msg.type === 'epochs') store.update({ epoch: msg.ends[msg.ends.length - 1] });
    else if (msg.type === 'challenge') store.update({ challenge: msg });
    else if (msg.type === 'error') store.notify(msg.code === 'wrong_token'
      ? 'This browser does not own the session: open the dashboard from the teacher\'s playground (Share → Class dashboard).'
      : msg.message);
  });
  stream.open();
  return stream;
}

async function boot() {
  const started = await startPage({ page: 'dashboard', forks: [], forksAt: 0, shown: null, sort: { key: 'challenge', dir: 'asc' } });
  if (!started) return;
  const { store, parsed, loop } = started;
  const views = {
    figures: new ClassFigures(store, loop),
    challenge: new ChallengeView($('challenge'), store, loop, { goalOnly: true }),
    board: new Leaderboard({ table: $('leaderboard'), empty: $('empty') }, store, loop, {
      onShow: (fork) => showOnProjector(store, fork),
    }),
  };
  if (!parsed.id) {
    store.notify('This dashboard link has no session id (#id=…): open it from the Share dialog.');
    return;
  }
  const token = savedToken(parsed.id);
  if (!token) {
    $('empty').textContent = 'This browser does not hold the session\'s token: open the dashboard from the browser that created the session (Share → Class dashboard).';
    return;
  }
  $('showTeacher').addEventListener('click', () => showOnProjector(store, parsed.id));
  setInterval(() => { // how fresh the rows are, in words (the stream sends them once a second)
    const at = store.get('forksAt');
    $('freshness').textContent = at ? `last change ${Math.max(0, Math.round((Date.now() - at) / 1000))} s ago` : '';
  }, 1000);
  follow(store, parsed.id, token);
  for (const v of Object.values(views)) loop.invalidate(v);
}

boot();
