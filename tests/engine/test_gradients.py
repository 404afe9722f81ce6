"""Backprop's gradients against central differences of the exact cost, for every combination."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnplayground.engine import HIDDEN_ACTIVATIONS, LOSSES, Network, gradient_check

COMBOS = [
    (hidden, output, loss)
    for hidden in HIDDEN_ACTIVATIONS
    for loss, spec in LOSSES.items()
    for output in spec.outputs
]
REGS = [("none", 0.0), ("l2", 0.03), ("l1", 0.02)]
ARCHS = [[2, 3, 1], [3, 4, 3, 2], [2, 5, 4, 3, 3]]


def data(layers: list[int], m: int, loss: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(layers[0], m))
    n_out = layers[-1]
    if loss == "cce":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, m)]
    elif loss == "bce":
        Y = rng.integers(0, 2, (n_out, m)).astype(float)
    else:
        Y = rng.uniform(-0.5, 1.0, (n_out, m))
    return X, Y


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBOS)
@pytest.mark.parametrize(("reg", "rate"), REGS)
@pytest.mark.parametrize("m", [1, 7])
def test_backprop_matches_central_differences(hidden, output, loss, reg, rate, m):
    for i, layers in enumerate(ARCHS):
        if output == "softmax" and layers[-1] < 2:
            layers = [*layers[:-1], 2]
        net = Network(layers, hidden_activation=hidden, output_activation=output, loss=loss,
                      regularization=reg, reg_rate=rate, init="xavier", seed=11 + i)
        X, Y = data(layers, m, loss, seed=i)
        check = gradient_check(net, X, Y)
        assert check.relative_error < 1e-6, (layers, check.layer_errors)
        assert all(e < 1e-6 for e in check.layer_errors)


def test_gradient_check_detects_a_wrong_gradient():
    net = Network([2, 3, 1], seed=0)
    X, Y = data([2, 3, 1], 5, "mse", seed=0)
    good = gradient_check(net, X, Y)
    bad_dW = [d * 1.01 for d in good.analytic.dW]
    flat = [np.concatenate([x.ravel() for x in xs]) for xs in (bad_dW + good.analytic.db,
                                                             good.dW + good.db)]
    from nnplayground.engine import relative_error

    assert relative_error(*flat) > 1e-3


def test_default_output_delta_is_the_tutorials():
    net = Network([2, 4, 3, 1], seed=5)
    X, Y = data([2, 4, 3, 1], 6, "mse", seed=1)
    g = net.gradients(X, Y)
    a = g.a[-1]
    np.testing.assert_allclose(g.delta[-1], (a - Y) * a * (1 - a), rtol=1e-15, atol=0)
    # delta^l = (W^{l+1})^T delta^{l+1} * a^l (1 - a^l); dW = delta a^T / m; db = mean(delta)
    W = net.weights
    for l in (1, 0):
        al = g.a[l + 1]
        np.testing.assert_allclose(g.delta[l], (W[l + 1].T @ g.delta[l + 1]) * al * (1 - al),
                                   rtol=1e-14)
    for l in range(3):
        np.testing.assert_allclose(g.dW[l], g.delta[l] @ g.a[l].T / 6, rtol=1e-14)
        np.testing.assert_allclose(g.db[l], g.delta[l].mean(axis=1, keepdims=True), rtol=1e-14)
    # The reported loss is mean((y-a)^2); the cost the update descends is half of it here.
    assert g.loss == pytest.approx(float(np.mean((Y - a) ** 2)), rel=1e-15)
    assert g.cost == pytest.approx(g.loss / 2, rel=1e-15)


def test_every_combination_is_covered():
    assert len(COMBOS) == len(HIDDEN_ACTIVATIONS) * 6
    assert {c[2] for c in COMBOS} == set(LOSSES)
    assert len(list(itertools.product(COMBOS, REGS))) >= 90
