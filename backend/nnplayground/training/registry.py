"""This process's session registry (:class:`~nnplayground.sessions.registry.SessionRegistry`):
a dict ``id -> (token hash, last activity, running)``, rebuilt from the store at start-up, so
the API answers 404/401/403 and enforces the session limit and expiry without asking a
worker. What it leaves out: the sessions themselves (workers own them), sharing between
processes (``cluster/registry.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..sessions.tokens import token_matches


@dataclass
class Entry:
    token_hash: str
    last_active: float
    running: bool = False


class LocalRegistry:
    """Session ids known to this server; ``clock`` gives the time of activity (unix seconds)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._entries: dict[str, Entry] = {}

    async def load(self, index: list[tuple[str, str, float]]) -> None:
        for sid, token_hash, updated in index:
            self._entries.setdefault(sid, Entry(token_hash, updated))

    async def count(self) -> int:
        return len(self._entries)

    async def exists(self, sid: str) -> bool:
        return sid in self._entries

    async def allows(self, sid: str, token: str) -> bool:
        entry = self._entries.get(sid)
        return entry is not None and token_matches(entry.token_hash, token)

    async def add(self, sid: str, token_hash: str) -> None:
        self._entries[sid] = Entry(token_hash, self.clock())

    async def remove(self, sid: str) -> None:
        self._entries.pop(sid, None)

    async def touch(self, sid: str, running: bool | None = None) -> None:
        entry = self._entries.get(sid)
        if entry is not None:
            entry.last_active = self.clock()
            if running is not None:
                entry.running = running

    async def idle(self, ttl: float) -> list[str]:
        limit = self.clock() - ttl
        return [s for s, e in self._entries.items() if not e.running and e.last_active < limit]

    async def close(self) -> None:
        return None


