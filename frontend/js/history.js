// history.js — the loss history of a run as the display stream sends it: buckets of
// consecutive epochs (numbered from 1), each with its end epoch and, per series (train/test
// loss and accuracy), the min, max and last value over its epochs. A live message adds one
// bucket; when more than MAX_HELD are held they are merged into at most REBUCKET buckets
// spaced both evenly and geometrically (as the server spaces a replay), so a 1,000,000-epoch
// run stays a few thousand numbers and reads on a linear or a log epoch axis. Also: the
// buckets of per-epoch values (a REST /history answer), and the buckets gathered into a
// chart's pixel columns.
// Pure: no DOM, no network. Leaves out: fetching missing epochs (the app does that when
// append() reports a gap) and drawing.

export const SERIES = ['train_loss', 'test_loss', 'accuracy', 'test_accuracy'];
export const MAX_HELD = 4000;
export const REBUCKET = 2000;
const PARTS = ['min', 'max', 'last'];

/**
 * Bucket ends covering `first..last` (inclusive): every epoch if there are at most `max`,
 * else ends spaced evenly and geometrically from `first` (at most `max`, the last is `last`).
 */
export function bucketEnds(first, last, max = REBUCKET / 2) {
  const n = last - first + 1;
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => first + i);
  const half = Math.floor(max / 2);
  const ends = new Set();
  for (let i = 1; i <= half; i++) ends.add(Math.round(first - 1 + (n * i) / half));
  for (let i = 0; i < half; i++) ends.add(Math.round(first - 1 + n ** (i / (half - 1))));
  return [...ends].filter((e) => e >= first && e <= last).sort((a, b) => a - b);
}

/**
 * An `epochs` message (as the display stream's) of per-epoch series from `first`
 * (`series[k][i]` is epoch first + i, null where not known), cut at `ends`.
 */
