"""Where sessions are kept between requests and across restarts, behind one small interface.

A store maps a session id to its state (``Session.to_state()``, a JSON-ready dict) and lists
ids with their token hashes so the API can check access without loading a model.

* ``memory``: a dict in the process that owns it (tests, throwaway demos; gone on restart);
* ``sqlite`` (default): one file, stdlib ``sqlite3`` in WAL mode, one connection per process,
  so the API process and every training worker may open it at once;
* ``redis://host:port/db``: shared by several server processes (``cluster/store.py``). A store
  that cannot reach its server raises :class:`~.errors.UnavailableError`.

What it leaves out: which store a server uses (``api/backends.py`` picks it from the
settings), training, locking of running sessions (one worker owns each session), expiry
policy (the API decides what is idle and calls :meth:`Store.delete`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol


class Store(Protocol):
    """Session states by id."""

    def load(self, id: str) -> dict[str, Any] | None: ...
    def save(self, state: dict[str, Any]) -> None: ...
    def delete(self, id: str) -> None: ...
    def index(self) -> list[tuple[str, str, float]]:
        """``(id, token_hash, updated)`` of every stored session."""
        ...
    def classrooms(self) -> dict[str, str]:
        """Fork id -> the teacher's session whose class it is in (``Session.classroom``), for
        a registry rebuilt at start-up (the Redis registry keeps its own: ``{}`` there)."""
        ...
    def close(self) -> None: ...


class MemoryStore:
    """States in a dict (copied in and out, so callers never share mutable state)."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}

    def load(self, id: str) -> dict[str, Any] | None:
        raw = self._data.get(id)
        return None if raw is None else json.loads(raw)

    def save(self, state: dict[str, Any]) -> None:
        self._data[state["id"]] = json.dumps(state)

    def delete(self, id: str) -> None:
        self._data.pop(id, None)

    def index(self) -> list[tuple[str, str, float]]:
        out = []
        for raw in self._data.values():
            s = json.loads(raw)
            out.append((s["id"], s["token_hash"], s["updated"]))
        return out

    def classrooms(self) -> dict[str, str]:
        states = (json.loads(raw) for raw in self._data.values())
        return {s["id"]: s["classroom"] for s in states if s.get("classroom")}

    def close(self) -> None:
        self._data.clear()


class SqliteStore:
    """States as JSON text in one SQLite table."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, token_hash TEXT "
                "NOT NULL, updated REAL NOT NULL, state TEXT NOT NULL, classroom TEXT)"
            )
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(sessions)")}
            if "classroom" not in columns:  # a file from before classes
                self._db.execute("ALTER TABLE sessions ADD COLUMN classroom TEXT")

    def load(self, id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT state FROM sessions WHERE id = ?", (id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def save(self, state: dict[str, Any]) -> None:
        text = json.dumps(state)
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO sessions (id, token_hash, updated, state, classroom) "
                "VALUES (?, ?, ?, ?, ?)",
                (state["id"], state["token_hash"], state["updated"], text,
                 state.get("classroom")),
            )

    def delete(self, id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM sessions WHERE id = ?", (id,))

    def index(self) -> list[tuple[str, str, float]]:
        with self._lock:
            rows = self._db.execute("SELECT id, token_hash, updated FROM sessions").fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def classrooms(self) -> dict[str, str]:
        with self._lock:
            rows = self._db.execute("SELECT id, classroom FROM sessions "
                                    "WHERE classroom IS NOT NULL").fetchall()
        return {r[0]: r[1] for r in rows}

    def close(self) -> None:
        with self._lock:
            self._db.close()

