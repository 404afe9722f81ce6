"""Presets: the tutorial's exact settings, the outcomes they reach, the worked example's numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from nnplayground.datasets import dataset_info
from nnplayground.engine import feature_matrix, train
from nnplayground.presets import (
    LESSONS,
    PRESETS,
    Preset,
    build_network,
    dataset_for,
    network_for,
    preset_summary,
)
from nnplayground.sessions.spec import SessionSpec
from tests.api.helpers import receive

# name: (layer sizes, learning rate, epochs, print_every, dataset, training points)
TUTORIAL = {
    "xnor": ((2, 2, 1), 1.0, 10000, 2500, "xnor", 4),
    "xnor_deep": ((2, 4, 3, 1), 1.0, 10000, 2500, "xnor", 4),
    "sin_regression": ((2, 16, 8, 4, 1), 1.0, 60000, 10000, "sin_regression", 8),
    "circle": ((2, 8, 4, 1), 1.0, 60000, 10000, "circle_unit", 8),
    "or": ((2, 1), 0.3, 10000, 2000, "or", 4),
    "and": ((2, 1), 0.3, 5000, 1000, "and", 4),
}
CLASSIFIERS = ["xnor", "xnor_deep", "circle", "or", "and"]

W1_AFTER = [[0.14978072, 0.19956143], [0.24975114, 0.29950229]]
W2_AFTER = [[0.35891648, 0.40866619], [0.51130127, 0.56137012]]


def test_the_preset_catalogue() -> None:
    lessons = {p.name for p in LESSONS}
    assert set(PRESETS) == {*TUTORIAL, "worked_example", "playground", *lessons}
    for name, preset in PRESETS.items():
        assert isinstance(preset, Preset) and preset.name == name
        assert preset.title and preset.description and preset.outcome
        assert preset.epochs >= 1 and 1 <= preset.print_every <= preset.epochs


@pytest.mark.parametrize("name", sorted(TUTORIAL))
def test_tutorial_presets_use_the_tutorial_settings(name: str) -> None:
    layers, lr, epochs, print_every, dataset, m = TUTORIAL[name]
    p = PRESETS[name]
    config = p.spec.network_config()
    assert config.layers == layers and config.learning_rate == lr
    assert (p.epochs, p.print_every) == (epochs, print_every)
    assert (config.hidden_activation, config.output_activation, config.loss) == (
        "sigmoid", "sigmoid", "mse",
    )  # fmt: skip
    assert (config.init, config.optimizer, config.batch_size) == ("he", "sgd", None)
    assert config.regularization == "none" and p.spec.features == ("x1", "x2")
    data = dataset_for(p)
    assert data.name == dataset and data.X_train.shape == (2, m) and data.X_test.shape[1] == 0
    assert p.weights is None and p.biases is None


def _trained(name: str) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Final training loss and accuracy, predictions and expected classes of a preset run."""
    p = PRESETS[name]
    net, X, Y = network_for(p)
    history = train(net, X, Y, p.epochs)
    assert net.epoch == p.epochs and history.loss.shape == (p.epochs,)
    assert history.loss[-1] < history.loss[0]
    return net.loss(X, Y), net.accuracy(X, Y), net.predict(X), Y[0]


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_presets_reach_full_accuracy(name: str) -> None:
    loss, accuracy, predicted, expected = _trained(name)
    assert accuracy == 1.0
    assert predicted.tolist() == expected.astype(int).tolist()
    assert loss < 0.01  # the tutorial ends between 1.6e-5 (circle) and 7.9e-3 (AND)


def test_circle_preset_has_both_classes_like_the_tutorial() -> None:
    labels = dataset_for(PRESETS["circle"]).y_train
    assert 0 < labels.sum() < labels.size


def test_sin_regression_preset_fits_below_1e_3() -> None:
    loss, _, _, expected = _trained("sin_regression")
    assert loss < 1e-3
    assert np.ptp(expected) > 0.2  # the targets are spread, so a small loss means a real fit


def test_worked_example_preset_starts_from_the_fixed_weights() -> None:
    p = PRESETS["worked_example"]
    net, X, Y = network_for(p)
    assert net.layers == (2, 2, 2) and p.epochs == 1 and net.config.learning_rate == 0.5
    assert (net.config.output_activation, net.config.loss) == ("sigmoid", "mse")
    np.testing.assert_array_equal(X, [[0.05], [0.10]])
    np.testing.assert_array_equal(Y, [[0.01], [0.99]])
    np.testing.assert_array_equal(net.weights[0], [[0.15, 0.20], [0.25, 0.30]])
    np.testing.assert_array_equal(net.weights[1], [[0.40, 0.45], [0.50, 0.55]])
    np.testing.assert_array_equal(net.biases[0], [[0.35], [0.35]])
    np.testing.assert_array_equal(net.biases[1], [[0.60], [0.60]])
    assert net.loss(X, Y) == pytest.approx(0.2983711088, abs=1e-10)


