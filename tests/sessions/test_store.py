"""Stores: one contract for MemoryStore and SqliteStore, plus what only SQLite promises."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.sessions.session import Session, hash_token
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.store import MemoryStore, SqliteStore, Store, open_store


def state(sid: str, updated: float = 1.0, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "token_hash": "hash-" + sid, "updated": updated,
            "model": {"weights": [[1.0, 2.0]]}, "history": {"loss": "AAAA"}, **extra}


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "s.db")
    yield s
    s.close()


def test_save_load_delete_index(store: Store) -> None:
    assert store.index() == []
    store.save(state("a", 1.5))
    store.save(state("b", 2.5))
    assert store.load("a") == state("a", 1.5)
    assert sorted(store.index()) == [("a", "hash-a", 1.5), ("b", "hash-b", 2.5)]
    store.delete("a")
    assert store.load("a") is None
    assert store.index() == [("b", "hash-b", 2.5)]
    store.delete("a")  # deleting twice is harmless
    store.delete("never")
    assert store.load("b") == state("b", 2.5)


def test_save_overwrites(store: Store) -> None:
    store.save(state("a", 1.0, version=1))
    store.save(state("a", 7.0, version=2))
    loaded = store.load("a")
    assert loaded is not None and loaded["version"] == 2
    assert store.index() == [("a", "hash-a", 7.0)]


def test_load_missing_is_none(store: Store) -> None:
    assert store.load("missing") is None


def test_states_are_copies(store: Store) -> None:
    original = state("a")
    store.save(original)
    original["model"]["weights"][0][0] = 99.0  # the caller changes its dict after saving
    loaded = store.load("a")
    assert loaded is not None
    assert loaded["model"]["weights"] == [[1.0, 2.0]]
    loaded["model"]["weights"].append([3.0])  # ... or the dict it loaded
    loaded["id"] = "other"
    again = store.load("a")
    assert again == state("a")
    assert again is not loaded


def test_non_finite_numbers_survive(store: Store) -> None:
    """A diverged session's weights may be NaN or infinite."""
    store.save(state("a", model={"weights": [[math.nan, math.inf, -math.inf]]}))
    loaded = store.load("a")
    assert loaded is not None
    w = loaded["model"]["weights"][0]
    assert math.isnan(w[0]) and w[1] == math.inf and w[2] == -math.inf


def test_a_session_survives_the_store(store: Store) -> None:
    s = Session("s1", hash_token("t"), SessionSpec(dataset=DatasetSpec("circle", n_points=30)))
    s.train(4)
    store.save(s.to_state())
    loaded = store.load("s1")
    assert loaded is not None
    t = Session.from_state(loaded)
    assert t.epoch == 4
    assert all(np.array_equal(a, b) for a, b in zip(s.net.params, t.net.params, strict=True))
    assert store.index() == [("s1", hash_token("t"), s.updated)]


def test_sqlite_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "sessions.sqlite3"  # parents are created
    first = SqliteStore(path)
    first.save(state("a", 3.0))
    first.save(state("b"))
    first.delete("b")
    first.close()
    second = SqliteStore(path)
    try:
        assert second.load("a") == state("a", 3.0)
        assert second.load("b") is None
        assert second.index() == [("a", "hash-a", 3.0)]
    finally:
        second.close()


def test_two_sqlite_connections_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    one, two = SqliteStore(path), SqliteStore(path)
    try:
        one.save(state("a", 1.0))
        assert two.load("a") == state("a", 1.0)
        two.save(state("a", 2.0, version=9))
        loaded = one.load("a")
        assert loaded is not None and loaded["version"] == 9
        two.delete("a")
        assert one.load("a") is None and one.index() == []
    finally:
        one.close()
        two.close()


def test_sqlite_stores_json_text(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite3"
    store = SqliteStore(path)
    store.save(state("a", 4.0))
    store.close()
    db = sqlite3.connect(str(path))
    try:
        row = db.execute("SELECT id, token_hash, updated, state FROM sessions").fetchone()
    finally:
        db.close()
    assert row[:3] == ("a", "hash-a", 4.0)
    assert json.loads(row[3]) == state("a", 4.0)


@pytest.mark.parametrize(("kind", "cls"), [("memory", MemoryStore), ("sqlite", SqliteStore)])
def test_open_store(kind: str, cls: Callable[..., Store], tmp_path: Path) -> None:
    store = open_store(kind, tmp_path / "data")
    try:
        assert isinstance(store, cls)
    finally:
        store.close()
    if kind == "sqlite":
        assert (tmp_path / "data" / "sessions.sqlite3").exists()


def test_open_store_rejects_unknown_kinds(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown store"):
        open_store("postgres", tmp_path)
