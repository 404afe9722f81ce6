// views/share.js — classroom sharing and reproducing: the Share dialog (watch link, a QR code
// drawn locally by qr.js, the viewer count), model export (download) and import (file), and
// the "copy as curl" / Python snippets. Also drawQR(), used by the dialog.
// Leaves out: the watch page itself (watch.js) and fork (the watch page's button).

import { encodeQR } from '../qr.js';
import { WATCHING_TITLE, watching } from '../format.js';
import { curlSnippet, pythonSnippet } from '../snippets.js';

/** Draw a QR code for `text` on `canvas` with a 4-module quiet zone, `px` pixels per module. */
export function drawQR(canvas, text, px = 5) {
  const qr = encodeQR(text, { ecl: 'M' });
  const n = qr.size + 8;
  canvas.width = n * px;
  canvas.height = n * px;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (qr.modules[y * qr.size + x]) ctx.fillRect((x + 4) * px, (y + 4) * px, px, px);
    }
  }
  return qr;
}

async function copy(text, store) {
  try {
    await navigator.clipboard.writeText(text);
    store.notify('Copied.', 'info');
  } catch {
    store.notify('Copying was refused by the browser: select the text and copy it by hand.', 'info');
  }
}

export class ShareView {
  /**
   * @param {{dialog, openButton, link, copyLink, qr, viewers, exportButton, importInput,
   *          curlButton, pythonButton, snippet}} els
   */
  constructor(els, store, loop, session) {
    this.els = els;
    this.store = store;
    this.loop = loop;
    this.session = session;
    els.openButton.addEventListener('click', () => {
      this.loop.invalidate(this);
      els.dialog.showModal();
    });
    els.close.addEventListener('click', () => els.dialog.close());
    els.copyLink.addEventListener('click', () => copy(this.watchUrl(), store));
    els.exportButton.addEventListener('click', () => this.exportModel());
    els.importInput.addEventListener('change', () => this.importModel());
    els.curlButton.addEventListener('click', () => this.showSnippet('curl'));
    els.pythonButton.addEventListener('click', () => this.showSnippet('python'));
    els.copySnippet.addEventListener('click', () => copy(els.snippet.value, store));
    store.on(['id', 'watchers'], () => loop.invalidate(this));
  }

  watchUrl() {
    return `${location.origin}/watch.html#id=${this.store.get('id')}`;
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const { els, store } = this;
    if (!store.get('id')) return;
    const url = this.watchUrl();
    if (els.link.value !== url) {
      els.link.value = url;
      els.watchLink.href = url;
      drawQR(els.qr, url);
    }
    const text = watching(store.get('watchers'));
    els.viewers.textContent = text;
    els.viewers.title = WATCHING_TITLE;
    els.badge.textContent = store.get('watchers') ? text : '';
    els.badge.title = WATCHING_TITLE;
  }

  async exportModel() {
    try {
      const text = await this.session.exportModel();
      const blob = new Blob([text], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `nnplayground-${this.store.get('id')}-epoch${this.store.get('epoch')}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (err) {
      this.store.notify(err.message);
    }
  }

  async importModel() {
    const file = this.els.importInput.files[0];
    if (!file) return;
    const text = await file.text();
    this.els.importInput.value = '';
    if (await this.session.importModel(text)) this.store.notify(`Model ${file.name} loaded.`, 'info');
  }

  showSnippet(kind) {
    const spec = this.store.get('config');
    const base = location.origin;
    const ds = this.store.get('dataset');
    const options = { epochs: this.store.get('epoch') || 0, custom: Boolean(ds && ds.custom) };
    const text = kind === 'curl' ? curlSnippet(base, spec, options) : pythonSnippet(base, spec, options);
    this.els.snippet.value = text;
    this.els.snippet.hidden = false;
    this.els.copySnippet.hidden = false;
  }
}
