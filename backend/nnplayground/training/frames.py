"""The display stream's encodings (``?detail=display``), made once where the data is.

A page cannot draw more than a few hundred points of a loss curve or more than a frame per
screen refresh, so a ``detail=display`` client gets, instead of every epoch and JSON
snapshots:

* ``epochs`` messages (:func:`summarise`, :func:`live_epochs`): the epochs
  ``first..ends[-1]`` cut into buckets ending at ``ends``; per bucket and series the ``min``,
  ``max`` and ``last`` value, so spikes stay visible. ``min`` is rounded down and ``max`` up to
  ``DIGITS`` significant digits (they bound the full values); ``last`` and the epoch counter
  are exact. A live message is one bucket; a replay of the history is at most
  ``MAX_BUCKETS`` buckets (:func:`buckets`), spaced both linearly and logarithmically so the
  curve reads on either axis.
* snapshots as one binary frame (:func:`snapshot_frame`): ``uint32`` little-endian header
  length, the JSON header (epoch, version, finite, diverged_at, domain, layers, grid shapes),
  then float32 little-endian: the weights ``W[l]`` and the biases ``b[l]`` (row-major, in the
  tutorial's shapes) and each grid's ``min, max`` (``finite`` is false also when one of them
  is beyond float32's range, about 3.4e38: it is infinite there); then the quantised grids
  (the boundary, then each layer's neurons, ``uint8`` as in the JSON snapshot) as the
  residuals of a 2-D gradient predictor (``left + up - upleft``, mod 256, the first row and
  column predicted from their one neighbour), zlib-compressed together. A smooth heatmap
  leaves small residuals, which compress well.

The worker makes them from its own arrays, once per event, when a display client watches
(``worker.py``); the API makes them from the JSON when it has only that (``api/display.py``).
What it leaves out: which client gets what, and when.
"""

from __future__ import annotations

import itertools
import json
import math
import struct
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

SERIES = ("train_loss", "test_loss", "accuracy", "test_accuracy")
MAX_BUCKETS = 1000
DIGITS = 5
FIT_DIGITS = 6  # R² and RMSE: a page shows 4 significant digits
ZLIB_LEVEL = 1  # the default network's residuals: 6% more bytes than level 9 in half its time

Grid = tuple[np.ndarray, float, float]  # quantised uint8 values, the min and max they span


def dumps(msg: dict[str, Any]) -> str:
    return json.dumps(msg, separators=(",", ":"))


def _rounded(x: float, up: bool) -> float:
    """``x`` to ``DIGITS`` significant digits, rounded towards +inf (``up``) or -inf."""
    if x == 0 or not math.isfinite(x):
        return x
    r = float(f"{x:.{DIGITS}g}")
    step = 10.0 ** (math.floor(math.log10(abs(r))) - DIGITS + 1)
    while (r < x) if up else (r > x):
        r = float(f"{r + step if up else r - step:.{DIGITS}g}")
    return r


def _json(x: float) -> float | None:
    return x if math.isfinite(x) else None


def buckets(first: int, last: int, max_buckets: int = MAX_BUCKETS) -> list[int]:
    """Bucket ends covering ``first..last``: every epoch if they are few, else ends spaced
    both evenly and geometrically (at most ``max_buckets``; the last is ``last``)."""
    n = last - first + 1
    if n <= max_buckets:
        return list(range(first, last + 1))
    half = max_buckets // 2
    even = np.linspace(first - 1, last, half + 1)[1:]
    geometric = first - 1 + np.geomspace(1, n, half)
    ends = np.unique(np.rint(np.concatenate([even, geometric])).astype(np.int64))
    return [int(e) for e in ends if first <= e <= last]


def summarise(first: int, series: dict[str, Sequence[float | None] | None],
              ends: list[int]) -> dict[str, Any]:
    """The ``epochs`` message of epochs ``first..ends[-1]`` (``series[k][i]`` is epoch
    ``first + i``): per series ``None`` if it is not tracked, else ``min``/``max``/``last``."""
    starts = np.array([0, *(e - first + 1 for e in ends[:-1])], dtype=np.int64)
    lasts = np.array([e - first for e in ends], dtype=np.int64)
    msg: dict[str, Any] = {"type": "epochs", "first": first, "ends": ends}
    for k in SERIES:
        values = series.get(k)
        if values is None or all(v is None for v in values):
            msg[k] = None
            continue
        if len(ends) == 1:  # a live message: a few values, faster without NumPy
            msg[k] = _one_bucket(values)
            continue
        a = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            lo, hi = np.fmin.reduceat(a, starts), np.fmax.reduceat(a, starts)
        msg[k] = {"min": [_json(_rounded(float(x), up=False)) for x in lo],
                  "max": [_json(_rounded(float(x), up=True)) for x in hi],
                  "last": [_json(float(a[i])) for i in lasts]}
    return msg


