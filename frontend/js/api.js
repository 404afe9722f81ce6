// api.js — the REST client: JSON requests to /api with the session token, and server refusals
// turned into ApiError with a sentence a person can read ({code, message, field} bodies).
// Leaves out: the WebSocket (stream.js) and any state (callers put results in the store).

export class ApiError extends Error {
  constructor(status, body) {
    super(describeError(body, status));
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
    this.body = body;
  }
}

const CODE_WORDS = {
  missing_token: 'This page does not own the session (no token).',
  wrong_token: 'This page does not own the session (wrong token).',
  not_found: 'The server does not know this session (it may have expired).',
  conflict: 'Not now:',
  too_large: 'Too large:',
  over_limit: 'Over a server limit:',
  validation_error: 'The server refused a value:',
  malformed_json: 'The server could not read the request:',
  invalid_config: 'The server refused this configuration:',
  invalid_dataset: 'The server refused these points:',
  unknown_preset: 'Unknown preset:',
  session_limit: 'The server is full:',
  unavailable: 'The server is busy:',
  rate_limited: 'Too many commands at once:',
  forbidden: 'Watchers cannot change the session:',
};

/** A sentence for an error body {code, message, field} (or a bare status). */
export function describeError(body, status = 0) {
  if (!body || typeof body !== 'object') {
    return status ? `The server answered ${status}.` : 'The server could not be reached.';
  }
  const lead = CODE_WORDS[body.code] || 'The server refused:';
  const msg = body.message || body.code || `status ${status}`;
  if (lead.endsWith('.')) return body.code === 'not_found' ? lead : `${lead} ${msg}`;
  const field = body.field && !msg.includes(body.field) ? ` (${body.field})` : '';
  return `${lead} ${msg}${field}`;
}

export class Api {
  constructor(base = '') {
    this.base = base;
    this.token = null;
  }

  async request(method, path, { body, raw = false, text = null, auth = false } = {}) {
    const headers = {};
    if (body !== undefined || text !== null) headers['Content-Type'] = 'application/json';
    if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers,
        body: text !== null ? text : body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ApiError(0, { code: 'network', message: `The server could not be reached (${err.message}).` });
    }
    if (response.status === 204) return null;
    const payload = await response.text();
    if (!response.ok) {
      let parsed = null;
      try { parsed = JSON.parse(payload); } catch { parsed = null; }
      throw new ApiError(response.status, parsed);
    }
    return raw ? payload : JSON.parse(payload);
  }

  datasets() { return this.request('GET', '/datasets'); }
  presets() { return this.request('GET', '/presets'); }
  health() { return this.request('GET', '/health'); }
  limits() { return this.request('GET', '/limits'); }
  create(body) { return this.request('POST', '/sessions', { body }); }
  summary(id) { return this.request('GET', `/sessions/${id}`); }
  patch(id, changes) { return this.request('PATCH', `/sessions/${id}`, { body: changes, auth: true }); }
  fork(id, nickname = null) {
    return this.request('POST', `/sessions/${id}/fork`, nickname ? { body: { nickname } } : {});
  }
  forks(id) { return this.request('GET', `/sessions/${id}/forks`, { auth: true }); }
  reset(id) { return this.request('POST', `/sessions/${id}/reset`, { auth: true }); }
  train(id, epochs) { return this.request('POST', `/sessions/${id}/train`, { body: { epochs }, auth: true }); }
  dataset(id) { return this.request('GET', `/sessions/${id}/dataset`); }
  putDataset(id, points) { return this.request('PUT', `/sessions/${id}/dataset`, { body: points, auth: true }); }
  /** The model as text (kept raw: its RNG state holds integers beyond 2^53). */
  modelText(id) { return this.request('GET', `/sessions/${id}/model`, { raw: true }); }
  putModelText(id, text) { return this.request('PUT', `/sessions/${id}/model`, { text, auth: true }); }
  backprop(id, body) { return this.request('POST', `/sessions/${id}/backprop`, { body }); }
  history(id, since) { return this.request('GET', `/sessions/${id}/history?since=${since}`); }
  timeline(id) { return this.request('GET', `/sessions/${id}/timeline`); }
  snapshotAt(id, epoch) { return this.request('GET', `/sessions/${id}/snapshot?epoch=${epoch}`); }
  boundary(id, resolution) { return this.request('GET', `/sessions/${id}/boundary?resolution=${resolution}`); }
}
