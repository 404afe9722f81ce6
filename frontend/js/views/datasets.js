// views/datasets.js — the dataset picker: one button per built-in dataset with a thumbnail of
// its shape (preview points from thumbs.js; the selected one shows the session's real points),
// grouped by problem, the selected one marked. Datasets with the same points share one tile.
// Leaves out: changing the session (the onPick callback does).

import { classColor, css, makeScale } from '../colors.js';
import { previewPoints } from '../thumbs.js';
import { fitCanvas } from './paint.js';

/**
 * Datasets shown by another one's tile: the tutorial's "XNOR" has the XOR table's labels
 * (0, 1, 1, 0), so one tile ("XOR table") stands for both; the tutorial's presets keep their
 * dataset's name.
 */
const SHOWN_AS = { xnor: 'xor_table' };

/** The tile that stands for dataset `name`. */
function tileFor(name) {
  return SHOWN_AS[name] || name;
}

export class DatasetPicker {
  constructor(root, store, loop, { onPick }) {
    this.root = root;
    this.store = store;
    this.loop = loop;
    this.onPick = onPick;
    this.key = null;
    root.classList.add('dataset-picker');
    store.on(['datasets', 'config', 'dataset'], () => loop.invalidate(this));
  }

  reset() {
    this.key = null;
    this.loop.invalidate(this);
  }

  update() {
    const all = this.store.get('datasets') || [];
    const list = all.filter((d) => tileFor(d.name) === d.name || !all.some((o) => o.name === tileFor(d.name)));
    const key = list.map((d) => d.name).join(',');
    if (key !== this.key) {
      this.key = key;
      this._build(list);
    }
    const config = this.store.get('config');
    const current = config && tileFor(config.dataset.name);
    for (const [name, { button, canvas, info }] of this.buttons) {
      const on = name === current;
      button.classList.toggle('selected', on);
      button.setAttribute('aria-pressed', String(on));
      const ds = this.store.get('dataset');
      if (on && ds && tileFor(ds.name) === name) this._draw(canvas, info, [...ds.train, ...ds.test], ds.domain, ds.problem);
    }
  }

  _build(list) {
    this.root.replaceChildren();
    this.buttons = new Map();
    for (const info of list) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'dataset';
      button.title = `${info.title}: ${info.description}`;
      // The name holds the words shown (WCAG 2.5.3) and the full title.
      const short = shortTitle(info);
      button.setAttribute('aria-label', `Dataset ${short === info.title ? '' : `${short}: `}${info.title} (${info.problem})`);
      const canvas = document.createElement('canvas');
      const label = document.createElement('span');
      label.textContent = short;
      button.append(canvas, label);
      button.addEventListener('click', () => this.onPick(info.name));
      this.root.append(button);
      this.buttons.set(info.name, { button, canvas, info });
    }
    requestAnimationFrame(() => {
      for (const { canvas, info } of this.buttons.values()) {
        this._draw(canvas, info, previewPoints(info.name), info.domain, info.problem);
      }
      this.loop.invalidate(this);
    });
  }

  _draw(canvas, info, points, domain, problem) {
    const { ctx, width, height } = fitCanvas(canvas);
    ctx.fillStyle = 'rgb(248, 248, 248)';
    ctx.fillRect(0, 0, width, height);
    const [x0, x1, y0, y1] = domain;
    const scale = makeScale(-1, 1);
    const labels = points.map((p) => (Array.isArray(p.label) ? p.label[0] : p.label));
    const lo = Math.min(...labels);
    const hi = Math.max(...labels);
    const reg = problem === 'regression' ? makeScale(lo >= 0 && hi <= 1 ? 0 : -1, 1) : scale;
    const r = points.length <= 10 ? 3.5 : 1.6;
    points.forEach((p, k) => {
      const x = ((p.x1 - x0) / (x1 - x0)) * width;
      const y = ((y1 - p.x2) / (y1 - y0)) * height;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = css(problem === 'regression' ? reg(labels[k]) : classColor(labels[k]));
      ctx.fill();
    });
  }
}

function shortTitle(info) {
  const map = { xor_table: 'XOR table', and: 'AND', or: 'OR', circle_unit: 'Tut. circle', sin_regression: 'Tut. sine', worked_example: '2-2-2', multi_gaussian: 'Multi Gauss', blobs3: '3 blobs', gaussians: 'Gaussians' };
  return map[info.name] || info.title;
}
