"""Multi-output regression: the worked-example set, (m, k) targets, list labels, n_outputs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import (
    DATASETS,
    MAX_OUTPUTS,
    DatasetError,
    DatasetInfo,
    DatasetSpec,
    default_spec,
    from_points,
    generate,
    targets,
)
from nnplayground.datasets.registry import UNIT_DOMAIN
from nnplayground.datasets.tutorial import sin_regression
from nnplayground.sessions.spec import SessionSpec


@pytest.mark.parametrize(
    "spec", [default_spec("worked_example"), DatasetSpec("worked_example", 50, 0.5, 0.1, 7)]
)
def test_worked_example_is_one_fixed_point_with_two_targets(spec: DatasetSpec) -> None:
    d = generate(spec)
    assert d.problem == "regression" and d.n_classes == 0 and d.n_outputs == 2
    assert np.array_equal(d.X_train, [[0.05], [0.10]]) and d.X_train.dtype == np.float64
    assert np.array_equal(d.y_train, [[0.01, 0.99]]) and d.y_train.dtype == np.float64
    assert d.X_test.shape == (2, 0) and d.y_test.shape == (0, 2)
    assert np.array_equal(d.Y_train, [[0.01], [0.99]])
    assert d.Y_test.shape == (2, 0)


def test_worked_example_registry_entry() -> None:
    info = DATASETS["worked_example"]
    assert info.fixed_points and info.default_ratio == 1.0 and info.default_points == 1
    assert info.n_outputs == 2 and info.problem == "regression"
    x1min, x1max, x2min, x2max = info.domain
    assert x1min <= 0.05 <= x1max and x2min <= 0.10 <= x2max


def test_generated_worked_example_cannot_be_changed_through_a_dataset() -> None:
    generate(default_spec("worked_example")).y_train[0, 0] = 5.0
    assert generate(default_spec("worked_example")).y_train[0, 0] == 0.01


@pytest.mark.parametrize(
    ("name", "n_outputs"),
    [("circle", 1), ("xnor", 1), ("plane", 1), ("sin_regression", 1), ("blobs3", 3),
     ("worked_example", 2)],
)  # fmt: skip
def test_n_outputs_per_dataset(name: str, n_outputs: int) -> None:
    assert DATASETS[name].n_outputs == n_outputs
    assert generate(default_spec(name)).n_outputs == n_outputs
    assert SessionSpec(dataset=default_spec(name)).n_outputs == n_outputs


def test_dataset_info_derives_n_outputs_unless_given() -> None:
    def make(problem: Any, n_classes: int, n_outputs: int = 0) -> DatasetInfo:
        return DatasetInfo("t", "T", problem, n_classes, UNIT_DOMAIN, 8, sin_regression, "d",
                           n_outputs=n_outputs)  # fmt: skip

    assert make("classification", 2).n_outputs == 1
    assert make("classification", 5).n_outputs == 5
    assert make("regression", 0).n_outputs == 1
    assert make("regression", 0, 3).n_outputs == 3


def test_session_spec_builds_a_two_output_network_for_the_worked_example() -> None:
    spec = SessionSpec(hidden_layers=(2,), dataset=default_spec("worked_example"))
    config = spec.network_config()
    assert spec.layers == (2, 2, 2) and config.layers == (2, 2, 2)
    assert config.output_activation == "linear" and config.loss == "mse"


# --- targets --------------------------------------------------------------------------------


def test_regression_values_of_shape_m_by_k_give_k_rows() -> None:
    values = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])  # two points, three targets
    Y = targets(values, "regression", 0)
    assert Y.shape == (3, 2) and Y.dtype == np.float64 and Y.flags.c_contiguous
    assert np.array_equal(Y, values.T)
    assert targets(np.zeros((0, 2)), "regression", 0).shape == (2, 0)


def test_regression_values_of_three_dimensions_are_rejected() -> None:
    with pytest.raises(DatasetError) as info:
        targets(np.zeros((2, 2, 2)), "regression", 0)
    assert info.value.field == "labels" and "(m, k)" in info.value.message


def test_classification_labels_stay_one_dimensional() -> None:
    with pytest.raises(DatasetError) as info:
        targets(np.zeros((2, 2), dtype=np.int64), "classification", 2)
    assert info.value.field == "labels"


# --- to_points / from_points ----------------------------------------------------------------


def test_to_points_gives_a_list_of_floats_per_multi_output_label() -> None:
    points = generate(default_spec("worked_example")).to_points()
    assert points == {"train": [{"x1": 0.05, "x2": 0.1, "label": [0.01, 0.99]}], "test": []}
    label = points["train"][0]["label"]
    assert isinstance(label, list) and all(type(v) is float for v in label)


@pytest.mark.parametrize("n_outputs", [None, 2])
def test_round_trip_of_two_target_points(n_outputs: int | None) -> None:
    d = generate(default_spec("worked_example"))
    points = json.loads(json.dumps(d.to_points()))
    back = from_points(points["train"], points["test"], "regression", 0, max_points=5,
                       n_outputs=n_outputs)  # fmt: skip
    assert back.n_outputs == 2
    assert np.array_equal(back.y_train, d.y_train) and back.y_train.dtype == np.float64
    assert back.y_test.shape == (0, 2)
    assert np.array_equal(back.Y_train, d.Y_train)


def test_three_targets_with_a_test_set() -> None:
    train = [{"x1": 0, "x2": 1, "label": [1, 2, 3]}, {"x1": 1, "x2": 0, "label": (4.0, 5, 6)}]
    test = [{"x1": 2, "x2": 2, "label": [-1.5, 0, 1.5]}]
    d = from_points(train, test, "regression", 0, max_points=3)
    assert d.y_train.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert d.y_test.tolist() == [[-1.5, 0.0, 1.5]]
    assert d.Y_test.shape == (3, 1) and d.n_outputs == 3


def test_scalar_regression_labels_still_give_one_dimension() -> None:
    d = from_points([{"x1": 0, "x2": 0, "label": 0.25}], [], "regression", 0, max_points=1,
                    n_outputs=1)  # fmt: skip
    assert d.y_train.shape == (1,) and d.n_outputs == 1


def test_classification_accepts_the_matching_n_outputs() -> None:
    point = [{"x1": 0, "x2": 0, "label": 2}]
    assert from_points(point, [], "classification", 3, max_points=1, n_outputs=3).n_outputs == 3
    assert from_points(point, [], "classification", 4, max_points=1).n_outputs == 4


def _two(label: Any, index: int = 1) -> list[dict[str, Any]]:
    """Two two-target points; the one at ``index`` gets ``label``."""
    points: list[dict[str, Any]] = [{"x1": 0.0, "x2": 0.0, "label": [0.1, 0.2]} for _ in range(2)]
    points[index]["label"] = label
    return points


NAN = float("nan")

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("too few targets", {"train": _two([0.5])}, "train[1].label"),
    ("too many targets", {"train": _two([0.5, 0.5, 0.5])}, "train[1].label"),
    ("number instead of list", {"train": _two(0.5)}, "train[1].label"),
    ("string instead of list", {"train": _two("0.1,0.2")}, "train[1].label"),
    ("dict instead of list", {"train": _two({"a": 1, "b": 2})}, "train[1].label"),
    ("nan target", {"train": _two([0.1, NAN])}, "train[1].label[1]"),
    ("bool target", {"train": _two([True, 0.0])}, "train[1].label[0]"),
    ("string target", {"train": _two(["1", 0.0])}, "train[1].label[0]"),
    ("null target", {"train": _two([0.0, None])}, "train[1].label[1]"),
    ("target beyond bound", {"train": _two([0.0, 2e6])}, "train[1].label[1]"),
    ("huge int target", {"train": _two([10**400, 0.0])}, "train[1].label[0]"),
    ("bad test label", {"test": _two([0.1], index=0)}, "test[0].label"),
    ("missing label", {"train": [{"x1": 0, "x2": 0, "label": [1, 2]}, {"x1": 0, "x2": 0}]},
     "train[1].label"),
    ("list when one output", {"train": _two([0.1, 0.2], 0), "n_outputs": 1}, "train[0].label"),
    ("scalar when n_outputs given", {"train": _two(0.3, 0), "n_outputs": 2}, "train[0].label"),
    ("n_outputs zero", {"n_outputs": 0}, "n_outputs"),
    ("n_outputs too big", {"n_outputs": MAX_OUTPUTS + 1}, "n_outputs"),
    ("n_outputs bool", {"n_outputs": True}, "n_outputs"),
    ("n_outputs string", {"n_outputs": "2"}, "n_outputs"),
    ("classification n_outputs mismatch",
     {"train": [{"x1": 0, "x2": 0, "label": 1}], "problem": "classification", "n_classes": 2,
      "n_outputs": 2}, "n_outputs"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "field"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_multi_output_points_name_the_offender(args: dict[str, Any], field: str) -> None:
    call: dict[str, Any] = {
        "train": _two([0.3, 0.4]),
        "test": [],
        "problem": "regression",
        "n_classes": 0,
        "max_points": 100,
        **args,
    }
    with pytest.raises(DatasetError) as info:
        from_points(
            call.pop("train"), call.pop("test"), call.pop("problem"), call.pop("n_classes"), **call
        )
    assert info.value.field == field
    assert field in info.value.message
