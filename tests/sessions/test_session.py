"""Session: training and its history, divergence, reset and updates, data, persistence, fork."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetError, DatasetSpec, dataset_info, default_spec
from nnplayground.engine import ConfigError
from nnplayground.presets import PRESETS
from nnplayground.sessions.session import SERIES, Session, grid_points
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.tokens import hash_token

POINTS = {
    "train": [{"x1": 0.0, "x2": 0.0, "label": 0}, {"x1": 1.0, "x2": 1.0, "label": 1},
              {"x1": 0.0, "x2": 1.0, "label": 1}],
    "test": [{"x1": 1.0, "x2": 0.0, "label": 0}],
}


def make(spec: SessionSpec | None = None, **kw: Any) -> Session:
    return Session("s1", hash_token("token"), spec or SessionSpec(**kw))


def small(dataset: str = "circle", **options: Any) -> Session:
    """A quick session: the dataset's defaults with at most 40 points."""
    info = default_spec(dataset)
    ds = DatasetSpec(dataset, n_points=min(info.n_points, 40), ratio=info.ratio,
                     noise=info.noise, seed=info.seed)
    return make(SessionSpec(dataset=ds, **options))


def weights_equal(a: Session, b: Session) -> bool:
    pairs = zip(a.net.W + a.net.b, b.net.W + b.net.b, strict=True)
    return all(np.array_equal(x, y) for x, y in pairs)


def history_of(s: Session) -> dict[str, bytes]:
    """Every series, bit for bit (NaN marks accuracies that are not tracked)."""
    return {k: v.tobytes() for k, v in s.history.items()}


def diverging(finite_weights: bool) -> Session:
    """A session whose training blows up within a few hundred epochs."""
    if finite_weights:  # relu + linear: the loss overflows, the weights stay finite
        return small("plane", hidden_activation="relu", output_activation="linear",
                     learning_rate=10.0)
    # linear everywhere: the weights themselves become infinite / NaN
    return small("plane", hidden_activation="linear", output_activation="linear",
                 learning_rate=1000.0)


# ----- training and history ----------------------------------------------------------------
def test_new_session() -> None:
    s = small()
    assert (s.status, s.epoch, s.version, s.message) == ("idle", 0, 1, None)
    assert all(len(s.history[k]) == 0 for k in SERIES)
    assert s.net.layers == s.spec.layers == (2, 4, 2, 1)
    assert s.X_train.shape == (2, 20) and s.Y_train.shape == (1, 20)
    assert s.X_test.shape == (2, 20) and s.Y_test.shape == (1, 20)


def test_train_appends_history_in_order_and_counts_epochs() -> None:
    s = small()
    a = s.train(5)
    b = s.train(3)
    assert s.epoch == 8
    assert (a.first, b.first) == (1, 6)
    assert s.version == 3
    for name in SERIES:
        assert len(s.history[name]) == 8
        assert list(s.history[name]) == getattr(a, name) + getattr(b, name)
    # full-batch gradient descent at this learning rate: the loss goes down
    assert s.history["train_loss"][-1] < s.history["train_loss"][0]
    event = b.to_event()
    assert event["type"] == "epoch" and event["first"] == 6
    assert len(event["train_loss"]) == 3


def test_training_is_deterministic_for_a_seed() -> None:
    a, b = small(), small()
    a.train(4)
    a.train(6)
    b.train(10)
    assert history_of(a) == history_of(b)
    assert weights_equal(a, b)


def test_accuracy_is_tracked_for_classification() -> None:
    s = small("circle")
    batch = s.train(4)
    assert s.classification
    for name in ("accuracy", "test_accuracy"):
        values = getattr(batch, name)
        assert all(v is not None and 0.0 <= v <= 1.0 for v in values)
    assert all(v is not None and v >= 0 for v in batch.test_loss)
    assert s.summary()["last"]["accuracy"] == batch.accuracy[-1]


def test_accuracy_is_none_for_regression() -> None:
    s = small("plane", output_activation="linear")
    batch = s.train(4)
    assert not s.classification
    assert batch.accuracy == [None] * 4 and batch.test_accuracy == [None] * 4
    assert all(math.isnan(v) for v in s.history["accuracy"])
    assert all(isinstance(v, float) for v in batch.train_loss)
    last = s.summary()["last"]
    assert last["accuracy"] is None and last["test_accuracy"] is None
    assert last["train_loss"] == batch.train_loss[-1]
    json.dumps(s.summary(), allow_nan=False)  # ready for a strict JSON response


