"""The one place that picks the backends, from the scheme of the ``store`` setting.

* ``memory`` and ``sqlite``: one machine. A :class:`~nnplayground.training.pool.WorkerPool`
  whose training processes each open a :class:`~nnplayground.sessions.store.MemoryStore` or
  the :class:`~nnplayground.sessions.store.SqliteStore` file, and a
  :class:`~nnplayground.training.registry.LocalRegistry`.
* ``redis://`` and ``rediss://``: several replicas sharing Redis. A
  :class:`~nnplayground.cluster.pool.ClusterPool` and a
  :class:`~nnplayground.cluster.registry.RedisRegistry`; the ``redis`` client (an optional
  extra) and ``cluster/`` are imported only then.

The quotas' rate windows (``rate_storage``) follow the same choice: memory, or Redis.
Anything else is refused, naming the valid values. What it leaves out: the backends
themselves, and their interfaces (``sessions/store.py``, ``sessions/pool.py``,
``sessions/registry.py``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from ..config import Settings
from ..sessions.errors import UnavailableError
from ..sessions.pool import Pool
from ..sessions.registry import SessionRegistry
from ..sessions.store import MemoryStore, SqliteStore, Store
from ..training.pool import WorkerPool
from ..training.registry import LocalRegistry
from .quotas import CLASS

log = logging.getLogger("nnplayground.backends")
REDIS_SCHEMES = ("redis://", "rediss://")


def is_redis(store: str) -> bool:
    return store.startswith(REDIS_SCHEMES)


def store_opener(settings: Settings) -> Callable[[], Store]:
    """What opens the configured store: a class or a ``functools.partial``, so that it travels
    to the training processes, which open their own."""
    kind = settings.store
    if kind == "memory":
        return MemoryStore
    if kind == "sqlite":
        return functools.partial(SqliteStore, settings.data_dir / "sessions.sqlite3")
    if is_redis(kind):
        from ..cluster.store import RedisStore  # the redis client is an optional extra

        return functools.partial(RedisStore, kind)
    raise ValueError(f"unknown store {kind!r}: use sqlite, memory or redis://host:port/db")


def rate_storage(settings: Settings) -> Storage:
    """Where the quotas' windows are kept (``quotas.py``): this process's memory, or the
    store's Redis, through the cluster's connection settings (a restarted Redis is retried)."""
    if is_redis(settings.store):
        from ..cluster.client import async_options  # the redis client is an optional extra

        return RedisStorage("async+" + settings.store, implementation="redispy",
                            key_prefix="nnp-limits",
                            **async_options())  # type: ignore[arg-type]  # (to the client)
    return MemoryStorage()


async def open_backend(settings: Settings) -> tuple[Pool, SessionRegistry]:
    """The pool (not started yet) and registry for ``settings.store``; the registry knows every
    stored session."""
    opener = store_opener(settings)
    store = opener()
    classes: dict[str, str] = {}
    try:
        index = store.index()
        classes = {sid: CLASS + teacher for sid, teacher in store.classrooms().items()}
    except UnavailableError as exc:  # Redis down at start-up: answer 503s until it is back
        log.warning("could not read the session index: %s", exc)
        index = []
    finally:
        store.close()
    pool: Pool
    registry: SessionRegistry
    if is_redis(settings.store):
        from ..cluster.pool import ClusterPool
        from ..cluster.registry import RedisRegistry

        pool, registry = ClusterPool(settings), RedisRegistry(settings.store)
    else:
        pool = WorkerPool(settings, opener)
        registry = local = LocalRegistry()
        await local.load(index, classes)  # forks are in their classes again
    try:
        await registry.load(index)
    except UnavailableError as exc:
        log.warning("could not check the session registry: %s", exc)
    return pool, registry
