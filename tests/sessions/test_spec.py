"""SessionSpec: what it derives (layers, outputs, auto activations), changes, errors by field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nnplayground.datasets import DatasetError, DatasetSpec, default_spec
from nnplayground.engine import LIVE_FIELDS, ConfigError, EngineError
from nnplayground.sessions.spec import LIVE, SessionSpec, StopAt


def spec_for(dataset: str, **options: Any) -> SessionSpec:
    return SessionSpec(dataset=default_spec(dataset), **options)


# ----- derived network ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dataset", "problem", "n_outputs", "output", "loss"),
    [
        ("circle", "classification", 1, "sigmoid", "mse"),
        ("xnor", "classification", 1, "sigmoid", "mse"),
        ("blobs3", "classification", 3, "softmax", "cce"),
        ("plane", "regression", 1, "linear", "mse"),
        ("sin_regression", "regression", 1, "linear", "mse"),
        ("worked_example", "regression", 2, "linear", "mse"),
    ],
)
def test_auto_output_and_loss_follow_the_dataset(dataset: str, problem: str, n_outputs: int,
                                                 output: str, loss: str) -> None:
    spec = spec_for(dataset, hidden_layers=(5, 3))
    assert spec.problem == problem
    assert spec.n_outputs == n_outputs
    assert spec.layers == (2, 5, 3, n_outputs)
    config = spec.network_config()
    assert config.layers == spec.layers
    assert config.output_activation == output
    assert config.loss == loss
    assert config.activations == ("sigmoid", "sigmoid", output)


def test_input_size_is_the_number_of_features() -> None:
    spec = SessionSpec(features=("x1", "x2", "x1^2", "sin_x2"), hidden_layers=())
    assert spec.layers == (4, 1)
    assert spec.network_config().layers == (4, 1)


def test_explicit_output_and_loss_are_kept() -> None:
    spec = spec_for("circle", output_activation="tanh", loss="mse")
    assert spec.network_config().output_activation == "tanh"
    # an explicit softmax with loss "auto" takes cross-entropy
    spec = spec_for("blobs3", output_activation="softmax")
    assert spec.network_config().loss == "cce"
    spec = spec_for("blobs3", output_activation="sigmoid")
    assert spec.network_config().loss == "mse"


def test_every_option_reaches_the_network_config() -> None:
    spec = SessionSpec(hidden_activation="tanh", init="xavier", optimizer="adam",
                       learning_rate=0.02, batch_size=7, regularization="l2", reg_rate=0.001,
                       momentum=0.5, seed=11, dtype="float32")
    config = spec.network_config()
    for name in ("hidden_activation", "init", "optimizer", "learning_rate", "batch_size",
                 "regularization", "reg_rate", "momentum", "seed", "dtype"):
        assert getattr(config, name) == getattr(spec, name), name


def test_live_fields_are_the_engines_and_the_pace() -> None:
    assert LIVE_FIELDS | {"pace", "stop_at"} == LIVE


# ----- pace and stop_at ---------------------------------------------------------------------
def test_pace_and_stop_at_round_trip_and_change_live() -> None:
    spec = SessionSpec(pace=30, stop_at={"epoch": 10_000, "test_accuracy": 0.95})
    assert spec.pace == 30.0 and spec.stop_at == StopAt(epoch=10_000, test_accuracy=0.95)
    d = json.loads(json.dumps(spec.to_dict()))
    assert d["stop_at"] == {"epoch": 10_000, "test_accuracy": 0.95}
    assert SessionSpec.from_dict(d) == spec
    faster = spec.with_changes({"pace": None, "stop_at": None})
    assert faster.pace is None and faster.stop_at is None
    assert SessionSpec().pace is None and SessionSpec().stop_at is None  # the API's default


@pytest.mark.parametrize(("changes", "field"), [
    ({"pace": 0}, "pace"), ({"pace": -1}, "pace"), ({"pace": True}, "pace"),
    ({"pace": float("inf")}, "pace"), ({"pace": 2e6}, "pace"),
    ({"stop_at": {"epoch": 0}}, "stop_at.epoch"), ({"stop_at": {"epoch": True}}, "stop_at.epoch"),
    ({"stop_at": {"accuracy": 1.5}}, "stop_at.accuracy"),
    ({"stop_at": {"test_loss": -1}}, "stop_at.test_loss"),
    ({"stop_at": {"when": 3}}, "stop_at.when"), ({"stop_at": 5}, "stop_at"),
])
def test_bad_pace_and_stop_at_name_the_field(changes: dict, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        SessionSpec().with_changes(changes)
    assert info.value.field == field


def test_stop_at_finds_the_first_epoch_a_condition_holds() -> None:
    series = {"train_loss": [0.5, 0.3, 0.2, 0.1], "test_loss": None,
              "accuracy": [0.5, 0.9, 0.96, 1.0], "test_accuracy": None}
    assert StopAt(epoch=12).first_reached(10, series) == (12, "epoch 12")
    assert StopAt(epoch=14).first_reached(10, series) is None  # after these epochs
    assert StopAt(accuracy=0.95).first_reached(10, series) == (12, "accuracy >= 0.95")
    assert StopAt(train_loss=0.3, epoch=13).first_reached(10, series)[0] == 11
    assert StopAt(test_loss=0.1).first_reached(10, series) is None  # not tracked


# ----- to_dict / from_dict -----------------------------------------------------------------
def test_to_dict_round_trips_through_json() -> None:
    spec = SessionSpec(hidden_layers=(3,), features=("x1", "x2", "x1*x2"), batch_size=5,
                       dataset=DatasetSpec("spiral", n_points=120, noise=0.2, ratio=0.6,
                                           seed=3))
    data = json.loads(json.dumps(spec.to_dict()))
    assert data["hidden_layers"] == [3]
    assert data["dataset"] == {"name": "spiral", "n_points": 120, "noise": 0.2, "ratio": 0.6,
                               "seed": 3}
    assert SessionSpec.from_dict(data) == spec


def test_from_dict_with_defaults() -> None:
    assert SessionSpec.from_dict({}) == SessionSpec()


@pytest.mark.parametrize(
    ("data", "error", "field"),
    [
        ({"nonsense": 1}, ConfigError, "nonsense"),
        ({"zeta": 1, "alpha": 2}, ConfigError, "alpha"),
        ({"features": ["x1", "x3"]}, ConfigError, "features"),
        ({"features": ["x1", "x1"]}, ConfigError, "features"),
        ({"features": []}, ConfigError, "features"),
        ({"learning_rate": -1.0}, ConfigError, "learning_rate"),
        ({"hidden_activation": "cosine"}, ConfigError, "hidden_activation"),
        ({"dataset": {"name": "circle", "noise": 2.0}}, DatasetError, "dataset.noise"),
        ({"dataset": {"name": "circle", "n_points": 0}}, DatasetError, "dataset.n_points"),
        ({"dataset": {"name": "circle", "bogus": 1}}, DatasetError, "dataset.bogus"),
        ({"dataset": {"noise": 0.1}}, DatasetError, "dataset.name"),
        ({"dataset": {"name": "nowhere"}}, DatasetError, "dataset.name"),
        ({"dataset": "circle"}, DatasetError, "dataset"),
    ],
)
def test_from_dict_errors_name_the_field(data: dict[str, Any], error: type[Exception],
                                         field: str) -> None:
    with pytest.raises(error) as info:
        SessionSpec.from_dict(data)
    assert isinstance(info.value, EngineError | DatasetError)
    assert info.value.field == field
    assert info.value.message


# ----- with_changes ------------------------------------------------------------------------
def test_with_changes_returns_a_new_spec() -> None:
    spec = SessionSpec()
    changed = spec.with_changes({"learning_rate": 0.5, "hidden_layers": [3]})
    assert changed.learning_rate == 0.5
    assert changed.hidden_layers == (3,)
    assert spec.learning_rate == 0.1 and spec.hidden_layers == (4, 2)
    assert changed.dataset == spec.dataset


def test_with_changes_validates() -> None:
    with pytest.raises(ConfigError) as info:
        SessionSpec().with_changes({"learning_rate": 0.0})
    assert info.value.field == "learning_rate"
    with pytest.raises(ConfigError) as info:
        SessionSpec().with_changes({"features": ["x1", "x1"]})
    assert info.value.field == "features"


def test_partial_dataset_change_keeps_the_other_fields() -> None:
    spec = SessionSpec(dataset=DatasetSpec("spiral", n_points=120, noise=0.2, ratio=0.6, seed=3))
    changed = spec.with_changes({"dataset": {"noise": 0.1}})
    assert changed.dataset == DatasetSpec("spiral", n_points=120, noise=0.1, ratio=0.6, seed=3)
    same_name = spec.with_changes({"dataset": {"name": "spiral", "seed": 4}})
    assert same_name.dataset == DatasetSpec("spiral", n_points=120, noise=0.2, ratio=0.6, seed=4)


def test_new_dataset_name_takes_its_defaults() -> None:
    spec = SessionSpec(dataset=DatasetSpec("spiral", n_points=120, noise=0.2, ratio=0.6, seed=3))
    assert spec.with_changes({"dataset": {"name": "xnor"}}).dataset == default_spec("xnor")
    assert spec.with_changes({"dataset": {"name": "blobs3"}}).dataset == default_spec("blobs3")
    # the fields given still win over the new dataset's defaults
    changed = spec.with_changes({"dataset": {"name": "circle_unit", "noise": 0.1, "seed": 9}})
    assert changed.dataset == default_spec("circle_unit", noise=0.1, seed=9)
    assert changed.dataset.n_points == 8


def test_dataset_change_rederives_the_outputs() -> None:
    spec = SessionSpec().with_changes({"dataset": {"name": "blobs3"}})
    assert spec.layers == (2, 4, 2, 3)
    assert spec.network_config().output_activation == "softmax"


@pytest.mark.parametrize(
    ("dataset", "field"),
    [
        ({"name": "nowhere"}, "dataset.name"),
        ({"name": ["circle"]}, "dataset.name"),
        ({"noise": 0.9}, "dataset.noise"),
        ({"name": "blobs3", "ratio": 2.0}, "dataset.ratio"),
        ({"colour": "red"}, "dataset.colour"),
    ],
)
def test_with_changes_dataset_errors_name_the_field(dataset: dict[str, Any], field: str) -> None:
    with pytest.raises(DatasetError) as info:
        SessionSpec().with_changes({"dataset": dataset})
    assert info.value.field == field


def test_spec_is_frozen_and_hashable() -> None:
    spec = SessionSpec(hidden_layers=[3, 3], features=["x1", "x2"])  # type: ignore[arg-type]
    assert spec.hidden_layers == (3, 3) and spec.features == ("x1", "x2")
    assert hash(spec) == hash(SessionSpec(hidden_layers=(3, 3)))
    with pytest.raises(AttributeError):
        spec.seed = 1  # type: ignore[misc]