def test_no_test_points_means_no_test_loss() -> None:
    s = make(spec=PRESETS["xnor"].spec)
    batch = s.train(3)
    assert s.X_test.shape[1] == 0
    assert batch.test_loss == [None] * 3 and batch.test_accuracy == [None] * 3
    assert all(v is not None for v in batch.accuracy)


@pytest.mark.parametrize("finite_weights", [True, False])
def test_divergence_stops_with_a_message_and_keeps_the_history_finite(
        finite_weights: bool) -> None:
    s = diverging(finite_weights)
    batch = s.train(1000)
    assert s.status == "diverged"
    assert s.message is not None and "diverged" in s.message
    assert 0 < s.epoch < 1000
    assert s.net.is_finite() == finite_weights
    # the history holds exactly the epochs that completed, all finite
    assert batch.first == 1 and len(batch.train_loss) == s.epoch
    for name in ("train_loss", "test_loss"):
        assert len(s.history[name]) == s.epoch
        assert all(math.isfinite(v) for v in s.history[name])
    json.dumps(s.summary(), allow_nan=False)


# ----- reset and updates -------------------------------------------------------------------
def test_reset_gives_the_seeds_initial_weights_back() -> None:
    s = small()
    fresh = small()
    s.train(10)
    assert not weights_equal(s, fresh)
    version = s.version
    s.reset()
    assert (s.epoch, s.status, s.message) == (0, "idle", None)
    assert s.version == version + 1
    assert all(len(s.history[k]) == 0 for k in SERIES)
    assert weights_equal(s, fresh)
    # and it trains exactly like a fresh session
    s.train(5)
    fresh.train(5)
    assert history_of(s) == history_of(fresh)


def test_reset_clears_divergence() -> None:
    s = diverging(finite_weights=False)
    s.train(1000)
    s.reset()
    assert s.status == "idle" and s.message is None and s.net.is_finite()


def test_live_update_keeps_weights_and_history() -> None:
    s = small()
    s.train(10)
    params = [P.copy() for P in s.net.W + s.net.b]
    history = history_of(s)
    assert s.update({"learning_rate": 0.5, "momentum": 0.5}) is False
    assert s.epoch == 10
    assert s.spec.learning_rate == 0.5 and s.spec.momentum == 0.5
    assert s.net.config.learning_rate == 0.5 and s.net.config.momentum == 0.5
    assert all(np.array_equal(a, b) for a, b in zip(params, s.net.W + s.net.b, strict=True))
    assert history_of(s) == history
    s.train(1)
    assert s.epoch == 11


def test_live_update_of_a_diverged_session_pauses_it() -> None:
    s = diverging(finite_weights=True)
    s.train(1000)
    epoch = s.epoch
    assert s.update({"learning_rate": 0.001}) is False
    assert (s.status, s.message, s.epoch) == ("paused", None, epoch)


def test_a_diverged_session_with_broken_weights_stays_diverged_until_reset() -> None:
    s = diverging(finite_weights=False)
    s.train(1000)
    assert s.status == "diverged" and not s.net.is_finite()
    assert s.update({"learning_rate": 0.001}) is False
    assert s.status == "diverged"
    s.reset()
    assert s.status == "idle" and s.net.is_finite()


@pytest.mark.parametrize(
    "changes",
    [{"hidden_layers": [3]}, {"hidden_activation": "tanh"}, {"seed": 5},
     {"features": ["x1", "x2", "x1*x2"]}, {"dataset": {"noise": 0.1}},
     {"learning_rate": 0.5, "seed": 5}],
)
def test_non_live_update_resets(changes: dict[str, Any]) -> None:
    s = small()
    s.train(10)
    assert s.update(changes) is True
    assert (s.epoch, s.status) == (0, "idle")
    assert all(len(s.history[k]) == 0 for k in SERIES)
    expected = small().spec.with_changes(changes)
    assert s.spec == expected
    fresh = make(expected)
    assert weights_equal(s, fresh)
    assert np.array_equal(s.X_train, fresh.X_train)