def test_worked_example_preset_after_one_update() -> None:
    p = PRESETS["worked_example"]
    net, X, Y = network_for(p)
    history = train(net, X, Y, p.epochs)
    assert history.loss[0] == pytest.approx(0.2983711088, abs=1e-10)
    np.testing.assert_allclose(net.weights[0], W1_AFTER, rtol=0, atol=1e-8)
    np.testing.assert_allclose(net.weights[1], W2_AFTER, rtol=0, atol=1e-8)


def test_playground_preset_is_playgrounds_default_screen() -> None:
    p = PRESETS["playground"]
    s = p.spec
    assert (s.dataset.name, s.dataset.n_points, s.dataset.noise, s.dataset.ratio) == (
        "circle", 200, 0.0, 0.5,
    )  # fmt: skip
    assert s.hidden_layers == (4, 2) and s.features == ("x1", "x2")
    assert (s.hidden_activation, s.output_activation, s.loss) == ("tanh", "sigmoid", "mse")
    assert s.learning_rate == 0.03 and s.batch_size == 10 and s.init == "uniform"


def test_playground_preset_learns_the_circle() -> None:
    p = PRESETS["playground"]
    net, X, Y = network_for(p)
    train(net, X, Y, p.epochs)
    data = dataset_for(p)
    X_test = feature_matrix(p.spec.features, data.X_test)
    assert data.X_test.shape == (2, 100)
    assert net.accuracy(X, Y) >= 0.95 and net.accuracy(X_test, data.Y_test) >= 0.95


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_spec_is_valid_and_round_trips(name: str) -> None:
    p = PRESETS[name]
    again = SessionSpec.from_dict(json.loads(json.dumps(p.spec.to_dict())))
    assert again == p.spec
    assert again.network_config() == p.spec.network_config()
    assert p.spec.layers[-1] == dataset_info(p.spec.dataset.name).n_outputs
    if p.weights is not None:
        assert p.biases is not None
        sizes = p.spec.layers
        assert [np.shape(w) for w in p.weights] == list(zip(sizes[1:], sizes[:-1], strict=True))
        assert [len(b) for b in p.biases] == list(sizes[1:])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_network_for_is_reproducible(name: str) -> None:
    (a, Xa, Ya), (b, Xb, Yb) = network_for(PRESETS[name]), network_for(PRESETS[name])
    assert np.array_equal(Xa, Xb) and np.array_equal(Ya, Yb)
    assert Xa.shape == (len(PRESETS[name].spec.features), Ya.shape[1])
    for wa, wb in zip(a.weights, b.weights, strict=True):
        assert np.array_equal(wa, wb)


def test_build_network_without_weights_uses_the_seed() -> None:
    spec = PRESETS["xnor"].spec
    a, b = build_network(spec), build_network(spec)
    c = build_network(SessionSpec.from_dict({**spec.to_dict(), "seed": spec.seed + 1}))
    assert np.array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_summary_is_json_friendly(name: str) -> None:
    p = PRESETS[name]
    summary = preset_summary(p)
    assert json.loads(json.dumps(summary)) == summary
    assert summary["name"] == name and summary["title"] == p.title
    assert summary["description"] == p.description and summary["outcome"] == p.outcome
    assert summary["epochs"] == p.epochs and summary["print_every"] == p.print_every
    assert summary["spec"] == p.spec.to_dict()
    assert summary["layers"] == list(p.spec.layers)
    assert summary["fixed_weights"] is (name == "worked_example")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_play_stops_at_the_presets_epoch_count_with_its_outcome(client: TestClient,
                                                                name: str) -> None:
    """Play on a preset's session pauses by itself at the tutorial's epoch count, where the
    engine run of the tests above reaches the preset's outcome (bit-identically)."""
    preset = PRESETS[name]
    created = client.post("/api/sessions", json={"preset": name}).json()
    sid, token = created["id"], created["token"]
    with client.websocket_connect(f"/api/sessions/{sid}/stream?token={token}") as ws:
        assert receive(ws)["type"] == "hello"
        ws.send_json({"type": "start"})
        while not ((msg := receive(ws))["type"] == "status" and msg["status"] == "paused"):
            pass
    assert msg["epoch"] == preset.epochs
    assert msg["message"].startswith(f"stopped at epoch {preset.epochs:,} (stop_at: epoch")
    net, X, Y = network_for(preset)
    history = train(net, X, Y, preset.epochs)
    summary = client.get(f"/api/sessions/{sid}").json()
    assert summary["last"]["train_loss"] == history.loss[-1]
