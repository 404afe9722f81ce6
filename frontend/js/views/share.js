// views/share.js — classroom sharing and reproducing: the Share dialog (a watch link students
// can open, its QR code, the viewer count), model export (download) and import (file), and the
// "copy as curl" / Python snippets. The link's base comes from the server (GET /api/share:
// NNP_PUBLIC_URL, else the host this page was opened with unless it is loopback, else the LAN
// address); when students cannot reach it the dialog says why and how, and shows no QR code.
// The QR code is the server's (GET /api/qr.svg, drawn by segno).
// The dialog links to the class dashboard of this session's forks (dashboard.html).
// Leaves out: the watch page itself (watch.js) and fork (the watch page's button).

import { WATCHING_TITLE, watching } from '../format.js';
import { curlSnippet, pythonSnippet } from '../snippets.js';
import { download } from '../download.js';

const LOOPBACK_ONLY = 'This server only listens on this computer; start it with ';
const IN_CONTAINER = 'This server runs in a container: this may be the container\'s own address. If students cannot open it, set ';
const PROXIED = 'Students cannot open a link to this computer\'s own address. ';

function code(text) {
  const el = document.createElement('code');
  el.textContent = text;
  return el;
}

/** The warning's parts (text and <code>) when students may not reach the link, or null. */
export function reachWarning(reach) {
  if (!reach) return null;
  if (reach.reachable) {
    return reach.container && reach.source === 'network'
      ? [IN_CONTAINER, code('NNP_PUBLIC_URL'), ' to the host\'s address and published port.']
      : null;
  }
  const where = reach.lan_url
    ? [': ', code(reach.lan_url)]
    : [' (no network address was found: is this computer connected to a network?)'];
  if (reach.loopback_only) {
    return [LOOPBACK_ONLY, code('nnplayground serve --host 0.0.0.0'), ' (or ', code('make classroom'),
      ') and open the page via your network address', ...where];
  }
  return [PROXIED, 'Open the page via your network address', ...where,
    ', or set ', code('NNP_PUBLIC_URL'), ' to the address students use.'];
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
   * @param {{dialog, openButton, link, watchLink, dashboardLink, copyLink, qr (an <img>), viewers, exportButton, importInput,
   *          curlButton, pythonButton, snippet}} els
   */
  constructor(els, store, loop, session) {
    this.els = els;
    this.store = store;
    this.loop = loop;
    this.session = session;
    this.reach = null; // GET /api/share, asked each time the dialog opens
    this.shown = { reach: null, url: '' };
    this.warning = els.dialog.querySelector('.reach-warning');
    els.openButton.addEventListener('click', () => {
      this.loop.invalidate(this);
      els.dialog.showModal();
      this.loadReach();
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
    const base = this.reach ? this.reach.base : location.origin;
    return `${base}/watch.html#id=${this.store.get('id')}`;
  }

  async loadReach() {
    try {
      this.reach = await this.session.api.request('GET', '/share');
    } catch (err) {
      this.store.notify(err.message);
      return;
    }
    this.loop.invalidate(this);
  }

  reset() {
    this.loop.invalidate(this);
  }

  update() {
    const { els, store } = this;
    if (!store.get('id')) return;
    const url = this.watchUrl();
    if (this.reach && (this.reach !== this.shown.reach || url !== this.shown.url)) this.showLink(url);
    const text = watching(store.get('watchers'));
    els.viewers.textContent = text;
    els.viewers.title = WATCHING_TITLE;
    els.badge.textContent = store.get('watchers') ? text : '';
    els.badge.title = WATCHING_TITLE;
  }

  showLink(url) {
    const { els, reach } = this;
    this.shown = { reach, url };
    els.link.value = url;
    els.watchLink.href = url;
    els.dashboardLink.href = `dashboard.html#id=${this.store.get('id')}`;
    const warning = reachWarning(reach);
    this.warning.hidden = !warning;
    this.warning.replaceChildren(...(warning || []));
    els.qr.hidden = !reach.reachable;
    const src = `${this.session.api.base}/api/qr.svg?url=${encodeURIComponent(url)}`;
    if (reach.reachable && els.qr.getAttribute('src') !== src) els.qr.src = src;
  }

  async exportModel() {
    try {
      const text = await this.session.exportModel();
      download(text, `nnplayground-${this.store.get('id')}-epoch${this.store.get('epoch')}.json`, 'application/json');
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