def test_dataset_change_rebuilds_the_data_and_outputs() -> None:
    s = small("circle")
    s.update({"dataset": {"name": "blobs3"}})
    assert s.spec.dataset == default_spec("blobs3")
    assert s.net.layers == (2, 4, 2, 3)
    assert s.Y_train.shape[0] == 3 and s.data.n_classes == 3


def test_invalid_update_changes_nothing() -> None:
    s = small()
    s.train(3)
    spec, version = s.spec, s.version
    with pytest.raises(ConfigError):
        s.update({"hidden_layers": [0]})
    with pytest.raises(DatasetError):
        s.update({"dataset": {"noise": 5}})
    assert (s.spec, s.version, s.epoch) == (spec, version, 3)


# ----- user-supplied points ----------------------------------------------------------------
def test_set_points_replaces_the_data_and_resets() -> None:
    s = small("xnor")
    s.train(5)
    s.set_points(POINTS)
    assert s.points == POINTS and s.epoch == 0
    assert s.X_train.tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 1.0]]
    assert s.Y_train.tolist() == [[0.0, 1.0, 1.0]]
    assert s.X_test.shape == (2, 1)
    assert s.data.domain == dataset_info("xnor").domain  # the dataset's, not the points' box
    assert s.summary()["custom_data"] is True


def test_set_points_error_keeps_the_old_data_and_weights() -> None:
    s = small("xnor")
    s.set_points(POINTS)
    s.train(5)
    params = [P.copy() for P in s.net.W + s.net.b]
    X, history, version = s.X_train.copy(), history_of(s), s.version
    bad = {"train": [{"x1": 0.0, "x2": 0.0, "label": 7}], "test": []}
    with pytest.raises(DatasetError) as info:
        s.set_points(bad)
    assert info.value.field == "train[0].label"
    assert s.points == POINTS
    assert np.array_equal(s.X_train, X)
    assert s.epoch == 5 and s.version == version and history_of(s) == history
    assert all(np.array_equal(a, b) for a, b in zip(params, s.net.W + s.net.b, strict=True))


def test_set_points_with_a_dataset_takes_its_problem_and_classes_in_one_step() -> None:
    s = small("xnor")
    three = {"train": [{"x1": 0.0, "x2": 0.0, "label": 0}, {"x1": 1.0, "x2": 0.0, "label": 1},
                       {"x1": 0.0, "x2": 1.0, "label": 2}], "test": []}
    s.set_points(three, "blobs3")
    assert (s.spec.dataset.name, s.data.n_classes, s.net.layers[-1]) == ("blobs3", 3, 3)
    assert s.Y_train.tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    spec, points = s.spec, s.points
    regression = {"train": [{"x1": 0.0, "x2": 0.0, "label": 0.5}], "test": []}
    with pytest.raises(DatasetError) as info:
        s.set_points(regression, "and")  # 0.5 is no class of AND: nothing changes
    assert info.value.field == "train[0].label"
    assert (s.spec, s.points, s.data.n_classes) == (spec, points, 3)
    s.set_points(regression, "plane")
    assert (s.data.problem, s.net.layers[-1]) == ("regression", 1)


def test_points_outside_the_datasets_area_are_drawn_over_their_own() -> None:
    s = small("xnor")
    far = {"train": [{"x1": 10.0, "x2": 20.0, "label": 0}, {"x1": 30.0, "x2": 40.0, "label": 1}],
           "test": []}
    s.set_points(far)
    x1min, x1max, x2min, x2max = s.data.domain
    assert x1min < 10 < 30 < x1max and x2min < 20 < 40 < x2max
    assert (x1max - x1min) < 40  # the points' box with a margin, not the dataset's unit square


def test_feature_change_keeps_points_and_dataset_change_drops_them() -> None:
    s = small("xnor")
    s.set_points(POINTS)
    s.update({"features": ["x1", "x2", "x1*x2"]})
    assert s.points == POINTS
    assert s.X_train.shape == (3, 3)
    s.update({"dataset": {"name": "and"}})
    assert s.points is None
    assert s.X_train.shape == (3, 4)


