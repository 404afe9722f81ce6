"""What the API talks to: a training pool and a session registry, local or shared through Redis.

:class:`Pool` is the interface of :class:`~.pool.WorkerPool` (this machine's training
processes) and of :class:`~.cluster.ClusterPool` (the same, plus ownership leases, commands and
events across replicas over Redis). :class:`SessionRegistry` is the index the API checks ids,
tokens, limits and idleness against: :class:`LocalRegistry` (a dict in this process, rebuilt
from the store at start-up) or :class:`~.redis_registry.RedisRegistry` (shared by all
replicas). :func:`open_backend` picks the pair once from the ``store`` setting; the ``redis``
client is imported only for a ``redis://`` store. What it leaves out: routes (``api/``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from ..config import Settings
from ..sessions.store import StoreUnavailableError, open_store
from ..training.pool import Event, WorkerError, WorkerPool
from ..training.registry import Registry

log = logging.getLogger("nnplayground.backends")


class UnavailableError(WorkerError):
    """HTTP 503 ``unavailable``: the shared store or a replica cannot be reached right now."""

    def __init__(self, message: str) -> None:
        super().__init__({"status": 503, "code": "unavailable", "message": message})


class Pool(Protocol):
    """Training workers as the API sees them (see :class:`~.pool.WorkerPool`)."""

    settings: Settings
    n: int

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def alive(self) -> int: ...
    def assign(self, sid: str) -> int: ...
    def release(self, sid: str) -> None: ...
    async def call(self, sid: str, op: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any: ...
    def tell(self, sid: str, op: str, payload: dict[str, Any] | None = None) -> None: ...
    def subscribe(self, sid: str, maxsize: int = 0) -> asyncio.Queue[Event]: ...
    def unsubscribe(self, sid: str, q: asyncio.Queue[Event]) -> None: ...
    def watcher_count(self, sid: str) -> int: ...
    def publish_local(self, sid: str, event: Event) -> None: ...


class SessionRegistry(Protocol):
    """Known session ids with their token hashes, activity and running flags."""

    async def count(self) -> int: ...
    async def exists(self, sid: str) -> bool: ...
    async def allows(self, sid: str, token: str) -> bool: ...
    async def add(self, sid: str, token_hash: str) -> None: ...
    async def remove(self, sid: str) -> None: ...
    async def touch(self, sid: str, running: bool | None = None) -> None: ...
    async def idle(self, ttl: float) -> list[str]: ...
    async def close(self) -> None: ...


class LocalRegistry:
    """:class:`~.registry.Registry` (this process's dict) behind the async interface."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or Registry()

    async def count(self) -> int:
        return len(self.registry)

    async def exists(self, sid: str) -> bool:
        return sid in self.registry

    async def allows(self, sid: str, token: str) -> bool:
        return self.registry.allows(sid, token)

    async def add(self, sid: str, token_hash: str) -> None:
        self.registry.add(sid, token_hash)

    async def remove(self, sid: str) -> None:
        self.registry.remove(sid)

    async def touch(self, sid: str, running: bool | None = None) -> None:
        self.registry.touch(sid, running)

    async def idle(self, ttl: float) -> list[str]:
        return self.registry.idle(ttl)

    async def close(self) -> None:
        return None


def is_redis(store: str) -> bool:
    return store.startswith(("redis://", "rediss://"))


async def open_backend(settings: Settings) -> tuple[Pool, SessionRegistry]:
    """The pool (not started yet) and registry for ``settings.store``; the registry knows every
    stored session."""
    store = open_store(settings.store, settings.data_dir)
    try:
        index = store.index()
    except StoreUnavailableError as exc:  # Redis down at start-up: serve 503s until it is back
        log.warning("could not read the session index: %s", exc)
        index = []
    finally:
        store.close()
    if is_redis(settings.store):
        from ..cluster.pool import ClusterPool
        from ..cluster.registry import RedisRegistry

        shared = RedisRegistry(settings.store)
        try:
            await shared.load(index)
        except UnavailableError as exc:
            log.warning("could not check the session registry: %s", exc.info["message"])
        return ClusterPool(settings), shared
    local = Registry()
    local.load(index)
    return WorkerPool(settings), LocalRegistry(local)
