// views/dataimport.js — your own data on the page: a file chooser and a drop target (the output
// panel) for a CSV or JSON file of points (two files: the second, or the one named "test", is
// the test split), read by dataio.js, checked against the server's point limit, and sent with
// the built-in dataset whose problem and classes they take; and a button that downloads the
// current points (generated or edited) as CSV. What happened, or why nothing did, is said in
// a status line beside the buttons (and as a notice for a refusal).
// Leaves out: parsing (dataio.js) and the request (session.putPoints); a refused file changes
// nothing, since nothing is sent until the whole file has been read and checked.

import {
  DataError, hostDataset, parsePoints, problemOf, putBody, toCsv, withTestFile,
} from '../dataio.js';
import { download } from '../download.js';
import { count } from '../format.js';
import { limits } from '../meta.js';

/** The files in the order [points, test points]: a pair's file named "test" goes second. */
function ordered(files) {
  const list = [...files];
  if (list.length === 2 && /test/i.test(list[0].name) && !/test/i.test(list[1].name)) list.reverse();
  return list;
}

export class DataImport {
  /** @param {{input, exportButton, status, dropZone}} els */
  constructor(els, store, loop, session) {
    this.els = els;
    this.store = store;
    this.loop = loop;
    this.session = session;
    els.input.addEventListener('change', async () => {
      const files = [...els.input.files];
      els.input.value = '';
      if (files.length) await this.importFiles(files);
    });
    els.exportButton.addEventListener('click', () => this.exportCsv());
    const zone = els.dropZone;
    const carriesFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    zone.addEventListener('dragover', (e) => {
      if (!carriesFiles(e) || !this.editable()) return;
      e.preventDefault();
      zone.classList.add('drop-target');
    });
    zone.addEventListener('dragleave', (e) => {
      if (!zone.contains(e.relatedTarget)) zone.classList.remove('drop-target');
    });
    zone.addEventListener('drop', (e) => {
      zone.classList.remove('drop-target');
      if (!carriesFiles(e) || !this.editable()) return;
      e.preventDefault();
      this.importFiles([...e.dataTransfer.files]);
    });
    store.on(['dataset', 'role', 'hide'], () => loop.invalidate(this));
  }

  editable() {
    const s = this.store.state;
    return s.role !== 'watcher' && !s.hide.includes('edit');
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    this.els.exportButton.disabled = !this.store.get('dataset');
  }

  say(text, kind = 'info') {
    this.els.status.textContent = text;
    this.els.status.className = `import-status ${kind}`;
  }

  /** Read, check and send `files` ([points] or [points, test points]); returns whether taken. */
  async importFiles(files) {
    const list = ordered(files);
    if (list.length > 2) {
      this.say('Not imported: choose one file of points, or two (the points, then the test points).', 'error');
      return false;
    }
    const parsed = [];
    for (const file of list) {
      try {
        parsed.push(parsePoints(await file.text(), file.name));
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        this.say(`Not imported, nothing changed: ${file.name}, ${err.message}.`, 'error');
        return false;
      }
    }
    let points;
    let kind;
    let host;
    try {
      points = withTestFile(parsed[0], parsed[1]);
      kind = problemOf(points);
      const config = this.store.get('config');
      host = hostDataset(this.store.get('datasets') || [], config && config.dataset.name, kind);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      this.say(`Not imported, nothing changed: ${err.message}.`, 'error');
      return false;
    }
    const n = points.train.length + points.test.length;
    const max = limits().maxPoints;
    if (max && n > max) {
      this.say(`Not imported, nothing changed: ${count(n)} points, and this server takes at most ${count(max)} (NNP_MAX_POINTS).`, 'error');
      return false;
    }
    this.say(`Sending ${count(n)} points…`);
    const refusal = await this.session.putPoints(putBody(points), { dataset: host });
    if (refusal) {
      this.say(`Not imported, nothing changed: ${refusal}`, 'error');
      return false;
    }
    const what = kind.problem === 'regression' ? 'regression targets' : `${kind.nClasses} classes`;
    const info = (this.store.get('datasets') || []).find((d) => d.name === host);
    this.say(`Imported ${count(points.train.length)} training and ${count(points.test.length)} test points (${what}) `
      + `from ${list.map((f) => f.name).join(' and ')}${info ? `, in place of the “${info.title}” points` : ''}.`, 'ok');
    return true;
  }

  exportCsv() {
    const ds = this.store.get('dataset');
    if (!ds) return;
    download(toCsv(ds), `${ds.name}${ds.custom ? '-custom' : ''}-points.csv`, 'text/csv');
    this.say(`Downloaded ${count(ds.train.length + ds.test.length)} points as CSV (x1, x2, ${ds.problem === 'regression' ? 'target' : 'label'}, split).`, 'ok');
  }
}
