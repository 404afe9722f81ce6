"""The suggested setups: valid configs that learn each dataset within 20 s at their pace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nnplayground.api.schemas import ConfigIn
from nnplayground.datasets import DATASETS
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.setups import GOALS, PAGE_PACE, SETUPS, epoch_at_goal, page_config

SECONDS = 20.0


def session(dataset: str) -> Session:
    changes = ConfigIn.model_validate(page_config(dataset)).changes()
    return Session("s", "h", SessionSpec().with_changes(changes))


def test_the_page_starts_on_the_circle_at_its_pace() -> None:
    config = page_config()
    assert config["dataset"] == {"name": "circle"} and config["pace"] == PAGE_PACE
    assert session("circle").spec.pace == PAGE_PACE


@pytest.mark.parametrize("dataset", sorted(GOALS))
def test_each_setup_reaches_its_goal_within_20_seconds_at_its_pace(dataset: str) -> None:
    s = session(dataset)
    budget = int(SECONDS * s.spec.pace)  # type: ignore[operator]
    done = 0
    while done < budget and epoch_at_goal(dataset, s.history) is None:
        s.train(min(500, budget - done))
        done = s.epoch
    at = epoch_at_goal(dataset, s.history)
    assert at is not None and at <= budget, (dataset, at, budget)


def test_the_api_lists_every_setup_and_goal(client: TestClient) -> None:
    listed = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert set(listed) == set(DATASETS) == set(SETUPS)
    for name, d in listed.items():
        assert d["suggested"] == SETUPS[name]
        assert (d["goal"] is None) == (name not in GOALS)
