"""This process's session registry (:class:`~nnplayground.sessions.registry.SessionRegistry`):
a dict ``id -> (token hash, last activity, running, client, opened, kept)``, rebuilt from the
store at start-up, so the API answers 404/401/403 and enforces the session limit, quotas and
expiry without asking a worker. What it leaves out: the sessions themselves (workers own
them), sharing between processes (``cluster/registry.py``).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..sessions.tokens import token_matches

MAX_EXPIRED = 100_000  # expired ids remembered (older ones answer not found)


@dataclass
class Entry:
    token_hash: str
    last_active: float
    running: bool = False
    client: str = ""
    opened: bool = False  # used after its creation
    kept: bool = False


class LocalRegistry:
    """Session ids known to this server; ``clock`` gives the time of activity (unix seconds)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._entries: dict[str, Entry] = {}
        self._held: Counter[str] = Counter()  # sessions per client
        self._expired: OrderedDict[str, None] = OrderedDict()  # the last MAX_EXPIRED ids

    async def load(self, index: list[tuple[str, str, float]],
                   clients: dict[str, str] | None = None) -> None:
        """Register stored sessions; ``clients`` names the quota key holding some of them
        (a fork's class: ``class:<teacher's id>``, from ``Store.classrooms``)."""
        for sid, token_hash, updated in index:
            if sid not in self._entries:
                client = (clients or {}).get(sid, "")
                self._entries[sid] = Entry(token_hash, updated, client=client)
                self._held[client] += 1

    async def count(self) -> int:
        return len(self._entries)

    async def exists(self, sid: str) -> bool:
        return sid in self._entries

    async def allows(self, sid: str, token: str) -> bool:
        entry = self._entries.get(sid)
        return entry is not None and token_matches(entry.token_hash, token)

    async def add(self, sid: str, token_hash: str, client: str = "") -> None:
        old = self._entries.get(sid)
        if old is not None:
            self._held[old.client] -= 1
        self._entries[sid] = Entry(token_hash, self.clock(), client=client)
        self._held[client] += 1

    async def client_of(self, sid: str) -> str:
        entry = self._entries.get(sid)
        return "" if entry is None else entry.client

    async def held(self, client: str) -> int:
        return self._held[client]

    async def members(self, client: str) -> list[str]:
        return sorted(s for s, e in self._entries.items() if e.client == client)

    async def remove(self, sid: str) -> None:
        entry = self._entries.pop(sid, None)
        if entry is not None:
            self._held[entry.client] -= 1

    async def touch(self, sid: str, running: bool | None = None) -> None:
        entry = self._entries.get(sid)
        if entry is not None:
            entry.last_active = self.clock()
            entry.opened = True
            if running is not None:
                entry.running = running

    async def idle(self, ttl: float, unopened_ttl: float | None = None) -> list[str]:
        now = self.clock()
        short = ttl if unopened_ttl is None else min(ttl, unopened_ttl)

        def lifetime(e: Entry) -> float:
            return ttl if e.opened or e.kept else short

        return [s for s, e in self._entries.items()
                if not e.running and e.last_active < now - lifetime(e)]

    async def least_recent(self, n: int) -> list[str]:
        free = [(e.last_active, s) for s, e in self._entries.items()
                if not e.running and not e.kept]
        return [s for _, s in heapq.nsmallest(n, free)]

    async def keep(self, sid: str, limit: int) -> bool:
        entry = self._entries.get(sid)
        if entry is None or entry.kept:
            return entry is not None
        if sum(e.kept for e in self._entries.values()) >= limit:
            return False
        entry.kept = True
        return True

    async def expire(self, sid: str) -> None:
        await self.remove(sid)
        self._expired[sid] = None
        while len(self._expired) > MAX_EXPIRED:
            self._expired.popitem(last=False)

    async def expired(self, sid: str) -> bool:
        return sid in self._expired

    async def close(self) -> None:
        return None


