// main.js — boots the playground page: reads the URL hash, opens the session, creates the
// renderers (the speed control, the suggested-setup line, the stop condition, the timeline
// scrubber, the diagnostics' advice and divergence toast, the point tools, your own data's
// import and export and the regression figures among them)
// and binds them to the one store, keeps the hash in step with the configuration,
// turns clicks on the output into point edits, and handles the keyboard (space = play/pause,
// s = step, unless the focused control uses that key itself). Leaves out: everything it
// delegates (start.js, session.js, views/).

import { parseHash, serializeHash } from './hash.js';
import { Session } from './session.js';
import { startPage } from './start.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';
import { LossChart } from './views/losschart.js';
import { MatricesView } from './views/matrices.js';
import { BackpropView } from './views/backprop.js';
import { DatasetPicker } from './views/datasets.js';
import { LegendView } from './views/legend.js';
import { ControlsView } from './views/controls.js';
import { editPoints } from './edit.js';
import { ShareView } from './views/share.js';
import { SpeedControl } from './views/speed.js';
import { SetupLine } from './views/setupline.js';
import { StopAtControl } from './views/stopat.js';
import { RunNote } from './views/runnote.js';
import { Timeline } from './timeline.js';
import { Scrubber } from './views/scrubber.js';
import { AdviceView } from './views/advice.js';
import { DivergenceToast } from './views/divergence.js';
import { OutputNote } from './views/outputnote.js';
import { PresentMode } from './present.js';
import { ProgressAnnouncer } from './views/announce.js';
import { TablesView } from './views/tables.js';
import { PointTools } from './views/pointtools.js';
import { DataImport } from './views/dataimport.js';
import { FitReadout } from './views/fitreadout.js';
import { ChallengeView } from './views/challenge.js';

const $ = (id) => document.getElementById(id);

/** Where a typed letter belongs to the focused control (a field, a menu's type-ahead). */
const TAKES_LETTERS = 'input, select, textarea, dialog, [contenteditable]:not([contenteditable="false"])';
/** Where Space belongs to the focused control: those, and whatever Space presses or scrolls. */
const TAKES_SPACE = `${TAKES_LETTERS}, button, a[href], summary, [role="button"], [role="link"]`;

/** Whether `key` on the focused `target` is left to it rather than taken as a shortcut. */
function ownKey(target, key) {
  return Boolean(target && target.closest && target.closest(key === ' ' ? TAKES_SPACE : TAKES_LETTERS));
}