# ----- reading -----------------------------------------------------------------------------
def test_predict_shapes() -> None:
    s = small("circle")
    out = s.predict([[0.0, 0.0], [1.0, 2.0], [-3.0, 4.0]])
    assert np.asarray(out["outputs"]).shape == (3, 1)
    assert set(out["classes"]) <= {0, 1} and len(out["classes"]) == 3
    s = small("blobs3")
    out = s.predict([[0.0, 0.0], [1.0, 2.0]])
    assert np.asarray(out["outputs"]).shape == (2, 3)
    assert np.allclose(np.asarray(out["outputs"]).sum(axis=1), 1.0)  # softmax
    assert all(0 <= c < 3 for c in out["classes"])
    s = small("plane", output_activation="linear")
    out = s.predict([[0.5, 0.5]])
    assert "classes" not in out and np.asarray(out["outputs"]).shape == (1, 1)


@pytest.mark.parametrize("inputs", [[1.0, 2.0], [[1.0, 2.0, 3.0]], [[1.0, float("nan")]]])
def test_predict_rejects_bad_inputs(inputs: Any) -> None:
    with pytest.raises(ConfigError) as info:
        small().predict(inputs)
    assert info.value.field == "inputs"


def test_grid_points_run_row_by_row_from_the_top() -> None:
    pts = grid_points((-1.0, 1.0, -2.0, 2.0), 3)
    assert pts.shape == (2, 9)
    assert pts[:, 0].tolist() == [-1.0, 2.0]   # top left
    assert pts[:, 2].tolist() == [1.0, 2.0]    # top right
    assert pts[:, 8].tolist() == [1.0, -2.0]   # bottom right


def test_grids_shapes_and_values() -> None:
    s = small("blobs3", hidden_layers=(5, 3))
    g = s.grids(7, neurons=True)
    assert g["resolution"] == 7 and g["domain"] == list(s.data.domain)
    assert g["output"].shape == (3, 7, 7)
    assert [n.shape for n in g["neurons"]] == [(5, 7, 7), (3, 7, 7), (3, 7, 7)]
    assert np.array_equal(g["neurons"][-1], g["output"])
    # the grid is the network's output at the grid points
    direct = s.net.forward(s.features(grid_points(s.data.domain, 7).T))
    assert np.allclose(g["output"].reshape(3, -1), direct)
    assert "neurons" not in s.grids(4)


def test_history_since() -> None:
    s = small()
    s.train(6)
    everything = s.history_since(0)
    assert everything.first == 1 and everything.train_loss == list(s.history["train_loss"])
    tail = s.history_since(4)
    assert tail.first == 5 and tail.train_loss == list(s.history["train_loss"][4:])
    assert len(tail.accuracy) == 2
    assert s.history_since(6).train_loss == [] and s.history_since(6).first == 7
    beyond = s.history_since(99)
    assert beyond.first == 7 and beyond.train_loss == []
    assert s.history_since(-3).first == 1 and len(s.history_since(-3).train_loss) == 6


def test_regression_history_since_turns_nan_into_none() -> None:
    s = small("plane", output_activation="linear")
    s.train(3)
    batch = s.history_since(1)
    assert batch.accuracy == [None, None]
    json.dumps(batch.to_event(), allow_nan=False)


def test_summary_and_model() -> None:
    s = small()
    s.train(2)
    summary = s.summary()
    assert summary["id"] == "s1" and summary["epoch"] == 2 and summary["status"] == "idle"
    assert summary["layers"] == [2, 4, 2, 1] and summary["problem"] == "classification"
    assert summary["spec"] == s.spec.to_dict() and summary["custom_data"] is False
    model = s.model()
    assert model["spec"] == s.spec.to_dict() and model["epoch"] == 2
    assert np.array_equal(np.asarray(model["weights"][0]), s.net.weights[0])


# ----- persistence and fork ----------------------------------------------------------------
def round_trip(s: Session) -> Session:
    return Session.from_state(json.loads(json.dumps(s.to_state())))


@pytest.mark.parametrize("options", [{}, {"optimizer": "adam", "batch_size": 7},
                                     {"optimizer": "momentum", "dtype": "float32"}])
