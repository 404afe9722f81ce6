"""What only SqliteStore promises: a file that survives, shared by connections, JSON text. The
contract every store keeps is in ``test_store_contract.py``."""

from __future__ import annotations

import json
from pathlib import Path

from nnplayground.sessions.store import SqliteStore
from tests.sessions.test_store_contract import state


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
