"""One store contract, run against memory, sqlite and redis (what only the redis store does is
in ``tests/cluster/test_store.py``).

The redis cases use the real ``redis-server`` of ``tests/conftest.py`` (skipped without it
locally, failing in CI), emptied before each test.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.sessions.session import SERIES, Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.store import MemoryStore, SqliteStore, Store
from nnplayground.sessions.tokens import hash_token

SPEC = SessionSpec(dataset=DatasetSpec("circle", n_points=30))


def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SqliteStore(tmp_path / "s.sqlite3")
    from nnplayground.cluster.store import RedisStore  # (the redis client: an optional extra)

    return RedisStore(request.getfixturevalue("redis_url"))


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = make_store(request.param, tmp_path, request)
    yield s
    s.close()


def state(sid: str, updated: float = 1.0, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "token_hash": "hash-" + sid, "updated": updated,
            "model": {"weights": [[1.0, 2.0]]}, "history": {"loss": "AAAA"}, **extra}


def session(sid: str = "s1") -> Session:
    return Session(sid, hash_token("t-" + sid), SPEC)


def same_session(a: Session, b: Session) -> bool:
    pairs = zip(a.net.W + a.net.b, b.net.W + b.net.b, strict=True)
    return (a.epoch == b.epoch and a.status == b.status and a.version == b.version
            and all(np.array_equal(x, y) for x, y in pairs)
            and all(a.history[k] == b.history[k] for k in SERIES))


# ----- the contract ------------------------------------------------------------------------
def test_save_load_delete_index(store: Store) -> None:
    assert store.index() == []
    store.save(state("a", 1.5))
    store.save(state("b", 2.5))
    assert store.load("a") == state("a", 1.5)
    assert sorted(store.index()) == [("a", "hash-a", 1.5), ("b", "hash-b", 2.5)]
    store.delete("a")
    assert store.load("a") is None
    assert store.index() == [("b", "hash-b", 2.5)]
    store.delete("a")  # twice is harmless, and so is an unknown id
    store.delete("never")
    assert store.load("b") == state("b", 2.5)


def test_load_missing_is_none(store: Store) -> None:
    assert store.load("missing") is None


def test_save_overwrites(store: Store) -> None:
    store.save(state("a", 1.0, version=1))
    store.save(state("a", 7.0, version=2, history={"loss": "AAAAAAAA"}))
    loaded = store.load("a")
    assert loaded is not None and loaded["version"] == 2
    assert loaded["history"] == {"loss": "AAAAAAAA"}
    assert store.index() == [("a", "hash-a", 7.0)]


def test_states_are_copies(store: Store) -> None:
    original = state("a")
    store.save(original)
    original["model"]["weights"][0][0] = 99.0
    loaded = store.load("a")
    assert loaded is not None and loaded["model"]["weights"] == [[1.0, 2.0]]
    loaded["id"] = "other"
    assert store.load("a") == state("a")


def test_non_finite_numbers_survive(store: Store) -> None:
    store.save(state("a", model={"weights": [[math.nan, math.inf, -math.inf]]}))
    loaded = store.load("a")
    assert loaded is not None
    w = loaded["model"]["weights"][0]
    assert math.isnan(w[0]) and w[1] == math.inf and w[2] == -math.inf


@pytest.mark.parametrize("history", [
    None, "not a dict", {"loss": "not base64!"}, {"loss": "AAA"}, {"loss": 3}, {},
    {"a": "", "b": base64.b64encode(b"\x01" * 24).decode()},
])
def test_any_history_round_trips(store: Store, history: Any) -> None:
    """Histories that are not base64 series are kept as they are."""
    st = state("a", history=history)
    if history is None:
        del st["history"]
    store.save(st)
    assert store.load("a") == st
    store.save(state("a"))  # and the next save of the usual shape replaces them
    assert store.load("a") == state("a")


def test_a_session_survives_checkpoints_resets_and_imports(store: Store) -> None:
    """A session saved as it trains, is reset, trains again and imports a model: every load
    rebuilds exactly the session that was saved."""
    s = session()
    for epochs in (0, 5, 1, 40, 0, 3):
        s.train(epochs) if epochs else None
        store.save(s.to_state())
        loaded = store.load(s.id)
        assert loaded == s.to_state()
        assert same_session(Session.from_state(loaded), s)
    s.reset()
    store.save(s.to_state())
    assert store.load(s.id) == s.to_state()
    s.train(60)  # longer than before the reset: the old bytes must not survive
    store.save(s.to_state())
    assert same_session(Session.from_state(store.load(s.id) or {}), s)
    model = s.model()
    s.train(10)
    store.save(s.to_state())
    s.load_model(model)  # history starts again
    store.save(s.to_state())
    assert store.load(s.id) == s.to_state()
    assert store.index() == [(s.id, s.token_hash, s.updated)]


def test_many_checkpoints(store: Store) -> None:
    """More checkpoints than the redis stream keeps entries: still every epoch, in order."""
    s = session()
    for _ in range(150):
        s.train(2)
        store.save(s.to_state())
    loaded = store.load(s.id)
    assert loaded is not None and loaded == s.to_state()
    assert len(Session.from_state(loaded).history["train_loss"]) == 300


def test_two_stores_share_states(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Two connections (two processes) see each other's writes: sqlite and redis."""
    for kind in ("sqlite", "redis"):
        one, two = (make_store(kind, tmp_path / kind, request) for _ in range(2))
        try:
            s = session()
            s.train(5)
            one.save(s.to_state())
            t = Session.from_state(two.load(s.id) or {})
            t.train(5)  # the other process continues the same session
            two.save(t.to_state())
            s.train(5)
            loaded = one.load(s.id)
            assert loaded == t.to_state()
            assert same_session(Session.from_state(loaded or {}), s)
            two.delete(s.id)
            assert one.load(s.id) is None and one.index() == []
        finally:
            one.close()
            two.close()


def test_the_local_stores_say_which_class_a_fork_is_in(store: Store) -> None:
    """What a registry rebuilt at start-up needs to put forks back in their classes (the
    Redis registry keeps its classes itself)."""
    teacher = session("teacher")
    fork = teacher.fork("f1", "hash", classroom="teacher", nickname="Ada")
    store.save(teacher.to_state())
    store.save(fork.to_state())
    expected = {} if type(store).__name__ == "RedisStore" else {"f1": "teacher"}
    assert store.classrooms() == expected
    assert Session.from_state(store.load("f1") or {}).nickname == "Ada"
