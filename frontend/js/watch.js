// watch.js — boots the read-only watch page (watch.html#id=<id>): follows a session live over
// the stream (output, network, loss chart, weight matrices), shows the epoch, status and
// settings (the speed too), why a run stopped, its challenge and the diagnostics' advice, lets
// the student rewind and replay the run (reading past epochs only), and offers Fork (a copy
// owned by this browser under an optional nickname, opened in the playground). It has no
// control that changes the watched session:
// only view toggles (test points, discretize, the loss chart's axes).
// Leaves out: everything shared with the main page (start.js, session.js, views/).

import { serializeHash } from './hash.js';
import { Session } from './session.js';
import { startPage } from './start.js';
import { limits } from './meta.js';
import { WATCHING_TITLE, count, paceText, rate, watching } from './format.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';
import { LossChart } from './views/losschart.js';
import { MatricesView } from './views/matrices.js';
import { LegendView } from './views/legend.js';
import { RunNote } from './views/runnote.js';
import { Timeline } from './timeline.js';
import { Scrubber } from './views/scrubber.js';
import { AdviceView } from './views/advice.js';
import { DivergenceToast } from './views/divergence.js';
import { OutputNote } from './views/outputnote.js';
import { PresentMode } from './present.js';
import { ProgressAnnouncer } from './views/announce.js';
import { TablesView } from './views/tables.js';
import { ChallengeView } from './views/challenge.js';

const $ = (id) => document.getElementById(id);

/** The header of the watch page: epoch, status, settings, viewers, connection. */
class WatchHeader {
  constructor(store, loop) {
    this.store = store;
    this.loop = loop;
    store.on(['epoch', 'status', 'config', 'layers', 'watchers', 'connection', 'problem', 'nClasses', 'ui'], () => loop.invalidate(this));
  }

  reset() { this.loop.invalidate(this); }

  update() {
    const s = this.store.state;
    $('epoch').textContent = count(s.epoch);
    $('status').textContent = s.status;
    $('status').className = `status ${s.status}`;
    if (s.config) {
      $('arch').textContent = `[${s.layers.join(', ')}]`;
      $('datasetName').textContent = s.config.dataset.name;
      $('lrOut').textContent = rate(s.config.learning_rate);
      $('actOut').textContent = s.config.hidden_activation;
      $('paceOut').textContent = paceText(s.config.pace);
    }
    $('problem').textContent = s.problem === 'regression' ? 'Regression' : 'Classification';
    $('watchers').textContent = watching(s.watchers);
    $('watchers').title = WATCHING_TITLE;
    $('connection').textContent = { open: '', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'offline' }[s.connection] || '';
    $('showTest').checked = s.ui.showTest;
    $('discretize').checked = s.ui.discretize;
  }
}

async function boot() {
  const started = await startPage({ page: 'watch' });
  if (!started) return;
  const { store, api, parsed, loop } = started;
  const session = new Session(store, api);
  const timeline = new Timeline(store, api); // reads only: a rewind never touches the session
  new PresentMode({ button: $('present') }, store);
  const views = {
    header: new WatchHeader(store, loop),
    network: new NetworkView($('network'), store, loop, { editable: false }),
    heatmap: new HeatmapView($('heatmap'), store, loop, { readout: $('hoverReadout') }),
    loss: new LossChart($('loss'), store, loop, {
      readout: $('lossReadout'), logLoss: $('logScale'), logEpochs: $('logEpochs'), logEpochsNote: $('logEpochsNote'),
      key: $('lossKey'),
    }),
    runNote: new RunNote($('runNote'), store, loop),
    scrubber: new Scrubber($('scrubber'), store, loop, timeline),
    advice: new AdviceView($('advice'), store, loop), // the sentence, no action button
    divergence: new DivergenceToast($('divergence'), store, loop),
    progress: new ProgressAnnouncer($('progressLive'), store, loop),
    tables: new TablesView({ boundary: $('boundaryTable'), loss: $('lossTable'), matrices: $('matrixTables') }, store, loop, {
      toggles: [...document.querySelectorAll('.tables-toggle')],
    }),
    challenge: new ChallengeView($('challenge'), store, loop),
    legend: new LegendView($('legend'), store, loop),
    matrices: new MatricesView($('matrices'), store, loop),
  };
  views.outputNote = new OutputNote($('heatmap'), store, loop); // over the output's canvases
  $('showTest').addEventListener('change', (e) => store.setUi({ showTest: e.target.checked }));
  $('discretize').addEventListener('change', (e) => store.setUi({ discretize: e.target.checked }));
  $('nickname').maxLength = limits().maxNicknameChars;
  $('fork').addEventListener('click', () => $('forkDialog').showModal());
  $('forkCancel').addEventListener('click', () => $('forkDialog').close());
  $('forkForm').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('forkConfirm').disabled = true;
    try {
      const created = await session.fork($('nickname').value);
      location.href = `/${serializeHash({ id: created.id, config: created.session.spec })}`;
    } catch (err) {
      store.notify(err.message);
      $('forkConfirm').disabled = false;
    }
  });
  if (!parsed.id) {
    store.notify('This watch link has no session id (#id=…).');
    return;
  }
  try {
    await session.watch(parsed.id);
    for (const v of Object.values(views)) loop.invalidate(v);
  } catch (err) {
    store.notify(err.message);
  }
}

boot();
