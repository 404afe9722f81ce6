// start.js — what both pages do first: a store with its notices view, the server's limits and
// vocabulary (meta.js, needed before the URL hash can be read), the hash read against them,
// and the frame loop. Leaves out: everything page-specific (main.js, watch.js).

import { Api } from './api.js';
import { FrameLoop } from './frame.js';
import { parseHash } from './hash.js';
import { loadMeta } from './meta.js';
import { Store } from './state.js';
import { NoticesView } from './views/notices.js';

/**
 * Start a page: `{store, api, parsed, loop}` with the hash's view options applied, or null
 * (after a notice saying why) when the server cannot be asked.
 */
export async function startPage(initial = {}) {
  const store = new Store(initial);
  new NoticesView(document.getElementById('notices'), store);
  const api = new Api();
  try {
    await loadMeta(api);
  } catch (err) {
    store.notify(`This page could not start: ${err.message}`);
    return null;
  }
  const parsed = parseHash(location.hash);
  store.setUi(parsed.ui);
  return { store, api, parsed, loop: new FrameLoop() };
}