async function boot() {
  const started = await startPage();
  if (!started) return;
  const { store, api, parsed, loop } = started;
  store.update({ hide: parsed.hide, debug: parsed.debug });
  const session = new Session(store, api);
  const timeline = new Timeline(store, api);
  new PresentMode({ button: $('present') }, store);

  const controls = new ControlsView(document, store, loop, session);
  const pointTools = new PointTools({
    options: $('toolOptions'), draw: $('drawSwitch'), drawToggle: $('touchDraw'), residuals: $('residualsOption'),
    residualsToggle: $('residuals'), hint: $('toolHint'),
  }, store, loop);
  const views = {
    controls,
    datasets: new DatasetPicker($('datasets'), store, loop, { onPick: (name) => session.setDataset({ name }) }),
    network: new NetworkView($('network'), store, loop, {
      editable: true,
      onToggleFeature: (f) => controls.toggleFeature(f),
      onNeurons: (h, d) => controls.changeNeurons(h, d),
      onEditParameter: (edit) => { timeline.live(); return session.editParameter(edit); },
    }),
    heatmap: new HeatmapView($('heatmap'), store, loop, {
      readout: $('hoverReadout'),
      onEdit: async (edit) => {
        if (store.get('hide').includes('edit')) return;
        const s = store.state;
        if (!s.dataset) return;
        const points = editPoints(s.dataset, edit, {
          tool: pointTools.tool(), problem: s.dataset.problem, nClasses: s.dataset.n_classes, showTest: s.ui.showTest,
        });
        if (!points) {
          store.notify('A dataset needs at least one training point.', 'info');
          return;
        }
        await session.putPoints(points);
      },
    }),
    loss: new LossChart($('loss'), store, loop, {
      readout: $('lossReadout'), logLoss: $('logScale'), logEpochs: $('logEpochs'), logEpochsNote: $('logEpochsNote'),
      key: $('lossKey'),
    }),
    speed: new SpeedControl({ input: $('pace'), output: $('paceOut') }, store, loop, {
      onPace: (pace) => session.setConfig({ pace }),
    }),
    setup: new SetupLine({ text: $('setupText'), keep: $('keepNetwork'), suggest: $('useSuggested') }, store, loop, {
      onKeep: () => session.keepMyNetwork(),
      onSuggest: () => session.useSuggested(),
    }),
    stopAt: new StopAtControl({ kind: $('stopKind'), value: $('stopValue'), unit: $('stopUnit') }, store, loop, {
      onStop: (stopAt) => session.setConfig({ stop_at: stopAt }),
    }),
    runNote: new RunNote($('runNote'), store, loop),
    scrubber: new Scrubber($('scrubber'), store, loop, timeline),
    advice: new AdviceView($('advice'), store, loop, { onAction: (action) => session.runAction(action) }),
    divergence: new DivergenceToast($('divergence'), store, loop, { onAction: (action) => session.runAction(action) }),
    progress: new ProgressAnnouncer($('progressLive'), store, loop),
    tables: new TablesView({ boundary: $('boundaryTable'), loss: $('lossTable'), matrices: $('matrixTables') }, store, loop, {
      toggles: [...document.querySelectorAll('.tables-toggle')],
    }),
    pointTools,
    dataImport: new DataImport({
      input: $('importPoints'), exportButton: $('exportPoints'), status: $('importStatus'), dropZone: $('outputPanel'),
    }, store, loop, session),
    fit: new FitReadout($('fitReadout'), store, loop),
    challenge: new ChallengeView($('challenge'), store, loop),
    legend: new LegendView($('legend'), store, loop),
    matrices: new MatricesView($('matrices'), store, loop),
    backprop: new BackpropView($('backprop'), store, loop, {
      fetch: (body) => session.backprop(timeline.withEpoch(body)),
      step: () => session.step(1),
      isOpen: () => $('backpropPanel').open,
    }),
    share: new ShareView({
      dialog: $('shareDialog'), openButton: $('share'), close: $('closeShare'), link: $('watchLink'),
      watchLink: $('watchAnchor'), dashboardLink: $('dashboardAnchor'), copyLink: $('copyLink'), qr: $('qr'), viewers: $('viewers'),
      badge: $('watchers'), exportButton: $('exportModel'), importInput: $('importModel'),
      curlButton: $('curl'), pythonButton: $('python'), snippet: $('snippet'), copySnippet: $('copySnippet'),
    }, store, loop, session),
  };

  views.outputNote = new OutputNote($('heatmap'), store, loop); // over the output's canvases

  // The URL hash follows the configuration (replaceState: no history entry per change).
  const writeHash = () => {
    if (!store.get('config') || !store.get('id')) return;
    const hash = serializeHash({ id: store.get('id'), config: store.get('config'), ui: store.get('ui'), hide: store.get('hide') });
    if (hash !== location.hash) history.replaceState(null, '', hash);
  };
  store.on(['config', 'id', 'ui', 'hide'], writeHash);
  window.addEventListener('hashchange', () => {
    const next = parseHash(location.hash);
    if (next.id !== store.get('id') || next.preset) {
      location.reload();
      return;
    }
    store.update({ hide: next.hide });
    store.setUi(next.ui);
    const changes = {};
    const spec = store.get('config');
    for (const [k, v] of Object.entries(next.config)) {
      if (k === 'dataset') {
        const merged = { ...spec.dataset, ...v };
        if (JSON.stringify(merged) !== JSON.stringify(spec.dataset)) changes.dataset = merged;
      } else if (JSON.stringify(v) !== JSON.stringify(spec[k])) changes[k] = v;
    }
    if (Object.keys(changes).length) session.setConfig(changes);
  });

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || ownKey(e.target, e.key)) return;
    if (e.key === ' ') {
      e.preventDefault();
      if (!store.get('hide').includes('run')) session.toggle();
    } else if (e.key === 's' || e.key === 'S') {
      e.preventDefault();
      if (store.get('status') !== 'running') session.step(1);
    }
  });

  $('backpropPanel').addEventListener('toggle', () => {
    if ($('backpropPanel').open) views.backprop.scheduleCompute();
  });
  // The backward pass follows the epoch the scrubber shows.
  let backpropEpoch = null;
  store.on(['scrub'], () => {
    const scrub = store.get('scrub');
    const shown = scrub ? scrub.shown : null;
    if (shown === backpropEpoch) return;
    backpropEpoch = shown;
    if ($('backpropPanel').open) views.backprop.scheduleCompute();
  });

  try {
    await session.boot(parsed);
    writeHash();
    for (const v of Object.values(views)) loop.invalidate(v);
  } catch (err) {
    store.notify(`The playground could not start: ${err.message}`);
  }
}

boot();
