"""The session registry as the API sees it: :class:`SessionRegistry`.

The index the API checks ids, tokens, quotas, the session limit and idleness against without asking
a worker: id -> token hash, last activity, running flag, the client holding it. Two implementations:
:class:`~nnplayground.training.registry.LocalRegistry` (a dict in this process, rebuilt from
the store at start-up) and :class:`~nnplayground.cluster.registry.RedisRegistry` (shared by
every replica). A registry that cannot reach its store raises
:class:`~.errors.UnavailableError`. What it leaves out: the sessions themselves.
"""

from __future__ import annotations

from typing import Protocol


class SessionRegistry(Protocol):
    """Known session ids with their token hashes, activity and running flags."""

    async def load(self, index: list[tuple[str, str, float]]) -> None:
        """Register stored sessions ``(id, token_hash, updated)`` it does not know yet."""
        ...
    async def count(self) -> int: ...
    async def exists(self, sid: str) -> bool: ...
    async def allows(self, sid: str, token: str) -> bool: ...
    async def add(self, sid: str, token_hash: str, client: str = "") -> None:
        """Register ``sid``, held by the quota key ``client`` (``api/quotas.py``)."""
        ...
    async def client_of(self, sid: str) -> str:
        """The quota key holding ``sid`` (``""`` if unknown)."""
        ...
    async def held(self, client: str) -> int:
        """How many sessions ``client`` holds."""
        ...
    async def members(self, client: str) -> list[str]:
        """The ids ``client`` holds (a class: the forks of its teacher's session), sorted."""
        ...
    async def remove(self, sid: str) -> None: ...
    async def touch(self, sid: str, running: bool | None = None) -> None: ...
    async def idle(self, ttl: float, unopened_ttl: float | None = None) -> list[str]:
        """Sessions not running and idle longer than ``ttl`` (``unopened_ttl`` for those
        nobody used after creating them, unless kept)."""
        ...
    async def least_recent(self, n: int) -> list[str]:
        """Up to ``n`` sessions that are neither running nor kept, least recently used first
        (eviction candidates)."""
        ...
    async def keep(self, sid: str, limit: int) -> bool:
        """Keep ``sid`` from eviction and the short lifetime; ``False`` if ``limit`` sessions
        are kept already."""
        ...
    async def expire(self, sid: str) -> None:
        """Remove ``sid`` and remember that it expired (its id then answers ``expired``)."""
        ...
    async def expired(self, sid: str) -> bool: ...
    async def close(self) -> None: ...
