"""from_points(): round trip with to_points, and validation naming the offending point."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DATASETS, DatasetError, DatasetSpec, from_points, generate


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_round_trip_through_to_points(name: str) -> None:
    d = generate(DatasetSpec(name, n_points=40, noise=0.1, ratio=0.75, seed=4))
    points = json.loads(json.dumps(d.to_points()))  # what a client sends back
    back = from_points(points["train"], points["test"], d.problem, d.n_classes, max_points=40)
    assert (back.problem, back.n_classes, back.name) == (d.problem, d.n_classes, "custom")
    for a, b in (
        (d.X_train, back.X_train),
        (d.y_train, back.y_train),
        (d.X_test, back.X_test),
        (d.y_test, back.y_test),
    ):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b)
    assert np.array_equal(back.Y_train, d.Y_train)


def test_to_points_uses_plain_python_numbers() -> None:
    for name, label_type in (("blobs3", int), ("plane", float)):
        points = generate(DatasetSpec(name, n_points=10)).to_points()
        assert set(points) == {"train", "test"}
        assert len(points["train"]) == 5 and len(points["test"]) == 5
        for p in points["train"] + points["test"]:
            assert set(p) == {"x1", "x2", "label"}
            assert type(p["x1"]) is float and type(p["x2"]) is float
            assert type(p["label"]) is label_type


def test_to_points_preserves_order_and_values() -> None:
    d = generate(DatasetSpec("xor", n_points=6, ratio=0.5))
    first = d.to_points()["train"][0]
    assert first == {"x1": d.X_train[0, 0], "x2": d.X_train[1, 0], "label": d.y_train[0]}


def test_integral_float_labels_and_int_coordinates_are_accepted() -> None:
    d = from_points(
        [{"x1": 1, "x2": -2, "label": 1.0}, {"x1": 0.5, "x2": 3, "label": 2}],
        [],
        "classification",
        3,
        max_points=5,
    )
    assert d.y_train.dtype == np.int64 and list(d.y_train) == [1, 2]
    assert d.X_train.dtype == np.float64 and d.X_train.tolist() == [[1.0, 0.5], [-2.0, 3.0]]
    assert d.X_test.shape == (2, 0) and d.y_test.shape == (0,)


def test_extra_keys_are_ignored() -> None:
    d = from_points([{"x1": 0, "x2": 0, "label": 0.5, "colour": "red"}], [], "regression", 0,
                    max_points=1)  # fmt: skip
    assert d.y_train.tolist() == [0.5]


def test_domain_covers_every_point_with_a_margin() -> None:
    train = [{"x1": -1.0, "x2": 2.0, "label": 0}, {"x1": 3.0, "x2": 2.0, "label": 1}]
    test = [{"x1": 5.0, "x2": 2.0, "label": 1}]
    x1min, x1max, x2min, x2max = from_points(train, test, "classification", 2, max_points=3).domain
    assert x1min < -1.0 and x1max > 5.0
    assert x2min < 2.0 < x2max  # all x2 equal: the domain still has a width
    assert all(math.isfinite(v) for v in (x1min, x1max, x2min, x2max))


def _pts(n: int, **override: Any) -> list[dict[str, Any]]:
    """``n`` valid classification points; ``override`` replaces keys of the last one."""
    points: list[dict[str, Any]] = [
        {"x1": 0.1 * i, "x2": -0.1 * i, "label": i % 2} for i in range(n)
    ]
    points[-1].update(override)
    return points


def _without(key: str) -> list[dict[str, Any]]:
    points = _pts(2)
    del points[1][key]
    return points


NAN, INF = float("nan"), float("inf")

BAD: list[tuple[str, dict[str, Any], str]] = [
    # (case id, from_points arguments overriding the valid defaults, expected field)
    ("nan x1", {"train": _pts(4, x1=NAN)}, "train[3].x1"),
    ("inf x2 in test", {"test": _pts(1, x2=INF)}, "test[0].x2"),
    ("-inf x1", {"train": _pts(2, x1=-INF)}, "train[1].x1"),
    ("x1 beyond bound", {"train": _pts(1, x1=2e6)}, "train[0].x1"),
    ("x2 beyond custom bound", {"train": _pts(3, x2=-11.0), "bound": 10.0}, "train[2].x2"),
    ("huge int", {"train": _pts(1, x1=10**400)}, "train[0].x1"),
    ("string coordinate", {"train": _pts(1, x1="1.0")}, "train[0].x1"),
    ("bool coordinate", {"train": _pts(2, x2=True)}, "train[1].x2"),
    ("null coordinate", {"train": _pts(1, x1=None)}, "train[0].x1"),
    ("missing x2", {"train": _without("x2")}, "train[1].x2"),
    ("missing label", {"train": _without("label")}, "train[1].label"),
    ("point not an object", {"train": [*_pts(2), [0.0, 0.0, 1]]}, "train[2]"),
    ("label too big", {"train": _pts(1, label=2)}, "train[0].label"),
    ("negative label", {"test": _pts(2, label=-1)}, "test[1].label"),
    ("fractional label", {"train": _pts(1, label=0.5)}, "train[0].label"),
    ("bool label", {"train": _pts(1, label=True)}, "train[0].label"),
    ("nan label", {"train": _pts(1, label=NAN)}, "train[0].label"),
    ("string label", {"train": _pts(1, label="1")}, "train[0].label"),
    (
        "nan regression target",
        {"train": _pts(2, label=NAN), "problem": "regression", "n_classes": 0},
        "train[1].label",
    ),
    (
        "regression target beyond bound",
        {"train": _pts(1, label=-1e7), "problem": "regression", "n_classes": 0},
        "train[0].label",
    ),
    ("no training points", {"train": []}, "train"),
    ("train not a list", {"train": {"x1": 0, "x2": 0, "label": 0}}, "train"),
    ("test not a list", {"test": "none"}, "test"),
    ("too many train points", {"train": _pts(3), "max_points": 2}, "train"),
    ("too many in total", {"train": _pts(2), "test": _pts(1), "max_points": 2}, "test"),
    ("unknown problem", {"problem": "clustering"}, "problem"),
    ("one class", {"n_classes": 1}, "n_classes"),
    ("too many classes", {"n_classes": 10**6}, "n_classes"),
    ("classes for regression", {"problem": "regression", "n_classes": 2}, "n_classes"),
    ("bad max_points", {"max_points": 0}, "max_points"),
]


@pytest.mark.parametrize(("args", "field"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_points_name_the_offender(args: dict[str, Any], field: str) -> None:
    call: dict[str, Any] = {
        "train": _pts(2),
        "test": [],
        "problem": "classification",
        "n_classes": 2,
        "max_points": 100,
        **args,
    }
    with pytest.raises(DatasetError) as info:
        from_points(
            call.pop("train"), call.pop("test"), call.pop("problem"), call.pop("n_classes"), **call
        )
    assert info.value.field == field
    assert field in info.value.message


def test_error_message_quotes_long_input_briefly() -> None:
    with pytest.raises(DatasetError) as info:
        from_points(_pts(1, x1="y" * 10_000), [], "classification", 2, max_points=5)
    assert len(info.value.message) < 200
