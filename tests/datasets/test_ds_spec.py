"""DatasetSpec validates itself: each bad choice raises DatasetError naming its field."""

from __future__ import annotations

from typing import Any

import pytest

from nnplayground.datasets import DATASETS, DatasetError, DatasetSpec, default_spec


def test_error_is_a_value_error_with_message_and_field() -> None:
    with pytest.raises(ValueError) as info:
        DatasetSpec("circle", noise=2.0)
    assert isinstance(info.value, DatasetError)
    assert info.value.field == "noise"
    assert "noise" in info.value.message and str(info.value) == info.value.message


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(DatasetError) as info:
        DatasetSpec("spirals")
    assert info.value.field == "name"
    assert "spirals" in info.value.message
    for name in DATASETS:
        assert name in info.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"n_points": 0}, "n_points"),
        ({"n_points": -5}, "n_points"),
        ({"n_points": 1.5}, "n_points"),
        ({"n_points": True}, "n_points"),
        ({"n_points": "10"}, "n_points"),
        ({"n_points": 10**9}, "n_points"),
        ({"noise": -0.01}, "noise"),
        ({"noise": 0.51}, "noise"),
        ({"noise": 30}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": float("inf")}, "noise"),
        ({"noise": "0.1"}, "noise"),
        ({"noise": None}, "noise"),
        ({"ratio": 0.05}, "ratio"),
        ({"ratio": 1.01}, "ratio"),
        ({"ratio": 0}, "ratio"),
        ({"ratio": float("nan")}, "ratio"),
        ({"ratio": 10**400}, "ratio"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": None}, "seed"),
    ],
)
def test_bad_spec_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    kwargs = {"name": "circle", **kwargs}
    with pytest.raises(DatasetError) as info:
        DatasetSpec(**kwargs)
    assert info.value.field == field
    assert field in info.value.message


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_points": 1},
        {"noise": 0},
        {"noise": 0.5},
        {"ratio": 0.1},
        {"ratio": 1},
        {"ratio": 1.0},
        {"seed": 2**40},
    ],
)
def test_boundary_values_are_accepted(kwargs: dict[str, Any]) -> None:
    spec = DatasetSpec("circle", **kwargs)
    for key, value in kwargs.items():
        assert getattr(spec, key) == value


def test_default_spec_checks_name_and_overrides() -> None:
    assert default_spec("circle_unit").n_points == 8
    assert default_spec("circle_unit", n_points=20, ratio=0.5).n_points == 20
    with pytest.raises(DatasetError) as info:
        default_spec("nope")
    assert info.value.field == "name"
    with pytest.raises(DatasetError) as info:
        default_spec("circle", ratio=0.0)
    assert info.value.field == "ratio"
