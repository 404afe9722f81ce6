// stream.js — the WebSocket to /api/sessions/{id}/stream: connects (and authenticates with
// the token in an `auth` message, never in the URL), reconnects after a drop with
// since=<last epoch held> so the server replays the missed epochs, and matches each command
// to its `ack` or `error` (commands are answered in order). Asks for `detail` (the page:
// 'display', summarised epochs and binary snapshot frames). Emits 'message' (detail: the
// server's JSON message), 'frame' (detail: a binary frame's ArrayBuffer) and 'connection'
// (detail: {state}).
// Leaves out: what messages mean (session.js) and any drawing.

const RETRY_MS = [200, 500, 1000, 2000, 4000];

export class Stream extends EventTarget {
  /**
   * @param {string} id session id
   * @param {{token?: string, since: () => number, detail?: string, url?: (path) => string,
   *          query?: string}} options
   */
  constructor(id, { token = null, since = () => 0, detail = 'display', url = null, query = '' } = {}) {
    super();
    this.id = id;
    this.token = token;
    this.detail = detail;
    this.query = query; // more of the URL's query, e.g. 'forks=true' (the dashboard's rows)
    this.since = since;
    this.url = url || ((path) => {
      const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
      return `${proto}//${location.host}${path}`;
    });
    this.ws = null;
    this.pending = [];
    this.queued = []; // commands given while restart() reconnects: sent after its hello
    this.retries = 0;
    this.closed = false;
    this.timer = null;
    this.pinger = null;
    this.state = 'closed';
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('connection', { detail: { state } }));
  }

  open() {
    this.closed = false;
    this._connect();
  }

  _connect({ quiet = false } = {}) {
    clearTimeout(this.timer);
    const since = Math.max(0, this.since() | 0);
    const ws = new WebSocket(this.url(`/api/sessions/${encodeURIComponent(this.id)}/stream?since=${since}&detail=${this.detail}${this.query ? `&${this.query}` : ''}`));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    if (!quiet) this._setState(this.retries ? 'reconnecting' : 'connecting');
    ws.addEventListener('open', () => {
      if (this.token) ws.send(JSON.stringify({ type: 'auth', token: this.token }));
    });
    ws.addEventListener('message', (e) => {
      if (e.data instanceof ArrayBuffer) {
        this.dispatchEvent(new CustomEvent('frame', { detail: e.data }));
        return;
      }
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.type === 'hello') {
        this.retries = 0;
        this._setState('open');
        clearInterval(this.pinger);
        this.pinger = setInterval(() => this._send({ type: 'ping' }), 20000);
        for (const q of this.queued.splice(0)) this._dispatch(q);
      }
      if (msg.type === 'ack' || (msg.type === 'error' && msg.command)) this._settle(msg);
      this.dispatchEvent(new CustomEvent('message', { detail: msg }));
    });
    ws.addEventListener('close', (e) => {
      if (this.ws !== ws) return;
      clearInterval(this.pinger);
      this.ws = null;
      const err = new Error('the connection to the server was lost');
      for (const p of [...this.pending.splice(0), ...this.queued.splice(0)]) p.reject(err);
      if (this.closed || e.code === 4404) {
        this._setState('closed');
        return;
      }
      this._setState('reconnecting');
      const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
      this.retries++;
      this.timer = setTimeout(() => this._connect(), delay);
    });
  }

  _settle(msg) {
    const i = this.pending.findIndex((p) => p.command === msg.command);
    if (i < 0) return;
    const [p] = this.pending.splice(i, 1);
    if (msg.type === 'ack') p.resolve(msg);
    else p.reject(Object.assign(new Error(msg.message || msg.code), { body: msg }));
  }

  _send(obj) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }

  /** Whether a command would be sent (now, or after restart()'s new connection says hello). */
  get canCommand() {
    return this.state === 'open' && Boolean(this.ws);
  }

  get isOpen() {
    return this.state === 'open' && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Connect again now (since= as the `since` option says then); nothing pending is lost. */
  restart() {
    if (this.pending.length || this.closed) return false;
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
    this.retries = 0;
    this._connect({ quiet: true });
    return true;
  }

  /**
   * Send a command ({type, ...}); resolves with its ack, rejects with its error. While
   * restart() reconnects, it waits for the new connection.
   */
  command(obj) {
    return new Promise((resolve, reject) => {
      const entry = { obj, command: obj.type, resolve, reject };
      if (this.isOpen) this._dispatch(entry);
      else if (this.canCommand) this.queued.push(entry); // restarting
      else reject(new Error('not connected to the server; retrying'));
    });
  }

  _dispatch(entry) {
    this.pending.push(entry);
    this._send(entry.obj);
  }

  /** Close for good (no reconnect). */
  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.ws) this.ws.close();
    this._setState('closed');
  }
}
