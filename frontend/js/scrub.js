// scrub.js — the timeline scrubber's arithmetic: slider positions 0..max over the epochs
// first..last of a run, spaced as the loss chart's epoch axis is (linear, or logarithmic for a
// long run), so the thumb sits under the epoch it shows; the next epoch one key press away
// (never the same one again where positions crowd at the start of a log axis); and the epoch a
// replay shows after some time. Pure.
// Leaves out: fetching and showing past epochs (timeline.js) and the slider (views/scrubber.js).

import { epochAxis } from './views/losschart.js';

/** Positions on the slider at most (a key press moves one, or to the next epoch). */
export const SCRUB_STEPS = 1000;

/** How long a replay of the whole run lasts, in seconds, by the name the menu gives it. */
export const REPLAY_SECONDS = Object.freeze({ '20 s': 20, '10 s': 10, '4 s': 4 });
export const DEFAULT_REPLAY = '10 s';

/**
 * The slider over epochs first..last on the chart's axis (`log` as the chart has it):
 * `{first, last, max, epochAt(position), positionOf(epoch)}`; position 0 is `first`, `max`
 * is `last`.
 */
export function scrubScale(first, last, log) {
  const lo = Math.max(0, Math.min(first, last));
  const hi = Math.max(lo, last);
  const axis = epochAxis(hi, log);
  const f0 = axis.at(lo);
  const span = axis.at(hi) - f0 || 1;
  const max = Math.min(SCRUB_STEPS, hi - lo);
  const clamp = (e) => Math.min(hi, Math.max(lo, e));
  return {
    first: lo,
    last: hi,
    max,
    epochAt(position) {
      if (position <= 0 || max === 0) return lo;
      if (position >= max) return hi;
      return clamp(Math.round(axis.epochAt(f0 + (position / max) * span)));
    },
    positionOf(epoch) {
      if (epoch <= lo || max === 0) return 0;
      if (epoch >= hi) return max;
      return Math.min(max, Math.max(0, Math.round(((axis.at(epoch) - f0) / span) * max)));
    },
  };
}

/**
 * The epoch one step from `epoch` in direction `dir` (+1 or -1): the first position past it
 * that shows another epoch, else the end of the run in that direction.
 */
export function stepEpoch(scale, epoch, dir) {
  for (let p = scale.positionOf(epoch); p >= 0 && p <= scale.max; p += dir) {
    const e = scale.epochAt(p);
    if (dir > 0 ? e > epoch : e < epoch) return e;
  }
  return dir > 0 ? scale.last : scale.first;
}

/** The epoch a replay of `durationMs` over `scale` shows `elapsedMs` after it started. */
export function replayEpoch(scale, elapsedMs, durationMs) {
  const f = durationMs > 0 ? Math.min(1, Math.max(0, elapsedMs / durationMs)) : 1;
  return scale.epochAt(Math.round(f * scale.max));
}