def _one_bucket(values: Sequence[float | None]) -> dict[str, list[float | None]]:
    """``summarise``'s figures of one bucket, without NumPy: NaN and ``None`` are skipped by
    ``min`` and ``max`` as by ``fmin``/``fmax``."""
    seen = [v for v in values if v is not None and not math.isnan(v)]
    if not seen:
        return {"min": [None], "max": [None], "last": [None]}
    last = values[-1]
    return {"min": [_json(_rounded(min(seen), up=False))],
            "max": [_json(_rounded(max(seen), up=True))],
            "last": [None if last is None else _json(last)]}


def live_epochs(first: int, series: dict[str, Sequence[float | None] | None], last: int,
                t: float | None = None, fit: dict[str, float | None] | None = None) -> str:
    """The live ``epochs`` message of epochs ``first..last``: one bucket; ``t`` the time the
    last was computed; ``fit`` a regression's R² and RMSE at it (to ``FIT_DIGITS``)."""
    msg = summarise(first, series, [last])
    if t is not None:
        msg["t"] = t
    if fit:
        msg["fit"] = {k: None if v is None else float(f"{v:.{FIT_DIGITS}g}")
                      for k, v in fit.items()}
    return dumps(msg)


def quantise(grid: np.ndarray) -> Grid:
    """A float grid as ``uint8`` 0..255 over its range, with that range."""
    lo, hi = float(np.min(grid)), float(np.max(grid))
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    return np.rint((grid - lo) * scale).astype(np.uint8), lo, hi


def residuals(q: np.ndarray) -> bytes:
    """``q`` (``..., rows, cols`` of uint8) minus its 2-D gradient prediction, mod 256: with a
    row and a column of zeros before the grid, ``left + up - upleft`` is also the first row's
    and column's prediction, and uint8 arithmetic wraps mod 256 by itself."""
    g = q.reshape(-1, *q.shape[-2:])
    p = np.zeros((g.shape[0], g.shape[1] + 1, g.shape[2] + 1), np.uint8)
    p[:, 1:, 1:] = g
    r = p[:, 1:, 1:] - p[:, :-1, 1:]
    r -= p[:, 1:, :-1]
    r += p[:, :-1, :-1]
    return r.tobytes()


def snapshot_frame(header: dict[str, Any], weights: Sequence[Any], biases: Sequence[Any],
                   grids: Sequence[Grid]) -> bytes:
    """The binary frame of a snapshot (see the module's docstring): ``header`` holds its
    ``epoch``, ``version``, ``finite``, ``diverged_at`` and ``domain``; ``weights`` and
    ``biases`` are the ``W[l]`` and ``b[l]`` (arrays or nested lists)."""
    with np.errstate(over="ignore"):  # beyond float32's range: infinite, and said so
        W = [np.asarray(w, dtype="<f4") for w in weights]
        numbers = [*(w.reshape(-1) for w in W),
                   *(np.asarray(b, dtype="<f4").reshape(-1) for b in biases),
                   np.asarray([r for _, lo, hi in grids for r in (lo, hi)], dtype="<f4")]
    floats = np.concatenate(numbers)
    head = dumps({"type": "snapshot", "epoch": header["epoch"], "version": header["version"],
                  "finite": header["finite"] and bool(np.isfinite(floats).all()),
                  "diverged_at": header["diverged_at"], "domain": header["domain"],
                  "layers": [W[0].shape[1], *(w.shape[0] for w in W)],
                  "grids": [list(q.shape) for q, _, _ in grids]}).encode()
    return (struct.pack("<I", len(head)) + head + floats.tobytes()
            + zlib.compress(_all_residuals([q for q, _, _ in grids]), ZLIB_LEVEL))


def _all_residuals(grids: list[np.ndarray]) -> bytes:
    """The residuals of every grid in order, those of one side computed together (``residuals``
    of a stack is those of its grids end to end)."""
    return b"".join(residuals(np.concatenate([q.reshape(-1, *side) for q in same]))
                    for side, same in itertools.groupby(grids, key=lambda q: q.shape[-2:]))
