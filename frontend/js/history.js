// history.js — the loss history of a run (train/test loss and accuracy, one value per epoch,
// epochs numbered from 1) and its downsampling to one min/max bucket per pixel column.
// Pure: no DOM, no network. Leaves out: fetching missing epochs (the app does that when
// append() reports a gap) and drawing.

const SERIES = ['train_loss', 'test_loss', 'accuracy', 'test_accuracy'];

export class LossHistory {
  constructor() {
    this.reset();
  }

  /** Forget everything (a run was reset). */
  reset() {
    this.length = 0; // epochs 1..length are known
    this.capacity = 1024;
    this.series = Object.fromEntries(SERIES.map((k) => [k, new Float64Array(this.capacity)]));
  }

  /** The last epoch held (0 when empty). */
  get last() {
    return this.length;
  }

  _grow(need) {
    if (need <= this.capacity) return;
    let cap = this.capacity;
    while (cap < need) cap *= 2;
    for (const k of SERIES) {
      const next = new Float64Array(cap);
      next.set(this.series[k].subarray(0, this.length));
      this.series[k] = next;
    }
    this.capacity = cap;
  }

  /**
   * Add the epochs `first .. first+n-1` of an `epoch` message (or a /history answer).
   * Returns 'ok', 'duplicate' (nothing new), or 'gap' (epochs between the last held and
   * `first` are missing: nothing is added, fetch them first).
   */
  append(msg) {
    const first = msg.first;
    const n = (msg.train_loss || []).length;
    if (n === 0) return 'duplicate';
    if (first > this.length + 1) return 'gap';
    const skip = this.length + 1 - first; // epochs already held
    if (skip >= n) return 'duplicate';
    this._grow(first + n - 1);
    for (const k of SERIES) {
      const src = msg[k];
      const dst = this.series[k];
      for (let i = skip; i < n; i++) {
        const v = src ? src[i] : null;
        dst[first - 1 + i] = v == null ? NaN : v;
      }
    }
    this.length = first + n - 1;
    return 'ok';
  }

  /** Values of a series for epochs 1..length (a view). */
  values(name) {
    return this.series[name].subarray(0, this.length);
  }

  /** The values at `epoch` (1-based), or null. */
  at(epoch) {
    if (epoch < 1 || epoch > this.length) return null;
    const out = { epoch };
    for (const k of SERIES) {
      const v = this.series[k][epoch - 1];
      out[k] = Number.isNaN(v) ? null : v;
    }
    return out;
  }

  /** True when a series holds at least one number. */
  has(name) {
    const v = this.series[name];
    for (let i = 0; i < this.length; i++) if (!Number.isNaN(v[i])) return true;
    return false;
  }
}

/**
 * Downsample `values` (index i = epoch i+1) into at most `buckets` buckets, each
 * `{start, end, min, max, first, last}` over its epochs (1-based, inclusive), NaN skipped.
 * With fewer values than buckets every epoch is its own bucket. `positive` skips values <= 0
 * (for a log scale).
 */
export function downsample(values, buckets, { positive = false } = {}) {
  const n = values.length;
  const out = [];
  if (n === 0 || buckets < 1) return out;
  const per = Math.max(1, n / buckets);
  const count = Math.min(n, Math.floor(buckets));
  for (let b = 0; b < count; b++) {
    const s = Math.floor(b * per);
    const e = b === count - 1 ? n : Math.max(s + 1, Math.floor((b + 1) * per));
    let min = Infinity;
    let max = -Infinity;
    let first = NaN;
    let last = NaN;
    for (let i = s; i < e; i++) {
      const v = values[i];
      if (Number.isNaN(v) || (positive && v <= 0)) continue;
      if (Number.isNaN(first)) first = v;
      last = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!Number.isNaN(first)) out.push({ start: s + 1, end: e, min, max, first, last });
  }
  return out;
}

/** [min, max] of the finite (and, with `positive`, > 0) values, or null. */
export function extent(values, { positive = false } = {}) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positive && v <= 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : null;
}
