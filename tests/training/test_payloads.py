"""Payloads built from a session: quantised grids, and the backward pass with the tutorial's
numbers."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.presets import PRESETS
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.training.payloads import backprop, picture, quantize
from tests.conftest import make_settings
from tests.training.test_worker import decode


def test_quantize_a_constant_grid() -> None:
    q = quantize(np.full((1, 3, 3), 0.25))
    assert q["min"] == q["max"] == 0.25 and q["shape"] == [1, 3, 3]
    assert np.array_equal(decode(q), np.full((1, 3, 3), 0.25))


def test_a_picture_is_drawn_in_float32_and_in_float64_beyond_its_range() -> None:
    s = Session("p", "hash", SessionSpec(hidden_layers=(3,),
                                         dataset=DatasetSpec("circle", n_points=20)))
    st = make_settings(snapshot_resolution=8, neuron_resolution=4)
    small = picture(s, st)
    want = s.grids(8, dtype=np.float32)["output"]
    assert small.finite and (small.grids[0][1], small.grids[0][2]) == (want.min(), want.max())
    s.net.W[0] *= 1e39  # finite in float64, infinite in float32; tanh keeps the rest finite
    big = picture(s, st)
    exact = s.grids(8)["output"]
    assert big.finite and (big.grids[0][1], big.grids[0][2]) == (exact.min(), exact.max())
    assert not np.isfinite(s.grids(8, neurons=True, dtype=np.float32)["neurons"][0]).all()


def test_a_grid_is_quantised_to_bytes_within_half_a_step() -> None:
    grid = np.linspace(-1.0, 3.0, 2 * 4 * 5).reshape(2, 4, 5)
    q = quantize(grid)
    assert (q["min"], q["max"], q["shape"]) == (-1.0, 3.0, [2, 4, 5])
    assert np.abs(decode(q) - grid).max() <= (4.0 / 255) / 2 + 1e-12


def test_the_backward_pass_of_the_worked_example() -> None:
    """The classic 2-2-2 example: ``W_next`` is the update at learning rate 0.5."""
    preset = PRESETS["worked_example"]
    s = Session("w", "hash", preset.spec)
    s.net.weights, s.net.biases = preset.weights, preset.biases
    out = backprop(s, {"index": 0}, make_settings())
    assert out["m"] == 1 and out["learning_rate"] == 0.5
    assert [layer["activation"] for layer in out["layers"]] == ["sigmoid", "sigmoid"]
    np.testing.assert_allclose(out["layers"][0]["W_next"],
                               [[0.14978072, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8)
    np.testing.assert_allclose(out["layers"][1]["W_next"],
                               [[0.35891648, 0.40866619], [0.51130127, 0.56137012]], atol=1e-8)
    # the reported MSE averages over both outputs; the cost the update descends is half
    # the sum of squares: for two outputs and one point, the same figure
    assert out["loss"] == out["cost"] == pytest.approx(0.2983711088, abs=1e-10)
