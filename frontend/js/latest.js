// latest.js — asking for one thing after another where only the latest answer matters (the
// timeline scrubber's past snapshots while a person drags): at most one request in flight; a
// request made while one is in flight waits, and a newer one replaces it (the ones in between
// are never sent); answers are handed on in the order they were asked, and none asked before
// cancel() is handed on. So a slow server slows the frames down, never piles requests up, and
// an old answer never lands on top of a newer one.
// Pure (no DOM, no timers). Leaves out: what is fetched and any caching (timeline.js).

export class LatestWins {
  /**
   * @param {(arg) => Promise} fetcher asks for one thing
   * @param {{onResult: (value, arg) => void, onError?: (err, arg) => void}} callbacks
   */
  constructor(fetcher, { onResult, onError = () => {} }) {
    this.fetcher = fetcher;
    this.onResult = onResult;
    this.onError = onError;
    this.asked = 0; // requests asked for so far
    this.cancelled = 0; // the last request number cancel() dropped up to
    this.next = null; // {n, arg}: the newest request waiting to be sent
    this.inFlight = null; // {n, arg}: the request sent and not yet answered
  }

  /** Ask for `arg`: sent now if nothing is in flight, else after it (replacing any waiting). */
  want(arg) {
    this.next = { n: ++this.asked, arg };
    this._send();
  }

  /** Forget the waiting request, and drop the answer of the one in flight. */
  cancel() {
    this.next = null;
    this.cancelled = this.asked;
  }

  /** Whether an answer is still to come for something asked after the last cancel(). */
  get pending() {
    return Boolean(this.next) || Boolean(this.inFlight && this.inFlight.n > this.cancelled);
  }

  /** The argument of the newest request still to be answered (null if none). */
  get wanted() {
    if (this.next) return this.next.arg;
    return this.inFlight && this.inFlight.n > this.cancelled ? this.inFlight.arg : null;
  }

  _send() {
    if (this.inFlight || !this.next) return;
    const request = this.next;
    this.next = null;
    this.inFlight = request;
    const settle = (ok, value) => {
      this.inFlight = null;
      if (request.n > this.cancelled) {
        if (ok) this.onResult(value, request.arg);
        else this.onError(value, request.arg);
      }
      this._send();
    };
    let promise;
    try {
      promise = Promise.resolve(this.fetcher(request.arg));
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then((value) => settle(true, value), (err) => settle(false, err));
  }
}
