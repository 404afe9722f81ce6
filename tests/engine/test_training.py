"""The compiled fast path equals the reference algorithm; determinism; divergence; export."""

from __future__ import annotations

import gc
import json
import weakref

import numpy as np
import pytest

from nnplayground.engine import DivergenceError, Network, train

CONFIGS = [
    {},
    {"hidden_activation": "tanh", "output_activation": "linear"},
    {"hidden_activation": "relu", "output_activation": "sigmoid", "loss": "bce"},
    {"hidden_activation": "leaky_relu", "output_activation": "softmax", "loss": "cce"},
    {"hidden_activation": "linear", "output_activation": "softmax", "loss": "mse"},
    {"hidden_activation": "sigmoid", "output_activation": "tanh", "regularization": "l2",
     "reg_rate": 0.01},
    {"hidden_activation": "tanh", "regularization": "l1", "reg_rate": 0.005},
    {"optimizer": "momentum", "momentum": 0.8},
    {"optimizer": "adam", "learning_rate": 0.01, "regularization": "l2", "reg_rate": 0.001},
    {"optimizer": "momentum", "hidden_activation": "relu", "regularization": "l1",
     "reg_rate": 0.01},
]


def problem(n_out: int, m: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    if n_out == 1:
        return X, (X[:1] * X[1:] > 0).astype(float)
    return X, np.eye(n_out)[:, (X[0] > 0).astype(int) + (X[1] > 0)]


@pytest.mark.parametrize("options", CONFIGS)
def test_fast_path_equals_reference_step(options):
    n_out = 3 if options.get("output_activation") == "softmax" else 1
    layers = [2, 5, 4, n_out]
    X, Y = problem(n_out)
    fast = Network(layers, seed=3, learning_rate=options.pop("learning_rate", 0.5), **options)
    ref = Network(config=fast.config)
    history = train(fast, X, Y, 25)
    losses = [ref.step(X, Y).loss for _ in range(25)]
    np.testing.assert_allclose(history.loss, losses, rtol=1e-11)
    for a, b in zip(fast.weights + fast.biases, ref.weights + ref.biases, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert fast.epoch == ref.epoch == 25


def test_same_seed_is_bit_identical_and_another_seed_is_not():
    X, Y = problem(1, m=40)
    runs = []
    for seed in (4, 4, 5):
        net = Network([2, 6, 3, 1], seed=seed, batch_size=8, optimizer="adam",
                      learning_rate=0.01)
        h = train(net, X, Y, 60, X_test=X[:, :10], Y_test=Y[:, :10], track_accuracy=True)
        runs.append((h.loss, h.test_loss, net.weights))
    for a, b in zip(runs[0][2], runs[1][2], strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
    assert not np.array_equal(runs[0][0], runs[2][0])


def test_chunks_equal_one_long_run():
    X, Y = problem(1, m=30)
    one = Network([2, 4, 1], seed=1, batch_size=7)
    h = train(one, X, Y, 40).loss
    two = Network([2, 4, 1], seed=1, batch_size=7)
    parts = [train(two, X, Y, k).loss for k in (13, 1, 26)]
    assert np.array_equal(h, np.concatenate(parts))
    assert all(np.array_equal(a, b) for a, b in zip(one.weights, two.weights, strict=True))


def test_mini_batch_shuffles_every_epoch_and_reports_the_batch_mean():
    X, Y = problem(1, m=20)
    net = Network([2, 3, 1], seed=2, batch_size=5)
    state = net.rng_state
    h = train(net, X, Y, 2)
    check = Network([2, 3, 1], seed=2, batch_size=5)
    check.rng_state = state
    rng = np.random.default_rng()
    rng.bit_generator.state = check.rng.bit_generator.state
    losses = []
    for _ in range(2):
        order = rng.permutation(20)
        batch = [check.step(X[:, order[i:i + 5]], Y[:, order[i:i + 5]]).loss
                 for i in range(0, 20, 5)]
        losses.append(np.mean(batch))
    np.testing.assert_allclose(h.loss, losses, rtol=1e-12)


def test_test_loss_and_accuracy_use_the_weights_the_epoch_started_from():
    X, Y = problem(1, m=16)
    net = Network([2, 4, 1], seed=0, learning_rate=1.0)
    probe = Network(config=net.config)
    h = train(net, X, Y, 3, X_test=X[:, :6], Y_test=Y[:, :6], track_accuracy=True)
    for e in range(3):
        assert h.test_loss[e] == pytest.approx(probe.loss(X[:, :6], Y[:, :6]), rel=1e-12)
        assert h.test_accuracy[e] == probe.accuracy(X[:, :6], Y[:, :6])
        assert h.accuracy[e] == probe.accuracy(X, Y)
        probe.step(X, Y)


@pytest.mark.parametrize("options", [{"learning_rate": 500.0, "hidden_activation": "relu",
                                      "output_activation": "linear"},
                                     {"learning_rate": 900.0, "hidden_activation": "linear",
                                      "output_activation": "linear"}])
def test_divergence_is_reported_not_continued(options):
    X, Y = problem(1, m=10)
    net = Network([2, 8, 8, 1], seed=0, init="uniform", **options)
    with pytest.raises(DivergenceError) as info:
        train(net, X * 100, Y * 100, 500)
    err = info.value
    assert err.completed < 500
    assert net.epoch == err.completed
    assert np.all(np.isfinite(err.history.loss[: err.completed]))
    assert "diverged" in str(err)


def test_no_overflow_warning_for_extreme_inputs():
    net = Network([2, 3, 1], seed=0)
    X = np.array([[1e6, -1e6, 0.0], [-1e6, 1e6, 0.0]])
    out = net.forward(X)
    assert np.all((out >= 0) & (out <= 1))
    train(net, X, np.array([[1.0, 0.0, 1.0]]), 3)
    soft = Network([2, 3], output_activation="softmax", loss="cce", seed=0)
    p = soft.forward(X * 1e3)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    assert soft.gradients(X * 1e3, np.eye(3)[:, [0, 1, 2]]).loss < np.inf


def test_export_import_round_trip_is_bit_identical():
    X, Y = problem(1, m=24)
    net = Network([2, 5, 1], seed=9, optimizer="momentum", batch_size=6, learning_rate=0.3)
    train(net, X, Y, 17)
    data = json.loads(json.dumps(net.to_dict()))
    copy = Network.from_dict(data)
    assert copy.epoch == 17
    assert np.array_equal(copy.forward(X), net.forward(X))
    assert np.array_equal(train(copy, X, Y, 9).loss, train(net, X, Y, 9).loss)


def test_live_hyperparameter_change_keeps_weights():
    X, Y = problem(1)
    net = Network([2, 4, 1], seed=0)
    train(net, X, Y, 5)
    before = net.weights
    net.update(learning_rate=2.0, regularization="l2", reg_rate=0.01)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights, strict=True))
    ref = Network(config=net.config)
    ref.weights, ref.biases = net.weights, net.biases
    np.testing.assert_allclose(train(net, X, Y, 3).loss, [ref.step(X, Y).loss for _ in range(3)],
                               rtol=1e-12)


def test_float32_option_trains_in_float32():
    X, Y = problem(1, m=50)
    net = Network([2, 8, 1], dtype="float32", seed=0, learning_rate=1.0)
    h = train(net, X, Y, 200)
    assert net.weights[0].dtype == np.float32
    assert h.loss[-1] < h.loss[0]


def test_a_network_no_longer_used_is_freed_with_its_compiled_loops():
    X, Y = problem(1)
    net = Network([2, 4, 1], seed=0)
    train(net, X, Y, 3)
    gone = weakref.ref(net)
    del net
    gc.collect()
    assert gone() is None


def test_a_changed_configuration_compiles_a_new_loop():
    X, Y = problem(1)
    net = Network([2, 4, 1], seed=0)
    ref = Network(config=net.config)
    train(net, X, Y, 3)
    for _ in range(3):
        ref.step(X, Y)
    net.update(learning_rate=2.0)  # a new optimiser and configuration: the old loop is stale
    ref.update(learning_rate=2.0)
    np.testing.assert_allclose(train(net, X, Y, 2).loss, [ref.step(X, Y).loss for _ in range(2)],
                               rtol=1e-12)
