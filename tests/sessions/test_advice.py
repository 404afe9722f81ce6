"""Diagnostics and advice: dead ReLUs, saturated sigmoids, an exploding run, the plateau, each
held to a NumPy computation written here (the tutorial's formulas, not the engine's code)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.engine import Network
from nnplayground.engine.diagnostics import Plateau
from nnplayground.presets import PRESETS
from nnplayground.sessions import advice
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.tokens import hash_token


def make(**kw: Any) -> Session:
    return Session("s1", hash_token("token"), SessionSpec(**kw))


def numpy_forward(s: Session, acts: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z and a of every layer on the training data, by the tutorial's formulas."""
    f = {"relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    a, zs, as_ = s.X_train, [], [s.X_train]
    for W, b, name in zip(s.net.W, s.net.b, acts, strict=True):
        z = W @ a + b
        a = f[name](z)
        zs.append(z)
        as_.append(a)
    return zs, as_


def numpy_gradients(s: Session) -> list[np.ndarray]:
    """dW of the tutorial's MSE and sigmoid output: delta = (a - y) a (1 - a), back through
    sigmoid hidden layers, dW = delta a^T / m."""
    _, a = numpy_forward(s, ["sigmoid"] * len(s.net.W))
    m = s.X_train.shape[1]
    delta = (a[-1] - s.Y_train) * a[-1] * (1 - a[-1])
    out: list[np.ndarray] = [np.empty(0)] * len(s.net.W)
    for l in range(len(s.net.W) - 1, -1, -1):
        out[l] = delta @ a[l].T / m
        if l > 0:
            delta = (s.net.W[l].T @ delta) * a[l] * (1 - a[l])
    return out


def findings(s: Session, kind: str) -> list[dict[str, Any]]:
    return [f for f in s.summary()["diagnostics"]["findings"] if f["kind"] == kind]


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_dead_relu_layer_is_reported_for_seeds_0_and_3_not_1(seed: int) -> None:
    s = make(hidden_activation="relu", seed=seed)
    _, a = numpy_forward(s, ["relu", "relu", "sigmoid"])
    dead_by_numpy = [np.flatnonzero((a[l] == 0).all(axis=1)).tolist() for l in (1, 2)]
    d = s.summary()["diagnostics"]
    assert [x["dead"] for x in d["layers"][:2]] == dead_by_numpy
    dead = findings(s, "dead")
    if seed == 1:
        assert dead_by_numpy == [[], []] and dead == []
    else:  # the case: both units of layer 2 are dead at initialisation
        assert dead_by_numpy[1] == [0, 1]
        assert dead[0]["layer"] == 2 and dead[0]["units"] == [0, 1]
        assert dead[0]["message"].startswith("Layer 2: both neurons are dead")
        suggested = dead[0]["action"]["commands"][0]["changes"]["seed"]
        revived = make(hidden_activation="relu", seed=suggested)
        assert findings(revived, "dead") == []


def test_a_dead_run_is_a_plateau_with_no_gradient() -> None:
    s = make(hidden_activation="relu", seed=0)
    s.train(advice.PLATEAU_EPOCHS + 10)
    d = s.summary()["diagnostics"]
    losses = np.asarray(s.history["train_loss"])
    best_at = np.flatnonzero(losses < np.minimum.accumulate(
        np.concatenate(([np.inf], losses[:-1]))) * (1 - 1e-3))[-1]
    assert d["plateau"]["epochs"] == len(losses) - 1 - best_at >= advice.PLATEAU_EPOCHS
    assert [f["kind"] for f in d["findings"]] == ["dead", "plateau"]
    assert all(x["dW_norm"] == 0 for x in d["layers"])  # layer 2 passes nothing on


def test_saturated_sigmoid_layer_and_update_sizes_equal_numpy() -> None:
    s = make(learning_rate=0.5)
    W = s.net.weights
    W[1] = W[1] * 40  # layer 2's |z| is large for almost every point
    s.net.weights = W
    zs, _ = numpy_forward(s, ["sigmoid"] * 3)
    share = (np.abs(zs[1]) > 4).mean(axis=1)
    d = s.summary()["diagnostics"]
    assert d["layers"][1]["saturated"] == np.flatnonzero(share > 0.9).tolist() != []
    assert d["layers"][0]["saturated"] == d["layers"][2]["saturated"] == []
    sat = findings(s, "saturated")
    assert [f["layer"] for f in sat] == [2]
    dW = numpy_gradients(s)
    for x, g, w in zip(d["layers"], dW, s.net.W, strict=True):
        assert x["dW_norm"] == pytest.approx(np.sqrt((g ** 2).sum()), rel=1e-12)
        assert x["W_norm"] == pytest.approx(np.sqrt((w ** 2).sum()), rel=1e-12)
        assert x["update_ratio"] == pytest.approx(0.5 * x["dW_norm"] / x["W_norm"], rel=1e-12)


def test_large_updates_suggest_a_learning_rate_that_aims_at_one_percent() -> None:
    s = make(learning_rate=500)
    d = s.summary()["diagnostics"]
    big = max(d["layers"], key=lambda x: x["update_ratio"])
    assert big["update_ratio"] > advice.LARGE_UPDATE
    (f,) = findings(s, "large_updates")
    assert f["layer"] == big["l"]
    new = f["action"]["commands"][0]["changes"]["learning_rate"]
    assert new == float(f"{500 * 0.01 / big['update_ratio']:.1g}")


def test_large_updates_that_still_lower_the_loss_are_not_reported() -> None:
    """A small network's first updates are large next to its weights, yet each lowers the loss:
    no advice then; the same size of update with the loss going up and down is overshooting."""
    spec = PRESETS["lesson_xor"].spec  # no hidden layer, learning rate 0.3
    s = Session("s1", hash_token("token"), spec)
    (x,) = s.summary()["diagnostics"]["layers"]
    assert advice.LARGE_UPDATE < x["update_ratio"] < advice.OVERSHOOT
    assert findings(s, "large_updates") == []
    s = Session("s1", hash_token("token"), dataclasses.replace(spec, learning_rate=3))
    s.train(200)
    (x,) = s.summary()["diagnostics"]["layers"]
    losses = list(s.history["train_loss"])[-advice.RECENT_EPOCHS:]
    assert advice.LARGE_UPDATE < x["update_ratio"] < advice.OVERSHOOT
    assert losses[-1] > min(losses)  # it went up again
    assert len(findings(s, "large_updates")) == 1


def test_exploding_linear_run_names_the_epoch_and_layer_numpy_finds() -> None:
    s = make(hidden_activation="linear", output_activation="linear", learning_rate=10)
    W, b = s.net.weights, s.net.biases
    s.train(50)
    assert s.status == "diverged"
    # the tutorial's loop: linear layers, MSE, delta = a - y, W -= lr * dW
    X, Y, m = s.X_train, s.Y_train, s.X_train.shape[1]
    ratio, found = None, None
    with np.errstate(all="ignore"):
        for epoch in range(1, 51):
            a = [X]
            for l in range(3):  # going forward: a layer's W and b, then its z
                if not (np.isfinite(W[l]).all() and np.isfinite(b[l]).all()):
                    found = (epoch, l + 1)
                    break
                a.append(W[l] @ a[-1] + b[l])
                if not np.isfinite(a[-1]).all():
                    found = (epoch, l + 1)
                    break
            if found:
                break
            delta = a[-1] - Y
            dW = []
            for l in range(2, -1, -1):
                dW.insert(0, delta @ a[l].T / m)
                db = delta.sum(axis=1, keepdims=True) / m
                delta = W[l].T @ delta
                b[l] = b[l] - 10 * db
            ratio = max(10 * np.linalg.norm(g / abs(g).max()) * abs(g).max()
                        / (np.linalg.norm(w / abs(w).max()) * abs(w).max())
                        for g, w in zip(dW, W, strict=True))
            W = [w - 10 * g for w, g in zip(W, dW, strict=True)]
    assert found is not None
    d = s.summary()["diagnostics"]["divergence"]
    assert (d["epoch"], d["layer"]) == found
    assert d["last_update_ratio"] == pytest.approx(ratio, rel=1e-9)
    (f,) = s.summary()["diagnostics"]["findings"]
    assert f["kind"] == "diverged" and f"epoch {found[0]}" in f["message"]
    assert f["action"]["commands"] == [{"type": "reset"},
                                       {"type": "set", "changes": {"learning_rate": 1.0}}]
    back = Session.from_state(s.to_state())
    assert back.summary()["diagnostics"]["divergence"] == d
    s.reset()
    assert s.summary()["diagnostics"]["divergence"] is None


def test_plateau_counts_epochs_since_the_last_real_gain() -> None:
    p = Plateau()
    p.feed([5.0, 4.0, 3.0, 3.0])
    p.feed([2.9999, 3.0, 3.0])  # less than 0.1% better: no gain
    assert (p.stalled, p.best) == (4, 2.9999)
    p.feed([1.0])
    assert p.stalled == 0


def test_bias_init_sets_every_bias() -> None:
    net = Network([2, 4, 2, 1], bias_init=0.1)
    assert all(np.array_equal(b, np.full_like(b, 0.1)) for b in net.b)
    assert all(not b.any() for b in Network([2, 4, 2, 1]).b)


def test_a_loss_that_blew_up_with_finite_weights_reports_json_safe_figures() -> None:
    s = make(hidden_activation="relu", output_activation="linear", learning_rate=10.0,
             dataset=DatasetSpec("plane", n_points=40))
    s.train(5000)
    assert s.status == "diverged" and s.net.is_finite()
    d = s.summary()["diagnostics"]
    json.dumps(d, allow_nan=False)  # Starlette refuses NaN: this must not raise
    assert d["divergence"]["epoch"] == s.epoch + 1
    assert d["findings"][0]["kind"] == "diverged"


# ----- figures in words --------------------------------------------------------------------
def long_digit_runs(text: str) -> list[str]:
    """Runs of more than 4 digits (thousands separators and exponents break them)."""
    return re.findall(r"\d{5,}", text)


@pytest.mark.parametrize(("x", "words"), [
    (0.0, "0"), (0.35123, "0.351"), (35.123, "35.1"), (301922.4, "302,000"),
    (999_999.0, "1e+06"), (123456789012345.678, "1.23e+14"), (2.3294e95, "2.33e+95"),
    (3.2e-7, "3.2e-07"), (float("inf"), "non-finite"), (float("nan"), "non-finite"),
])
def test_figures_have_three_significant_digits_and_name_non_finite_ones(
        x: float, words: str) -> None:
    assert advice.figure(x) == words


@pytest.mark.parametrize(("ratio", "words"), [
    (0.35, "35% of"), (3.0192, "302% of"), (3019.224, "3,020 times"),
    (2.3294e95, "2.33e+95 times"), (3.2e-7, "3.2e-05% of"), (0.0, "0% of"),
    (float("inf"), "a non-finite multiple of"),
])
def test_update_sizes_are_percentages_then_multiples(ratio: float, words: str) -> None:
    assert advice.update_size(ratio) == words


def test_an_exploding_run_says_its_last_update_in_three_significant_figures() -> None:
    s = make(hidden_activation="linear", output_activation="linear", learning_rate=1000,
             dataset=DatasetSpec("plane", n_points=40))
    s.train(50)
    ratio = s.divergence["last_update_ratio"]  # type: ignore[index]
    assert s.status == "diverged" and ratio > 1e50
    (f,) = s.summary()["diagnostics"]["findings"]
    assert f"the last finite update was {float(f'{ratio:.3g}'):.3g} times the weights" \
        in f["message"]
    assert long_digit_runs(f["message"]) == []


def test_huge_updates_are_said_as_a_multiple_of_the_weights() -> None:
    s = make(hidden_activation="linear", output_activation="linear", learning_rate=1000)
    (f,) = findings(s, "large_updates")
    big = max(x["update_ratio"] for x in s.summary()["diagnostics"]["layers"])
    assert 1000 < big < 1e6
    assert f["message"].startswith(f"Updates are {float(f'{big:.3g}'):,.0f} times the weights")
    assert long_digit_runs(f["message"]) == []
