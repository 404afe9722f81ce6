"""The API process's index of sessions: who may change what, and who has been idle how long.

Holds ``id -> (token hash, last activity, running)`` for every session, rebuilt from the store
at start-up, so the API can answer 404/401/403 and enforce the session limit and expiry
without asking a worker. What it leaves out: the sessions themselves (workers own them).
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass, field

from ..sessions.session import hash_token


@dataclass
class Entry:
    token_hash: str
    last_active: float = field(default_factory=time.time)
    running: bool = False


class Registry:
    """Session ids known to this server."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, sid: object) -> bool:
        return sid in self._entries

    def load(self, index: list[tuple[str, str, float]]) -> None:
        for sid, token_hash, updated in index:
            self._entries[sid] = Entry(token_hash, updated)

    def add(self, sid: str, token_hash: str) -> None:
        self._entries[sid] = Entry(token_hash)

    def remove(self, sid: str) -> None:
        self._entries.pop(sid, None)

    def touch(self, sid: str, running: bool | None = None) -> None:
        entry = self._entries.get(sid)
        if entry is not None:
            entry.last_active = time.time()
            if running is not None:
                entry.running = running

    def allows(self, sid: str, token: str) -> bool:
        entry = self._entries.get(sid)
        return entry is not None and hmac.compare_digest(entry.token_hash, hash_token(token))

    def idle(self, ttl: float, now: float | None = None) -> list[str]:
        limit = (now or time.time()) - ttl
        return [s for s, e in self._entries.items() if not e.running and e.last_active < limit]