export function summarise(first, series, ends) {
  const msg = { type: 'epochs', first, ends };
  for (const k of SERIES) {
    const values = series[k];
    if (!values || values.every((v) => v == null)) {
      msg[k] = null;
      continue;
    }
    const out = { min: [], max: [], last: [] };
    let start = first;
    for (const end of ends) {
      let min = Infinity;
      let max = -Infinity;
      for (let e = start; e <= end; e++) {
        const v = values[e - first];
        if (v == null) continue;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const last = values[end - first];
      out.min.push(min <= max ? min : null);
      out.max.push(min <= max ? max : null);
      out.last.push(last ?? null);
      start = end + 1;
    }
    msg[k] = out;
  }
  return msg;
}

export class LossHistory {
  constructor() {
    this.reset();
  }

  /** Forget everything (a run was reset). */
  reset() {
    this.size = 0; // buckets held
    this.capacity = 256;
    this.ends = new Float64Array(this.capacity);
    this.series = {};
    for (const k of SERIES) {
      this.series[k] = Object.fromEntries(PARTS.map((p) => [p, new Float64Array(this.capacity)]));
    }
    this.tracked = Object.fromEntries(SERIES.map((k) => [k, false]));
  }

  /** The last epoch held (0 when empty). */
  get last() {
    return this.size ? this.ends[this.size - 1] : 0;
  }

  /** The first epoch of bucket `i`. */
  start(i) {
    return i ? this.ends[i - 1] + 1 : 1;
  }

  _grow(need) {
    if (need <= this.capacity) return;
    let cap = this.capacity;
    while (cap < need) cap *= 2;
    const grown = (a) => {
      const next = new Float64Array(cap);
      next.set(a.subarray(0, this.size));
      return next;
    };
    this.ends = grown(this.ends);
    for (const k of SERIES) for (const p of PARTS) this.series[k][p] = grown(this.series[k][p]);
    this.capacity = cap;
  }

  /**
   * Add an `epochs` message ({first, ends, <series>: {min, max, last} | null}). Returns 'ok',
   * 'duplicate' (nothing new), or 'gap' (epochs between the last held and `first` are
   * missing: nothing is added, fetch them first). Buckets ending at or before the last epoch
   * held are skipped.
   */
  append(msg) {
    const ends = msg.ends || [];
    if (!ends.length || ends[ends.length - 1] <= this.last) return 'duplicate';
    if (msg.first > this.last + 1) return 'gap';
    let b = 0;
    while (ends[b] <= this.last) b++;
    this._grow(this.size + ends.length - b);
    for (; b < ends.length; b++) {
      const i = this.size++;
      this.ends[i] = ends[b];
      for (const k of SERIES) {
        const src = msg[k];
        if (src) this.tracked[k] = true;
        for (const p of PARTS) this.series[k][p][i] = src && src[p][b] != null ? src[p][b] : NaN;
      }
    }
    if (this.size > MAX_HELD) this.compact(REBUCKET);
    return 'ok';
  }

  /** Per-epoch values from `first` (a REST /history answer: {first, <series>: [...]}). */
  appendEpochs(batch) {
    const n = (batch.train_loss || []).length;
    if (!n) return 'duplicate';
    const last = batch.first + n - 1;
    return this.append(summarise(batch.first, batch, bucketEnds(batch.first, last, REBUCKET)));
  }

  /** Merge the buckets into at most `max` spaced as bucketEnds spaces them (min/max kept). */
  compact(max) {
    const targets = bucketEnds(1, this.last, max);
    let out = 0;
    let i = 0;
    for (const t of targets) {
      if (i >= this.size || this.ends[i] > t) continue;
      const from = i;
      while (i < this.size && this.ends[i] <= t) i++;
      this.ends[out] = this.ends[i - 1];
      for (const k of SERIES) {
        const s = this.series[k];
        let min = Infinity;
        let hi = -Infinity;
        for (let j = from; j < i; j++) { // NaN compares false: skipped
          if (s.min[j] < min) min = s.min[j];
          if (s.max[j] > hi) hi = s.max[j];
        }
        s.min[out] = min === Infinity ? NaN : min;
        s.max[out] = hi === -Infinity ? NaN : hi;
        s.last[out] = s.last[i - 1];
      }
      out++;
    }
    this.size = out;
  }

  /**
   * Whether some bucket of more than `minWidth` epochs is much coarser than a replay of the
   * history would be (`factor` or more of bucketEnds(1, last, max)'s ends inside it): live
   * buckets of a fast run are as wide as the epochs of one message, too wide for the start
   * of a log axis.
   */
  coarse(max = REBUCKET / 2, factor = 4, minWidth = 8) {
    const targets = bucketEnds(1, this.last, max);
    let t = 0;
    for (let i = 0; i < this.size; i++) {
      const start = this.start(i);
      if (this.ends[i] - start + 1 <= minWidth) continue;
      while (t < targets.length && targets[t] < start) t++;
      let inside = 0;
      while (t + inside < targets.length && targets[t + inside] < this.ends[i]) inside++;
      if (inside >= factor) return true;
    }
    return false;
  }

  /** The index of the bucket holding `epoch` (clamped to the buckets held), or -1 if empty. */
  find(epoch) {
    if (!this.size) return -1;
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] < epoch) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Bucket `i` as {start, end, <series>: {min, max, last} | null} (null: not tracked, or no
   * value in this bucket).
   */
  bucket(i) {
    if (i < 0 || i >= this.size) return null;
    const out = { start: this.start(i), end: this.ends[i] };
    for (const k of SERIES) {
      const s = this.series[k];
      out[k] = Number.isNaN(s.last[i]) && Number.isNaN(s.max[i]) ? null
        : { min: nullable(s.min[i]), max: nullable(s.max[i]), last: nullable(s.last[i]) };
    }
    return out;
  }

  /** The bucket holding `epoch` (see bucket()), or null. */
  at(epoch) {
    return epoch >= 1 && epoch <= this.last ? this.bucket(this.find(epoch)) : null;
  }

  /** True when a series holds at least one number. */
  has(name) {
    if (!this.tracked[name]) return false;
    const s = this.series[name];
    for (let i = 0; i < this.size; i++) if (!Number.isNaN(s.last[i]) || !Number.isNaN(s.max[i])) return true;
    return false;
  }

  /**
   * The buckets of series `name` gathered into pixel columns: `column(end)` gives a bucket's
   * column (an integer, non-decreasing in `end`); consecutive buckets of one column merge.
   * Returns [{column, end, min, max, last}] with NaN skipped; `positive` also skips values
   * <= 0 (for a log scale).
   */
  columns(name, column, { positive = false } = {}) {
    const s = this.series[name];
    const out = [];
    const ok = (v) => !Number.isNaN(v) && (!positive || v > 0);
    let cur = null;
    for (let i = 0; i < this.size; i++) {
      const col = column(this.ends[i]);
      const min = s.min[i];
      const max = s.max[i];
      const last = s.last[i];
      if (!ok(last) && !ok(min) && !ok(max)) continue;
      if (!cur || cur.column !== col) {
        cur = { column: col, end: this.ends[i], min: Infinity, max: -Infinity, last: NaN };
        out.push(cur);
      }
      cur.end = this.ends[i];
      for (const v of [min, max, last]) {
        if (!ok(v)) continue;
        if (v < cur.min) cur.min = v;
        if (v > cur.max) cur.max = v;
      }
      if (ok(last)) cur.last = last;
    }
    for (const c of out) if (Number.isNaN(c.last)) c.last = c.max;
    return out;
  }

  /** [min, max] over the buckets of the named series (see columns for `positive`), or null. */
  extent(names, { positive = false } = {}) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const name of names) {
      const s = this.series[name];
      for (let i = 0; i < this.size; i++) {
        for (const v of [s.min[i], s.max[i], s.last[i]]) {
          if (!Number.isFinite(v) || (positive && v <= 0)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    return lo <= hi ? [lo, hi] : null;
  }
}

function nullable(v) {
  return Number.isNaN(v) ? null : v;
}
