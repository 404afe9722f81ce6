"""A challenge on its own: its conditions in words, the first epoch every figure holds, the
rules on the network and the data, and refusals naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from nnplayground.engine import ConfigError
from nnplayground.sessions.challenge import Challenge

CIRCLE = {"name": "circle", "n_points": 200, "noise": 0.0, "ratio": 0.5, "seed": 0}


def test_the_goal_in_words() -> None:
    c = Challenge(test_accuracy=0.95, test_loss=0.05, max_hidden_neurons=0, max_features=1,
                  features=("x1", "x2"))
    assert c.goal() == ("test accuracy ≥ 95.0%, test loss ≤ 0.05, no hidden neurons, "
                        "at most 1 feature, features x1, x2 only")


def test_the_first_epoch_at_which_every_figure_holds() -> None:
    c = Challenge(test_accuracy=0.9, test_loss=0.1)
    series: dict[str, Any] = {
        "train_loss": [0.5, 0.4, 0.3, 0.2, 0.1],
        "test_loss": [0.5, 0.09, 0.2, 0.08, 0.05],
        "test_accuracy": [0.95, 0.8, 0.91, 0.92, None],
        "accuracy": [None] * 5,
    }
    assert c.first_met(11, series) == 14  # epoch 12 has the loss, not the accuracy
    assert Challenge(accuracy=0.5).first_met(1, series) is None  # not tracked: never
    assert Challenge(train_loss=0.3).first_met(1, {"train_loss": [float("nan"), 0.3]}) == 2


def test_the_rules_on_the_network_and_the_data() -> None:
    c = Challenge(test_accuracy=0.9, max_hidden_neurons=3, max_hidden_layers=1,
                  features=("x1", "x2")).on(CIRCLE)
    ok = {x["name"]: x["ok"] for x in c.network_conditions((3,), ("x1", "x2"), CIRCLE, False)}
    assert ok == {"max_hidden_neurons": True, "max_hidden_layers": True, "features": True,
                  "dataset": True}
    broken = {x["name"]: x for x in c.network_conditions((2, 2), ("x1", "x1*x2"),
                                                         {**CIRCLE, "noise": 0.1}, False)}
    assert broken["max_hidden_neurons"]["value"] == 4 and not broken["max_hidden_neurons"]["ok"]
    assert not broken["max_hidden_layers"]["ok"] and not broken["features"]["ok"]
    assert not broken["dataset"]["ok"]
    own = {x["name"]: x["ok"] for x in c.network_conditions((3,), ("x1",), CIRCLE, True)}
    assert own["dataset"] is False and own["features"] is True
    assert c.on({"name": "xor"}).dataset == CIRCLE  # set once, on its first data


def test_it_survives_its_dict() -> None:
    c = Challenge(test_accuracy=0.9, features=("x1*x2",), text="XOR").on(CIRCLE)
    assert Challenge.from_dict(c.to_dict()) == c


@pytest.mark.parametrize(("data", "field"), [
    ({}, "challenge"), ({"max_features": 1}, "challenge"),
    ({"accuracy": 1.2}, "challenge.accuracy"), ({"accuracy": True}, "challenge.accuracy"),
    ({"train_loss": float("inf")}, "challenge.train_loss"),
    ({"accuracy": 0.9, "max_hidden_neurons": -1}, "challenge.max_hidden_neurons"),
    ({"accuracy": 0.9, "features": ["x9"]}, "challenge.features"),
    ({"accuracy": 0.9, "text": "x" * 201}, "challenge.text"),
    ({"accuracy": 0.9, "speed": 3}, "challenge.speed"),
])
def test_refusals_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as exc:
        Challenge.from_dict(data)
    assert exc.value.field == field
