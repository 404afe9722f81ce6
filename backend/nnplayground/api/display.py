"""The display stream (``?detail=display``): what a page can show, in tens of KB a second.

A ``detail=full`` client gets every epoch's four figures and snapshots as JSON. A page cannot
draw more than a few hundred points of a loss curve or more than a frame per screen refresh, so
a ``detail=display`` client gets instead:

* ``epochs`` messages: the epochs ``first..ends[-1]`` cut into buckets ending at ``ends``; per
  bucket and series the ``min``, ``max`` and ``last`` value, so spikes stay visible. ``min`` is
  rounded down and ``max`` up to 5 significant digits (they bound the full values); ``last``
  and the epoch counter are exact. A regression's live message also has ``fit``: R² and RMSE
  (train and test) at its last epoch, to 6 significant digits. A live message is one bucket;
  a replay of the history is at most ``MAX_BUCKETS`` buckets, spaced both linearly and
  logarithmically so the curve reads on
  either axis.
* snapshots as one binary frame: ``uint32`` little-endian header length, the JSON header
  (epoch, version, finite, diverged_at, domain, layers, grid shapes), then float32
  little-endian: the weights ``W[l]`` and the biases ``b[l]`` (row-major, in the tutorial's
  shapes) and each grid's ``min, max`` (``finite`` is false also when one of them is beyond
  float32's range, about 3.4e38: it is infinite there); then the quantised grids (the
  boundary, then each layer's neurons, ``uint8`` as in the JSON snapshot) as the residuals of
  a 2-D gradient predictor (``left + up - upleft``, mod 256, the first row and column
  predicted from their one neighbour), zlib-compressed together. A smooth heatmap leaves
  small residuals, which compress well.

* ``diagnostics`` only when they are ``news`` (a finding or the status changed, or
  ``NNP_DIAGNOSTICS_NEWS_SECONDS`` passed): the page shows one sentence, not ten a second.

Both are computed once per event in this process (cached on the :class:`Event`) however many
clients watch. What it leaves out: which events a client gets (``stream.py``).
"""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib
from typing import Any

import numpy as np

from ..sessions.pool import Event

SERIES = ("train_loss", "test_loss", "accuracy", "test_accuracy")
MAX_BUCKETS = 1000
DIGITS = 5
FIT_DIGITS = 6  # R² and RMSE: a page shows 4 significant digits


def _rounded(x: float, up: bool) -> float:
    """``x`` to ``DIGITS`` significant digits, rounded towards +inf (``up``) or -inf."""
    if x == 0 or not math.isfinite(x):
        return x
    r = float(f"{x:.{DIGITS}g}")
    step = 10.0 ** (math.floor(math.log10(abs(r))) - DIGITS + 1)
    while (r < x) if up else (r > x):
        r = float(f"{r + step if up else r - step:.{DIGITS}g}")
    return r


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


def summarise(first: int, series: dict[str, list[float | None] | None],
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
        a = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            lo, hi = np.fmin.reduceat(a, starts), np.fmax.reduceat(a, starts)
        msg[k] = {"min": [_json(_rounded(float(x), up=False)) for x in lo],
                  "max": [_json(_rounded(float(x), up=True)) for x in hi],
                  "last": [_json(float(a[i])) for i in lasts]}
    return msg


def _json(x: float) -> float | None:
    return x if math.isfinite(x) else None


def dumps(msg: dict[str, Any]) -> str:
    return json.dumps(msg, separators=(",", ":"))


def live_epochs(event: Event) -> str:
    """The ``epochs`` message of a full ``epoch`` event: one bucket."""
    def make() -> str:
        full = json.loads(event.text)
        msg = summarise(full["first"], full, [event.last])
        if "t" in full:
            msg["t"] = full["t"]
        if "fit" in full:  # a regression's R² and RMSE at the last epoch, for a readout
            msg["fit"] = {k: None if v is None else float(f"{v:.{FIT_DIGITS}g}")
                          for k, v in full["fit"].items()}
        return dumps(msg)
    return _cached(event, "epochs", make)


def replay(batch: dict[str, Any], first: int | None = None) -> str:
    """History (``{first, epoch, <series>: [...]}``) from ``first`` as one ``epochs`` message."""
    start = batch["first"] if first is None else first
    skip = start - batch["first"]
    series = {k: (None if batch.get(k) is None else batch[k][skip:]) for k in SERIES}
    return dumps(summarise(start, series, buckets(start, batch["epoch"])))


def residuals(q: np.ndarray) -> bytes:
    """``q`` (``..., rows, cols`` of uint8) minus its 2-D gradient prediction, mod 256."""
    g = q.reshape(-1, *q.shape[-2:]).astype(np.int16)
    predicted = np.zeros_like(g)
    predicted[:, 1:, 1:] = g[:, 1:, :-1] + g[:, :-1, 1:] - g[:, :-1, :-1]
    predicted[:, 0, 1:] = g[:, 0, :-1]
    predicted[:, 1:, 0] = g[:, :-1, 0]
    return ((g - predicted) % 256).astype(np.uint8).tobytes()


def _grid(quantised: dict[str, Any]) -> tuple[list[int], list[float], bytes]:
    q = np.frombuffer(base64.b64decode(quantised["data"]), dtype=np.uint8)
    q = q.reshape(quantised["shape"])
    return list(quantised["shape"]), [quantised["min"], quantised["max"]], residuals(q)


def snapshot_frame(event: Event) -> bytes:
    """The binary frame of a JSON ``snapshot`` event (see the module's docstring)."""
    def make() -> bytes:
        snap = json.loads(event.text)
        grids = [_grid(g) for g in [snap["boundary"], *snap["neurons"]] if g is not None]
        with np.errstate(over="ignore"):  # beyond float32's range: infinite, and said so
            weights = [np.asarray(w, dtype="<f4") for w in snap["weights"]]
            numbers = [*(w.reshape(-1) for w in weights),
                       *(np.asarray(b, dtype="<f4").reshape(-1) for b in snap["biases"]),
                       np.asarray([r for _, rng, _ in grids for r in rng], dtype="<f4")]
        header = {"type": "snapshot", "epoch": snap["epoch"], "version": snap["version"],
                  "finite": snap["finite"] and all(bool(np.isfinite(x).all()) for x in numbers),
                  "diverged_at": snap["diverged_at"], "domain": snap["domain"],
                  "layers": [weights[0].shape[1], *(w.shape[0] for w in weights)],
                  "grids": [shape for shape, _, _ in grids]}
        head = dumps(header).encode()
        return (struct.pack("<I", len(head)) + head + b"".join(x.tobytes() for x in numbers)
                + zlib.compress(b"".join(data for _, _, data in grids), 9))
    return _cached(event, "frame", make)


def news(event: Event) -> bool:
    """Whether a ``diagnostics`` event is sent to display clients (its ``news`` flag: a
    finding or the status changed, or a second has passed since the last news)."""
    return bool(_cached(event, "news", lambda: json.loads(event.text).get("news", True)))


def _cached(event: Event, key: str, make: Any) -> Any:
    if key not in event.cache:
        event.cache[key] = make()
    return event.cache[key]
