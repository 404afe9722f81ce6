"""The display stream's encodings: a live message's one bucket as the history's buckets say,
and a frame's grids decoded back."""

from __future__ import annotations

import json
import math
import struct
import zlib

import numpy as np
import pytest

from nnplayground.training import frames

NAN, INF = math.nan, math.inf


@pytest.mark.parametrize("values", [
    [0.5, 0.25, 0.125], [0.3], [None, 0.2, None], [NAN, 0.4, 0.1], [0.1, NAN],
    [NAN, NAN], [INF, 0.2], [1e-300, 123456.789], [0.0, -0.0],
], ids=str)
def test_a_live_bucket_says_what_the_history_buckets_say(values: list[float | None]) -> None:
    """One bucket (``_one_bucket``, no NumPy) against the same epochs as the first of two
    buckets (``reduceat``)."""
    series = {"train_loss": values, "test_loss": None}
    last = len(values)
    live = json.loads(frames.live_epochs(1, series, last))
    two = frames.summarise(1, {"train_loss": [*values, 9.0], "test_loss": None},
                           [last, last + 1])
    assert live["ends"] == [last] and live["test_loss"] is None
    assert live["train_loss"] == {k: v[:1] for k, v in two["train_loss"].items()}


def test_untracked_series_are_null_and_fit_is_rounded() -> None:
    msg = json.loads(frames.live_epochs(3, {"train_loss": [None, None]}, 4, t=12.5,
                                        fit={"r2": 0.123456789, "rmse": None}))
    assert msg["train_loss"] is None and msg["t"] == 12.5
    assert msg["fit"] == {"r2": 0.123457, "rmse": None}


def test_a_frame_holds_its_grids_and_numbers() -> None:
    rng = np.random.default_rng(0)
    W = [rng.normal(size=(4, 2)), rng.normal(size=(1, 4))]
    b = [rng.normal(size=(4, 1)), rng.normal(size=(1, 1))]
    grids = [frames.quantise(rng.random((1, 8, 8))), frames.quantise(rng.random((4, 5, 5))),
             frames.quantise(rng.random((1, 5, 5)))]
    raw = frames.snapshot_frame({"epoch": 7, "version": 2, "finite": True, "diverged_at": None,
                                 "domain": [-1, 1, -1, 1]}, W, b, grids)
    n = struct.unpack("<I", raw[:4])[0]
    head = json.loads(raw[4 : 4 + n])
    assert head["layers"] == [2, 4, 1] and head["grids"] == [[1, 8, 8], [4, 5, 5], [1, 5, 5]]
    floats = np.frombuffer(raw[4 + n : 4 + n + 4 * (8 + 4 + 4 + 1 + 6)], "<f4")
    np.testing.assert_array_equal(floats[:8], np.float32(W[0].ravel()))
    assert list(floats[-6:]) == [np.float32(x) for _, lo, hi in grids for x in (lo, hi)]
    residual = np.frombuffer(zlib.decompress(raw[4 + n + 4 * 23 :]), np.uint8)
    want = b"".join(frames.residuals(q) for q, _, _ in grids)
    assert residual.tobytes() == want  # grouped by side, the same bytes as one by one
