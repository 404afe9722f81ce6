"""The registry contract, for LocalRegistry and for RedisRegistry against a real
``redis-server`` (shared by two instances: two replicas); unavailable when Redis cannot be
reached."""

from __future__ import annotations

import asyncio
import time

import pytest
from tools.launcher import free_port

from nnplayground.sessions.errors import UnavailableError
from nnplayground.sessions.registry import SessionRegistry
from nnplayground.sessions.tokens import hash_token
from nnplayground.training.registry import LocalRegistry


def redis_registry(url: str) -> SessionRegistry:
    from nnplayground.cluster.registry import RedisRegistry

    return RedisRegistry(url)


async def contract(a: SessionRegistry, b: SessionRegistry) -> None:
    """``a`` and ``b`` are two views of one registry (the same object when local)."""
    assert await a.count() == 0
    await a.add("s1", hash_token("t1"))
    await a.add("s2", hash_token("t2"))
    assert await b.count() == 2
    assert await b.exists("s1") and not await b.exists("s3")
    assert await b.allows("s1", "t1")
    assert not await b.allows("s1", "t2") and not await b.allows("s3", "t1")
    assert await b.idle(3600) == []
    await b.touch("s1", running=True)
    # a negative lifetime makes every session idle that is not running
    assert sorted(await a.idle(-1)) == ["s2"]  # running sessions never expire
    await b.touch("s1", running=False)
    assert sorted(await a.idle(-1)) == ["s1", "s2"]
    await b.remove("s2")
    await b.remove("s2")
    assert await a.count() == 1 and not await a.exists("s2")
    await a.touch("s2")  # touching a removed session does not bring it back
    assert await b.idle(-1) == ["s1"]


def test_local_registry_contract() -> None:
    local = LocalRegistry()
    asyncio.run(contract(local, local))


def test_redis_registry_is_shared(redis_url: str) -> None:
    async def main() -> None:
        a, b = redis_registry(redis_url), redis_registry(redis_url)
        try:
            await contract(a, b)
            # load() registers stored sessions the registry does not know, and nothing else
            await b.load([("s1", "other-hash", 1.0), ("s9", hash_token("t9"), time.time())])
            assert await a.allows("s1", "t1") and await a.allows("s9", "t9")
        finally:
            await a.close()
            await b.close()

    asyncio.run(main())


def test_redis_unreachable_is_unavailable() -> None:
    async def main() -> None:
        registry = redis_registry(f"redis://127.0.0.1:{free_port()}/0")
        for call in (registry.count(), registry.exists("s"), registry.allows("s", "t"),
                     registry.add("s", "h"), registry.idle(1)):
            with pytest.raises(UnavailableError, match="Redis"):
                await call
        await registry.close()

    asyncio.run(main())