def test_state_round_trip_is_exact(options: dict[str, Any]) -> None:
    s = small("circle", **options)
    s.train(7)
    s.status = "paused"
    t = round_trip(s)
    assert (t.id, t.token_hash, t.spec, t.status, t.version) == (
        s.id, s.token_hash, s.spec, s.status, s.version)
    assert (t.created, t.updated, t.epoch) == (s.created, s.updated, 7)
    assert weights_equal(s, t)
    assert history_of(t) == history_of(s)
    assert t.net.rng_state == s.net.rng_state
    assert t.net.optimizer.state() == s.net.optimizer.state()
    # the restored session goes on exactly as the original would have
    s.train(5)
    t.train(5)
    assert history_of(t) == history_of(s)
    assert weights_equal(s, t)


def test_running_session_comes_back_paused() -> None:
    s = small()
    s.train(3)
    s.status = "running"
    assert round_trip(s).status == "paused"


def test_custom_points_survive_the_round_trip() -> None:
    s = small("xnor")
    s.set_points(POINTS)
    t = round_trip(s)
    assert t.points == POINTS and np.array_equal(t.X_train, s.X_train)
    assert t.data.domain == s.data.domain


@pytest.mark.parametrize("finite_weights", [True, False])
def test_diverged_session_round_trips(finite_weights: bool) -> None:
    s = diverging(finite_weights)
    s.train(1000)
    t = round_trip(s)
    assert (t.status, t.message, t.epoch) == ("diverged", s.message, s.epoch)
    assert history_of(t) == history_of(s)
    for a, b in zip(s.net.W + s.net.b, t.net.W + t.net.b, strict=True):
        assert np.array_equal(a, b, equal_nan=True)
    t.reset()
    assert t.net.is_finite() and t.epoch == 0


def test_fork_copies_everything_but_identity() -> None:
    s = small("xnor")
    s.set_points(POINTS)
    s.train(6)
    s.update({"learning_rate": 0.3})
    s.status = "paused"
    f = s.fork("s2", hash_token("other"))
    assert (f.id, f.token_hash, f.parent, f.version) == ("s2", hash_token("other"), "s1", 1)
    assert (f.spec, f.points, f.epoch, f.status) == (s.spec, s.points, 6, "paused")
    assert weights_equal(f, s) and history_of(f) == history_of(s)
    assert f.net.rng_state == s.net.rng_state
    # the two go their own ways
    f.train(2)
    assert s.epoch == 6 and f.epoch == 8
    assert f.summary()["parent"] == "s1" and s.summary()["parent"] is None


def test_fork_of_a_running_session_is_not_running() -> None:
    s = small()
    s.train(2)
    s.status = "running"
    assert s.fork("s2", "h").status != "running"
    assert s.status == "running"


@pytest.mark.parametrize("dataset", ["plane", "multi_gaussian", "sin_regression"])
def test_regression_reports_rmse_and_r2_of_the_last_epoch(dataset: str) -> None:
    """``last`` carries RMSE and R² of the weights the last epoch's loss was measured with,
    equal to a NumPy computation from the predictions (R² = 1 - SS_res / SS_tot)."""
    s = Session("s", "h", SessionSpec(hidden_activation="tanh", learning_rate=0.05,
                                      dataset=default_spec(dataset)))
    s.train(199)
    figures = {}
    for prefix, X, Y in (("", s.data.X_train, s.data.Y_train), ("test_", s.data.X_test,
                                                                  s.data.Y_test)):
        if not X.shape[1]:  # (2, m): no test points
            continue
        a = np.asarray(s.predict(X.T.tolist())["outputs"]).T  # before epoch 200's update
        figures[prefix + "rmse"] = math.sqrt(np.mean((Y - a) ** 2))
        figures[prefix + "r2"] = 1 - np.sum((Y - a) ** 2) / np.sum((Y - np.mean(Y)) ** 2)
    s.train(1)
    last = s.summary()["last"]
    for key, want in figures.items():
        assert last[key] == pytest.approx(want, rel=1e-9, abs=1e-12), key
    if not s.data.X_test.shape[1]:
        assert last["test_rmse"] is None and last["test_r2"] is None


def test_classification_has_no_rmse_or_r2() -> None:
    s = Session("s", "h", SessionSpec(dataset=default_spec("circle")))
    s.train(3)
    assert not {"r2", "rmse", "test_r2", "test_rmse"} & set(s.summary()["last"])
