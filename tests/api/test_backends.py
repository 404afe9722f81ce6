"""The one place that picks the backends: by the store setting's scheme, with the redis client
imported only for a ``redis://`` store, and store openers that travel to worker processes."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from nnplayground.api.backends import is_redis, store_opener
from nnplayground.config import Settings
from nnplayground.sessions.store import MemoryStore, SqliteStore, Store


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(("kind", "cls"), [("memory", MemoryStore), ("sqlite", SqliteStore)])
def test_the_local_stores(kind: str, cls: type[Store], tmp_path: Path) -> None:
    opener = store_opener(settings(store=kind, data_dir=tmp_path / "data"))
    store = pickle.loads(pickle.dumps(opener))()  # as a spawned worker process opens it
    try:
        assert isinstance(store, cls)
    finally:
        store.close()
    if kind == "sqlite":
        assert (tmp_path / "data" / "sessions.sqlite3").exists()


def test_a_redis_url_opens_the_redis_store(redis_url: str) -> None:
    from nnplayground.cluster.store import RedisStore

    assert is_redis(redis_url) and is_redis("rediss://host:6380/1")
    store = pickle.loads(pickle.dumps(store_opener(settings(store=redis_url))))()
    try:
        assert isinstance(store, RedisStore) and store.index() == []
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["postgres", "postgres://x", "redis"])
def test_unknown_stores_are_refused_naming_the_valid_ones(kind: str) -> None:
    with pytest.raises(ValueError, match=r"unknown store .*sqlite, memory or redis://"):
        store_opener(settings(store=kind))


def test_the_local_backend_never_imports_redis(tmp_path: Path) -> None:
    """``open_backend`` picks the local pair for sqlite and memory, without the redis client."""
    code = (
        "import asyncio, sys\n"
        "from nnplayground.config import Settings\n"
        "from nnplayground.api.app import create_app\n"
        "from nnplayground.api.backends import open_backend\n"
        "from nnplayground.training.pool import WorkerPool\n"
        "from nnplayground.training.registry import LocalRegistry\n"
        "for store in ('memory', 'sqlite'):\n"
        "    s = Settings(_env_file=None, store=store, data_dir=sys.argv[1])\n"
        "    create_app(s)\n"
        "    pool, registry = asyncio.run(open_backend(s))\n"
        "    assert type(pool) is WorkerPool and type(registry) is LocalRegistry\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'redis'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
