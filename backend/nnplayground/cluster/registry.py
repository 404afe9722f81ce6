"""The session registry shared by every replica, in Redis: ids, token hashes, activity.

A session created through one replica is known to all the others at once: ``reg`` maps id ->
token hash, ``clients`` id -> the client holding it (``held``: its count, ``members:{client}``
its ids), ``active`` holds
each id's last activity (unix seconds) for expiry, ``running`` the ids a command last left
running (expiry spares them), ``opened``, ``kept`` and ``expired`` what eviction
needs. Activity is written at most once a second per session (touches are gathered and
flushed together), so reading a session costs one round trip to Redis. Redis errors become
``UnavailableError``. What it leaves out: the sessions' states (``store.py``) and who trains
them (``pool.py``).
"""

from __future__ import annotations

import contextlib
import math
import time

from ..sessions.tokens import token_matches
from .client import async_client, text, unavailable
from .keys import Keys

FLUSH_SECONDS = 1.0
MAX_EXPIRED = 100_000  # expired ids remembered (older ones answer not found)


class RedisRegistry:
    """:class:`~nnplayground.sessions.registry.SessionRegistry` in Redis."""

    def __init__(self, url: str, keys: Keys | None = None) -> None:
        self.keys = keys or Keys()
        self._r = async_client(url)
        self._touched: dict[str, tuple[float, bool | None]] = {}
        self._flushed = -math.inf  # the first touch is written at once

    async def count(self) -> int:
        with unavailable():
            return int(await self._r.hlen(self.keys.registry))

    async def exists(self, sid: str) -> bool:
        with unavailable():
            return bool(await self._r.hexists(self.keys.registry, sid))

    async def allows(self, sid: str, token: str) -> bool:
        with unavailable():
            stored = await self._r.hget(self.keys.registry, sid)
        return stored is not None and token_matches(text(stored), token)

    async def add(self, sid: str, token_hash: str, client: str = "") -> None:
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.hset(self.keys.registry, sid, token_hash)
            pipe.zadd(self.keys.active, {sid: time.time()})
            pipe.hset(self.keys.clients, sid, client)
            pipe.hincrby(self.keys.held, client, 1)
            pipe.sadd(self.keys.members(client), sid)
            await pipe.execute()

    async def members(self, client: str) -> list[str]:
        with unavailable():
            return sorted(text(s) for s in await self._r.smembers(self.keys.members(client)))

    async def client_of(self, sid: str) -> str:
        with unavailable():
            value = await self._r.hget(self.keys.clients, sid)
        return "" if value is None else text(value)

    async def held(self, client: str) -> int:
        with unavailable():
            return int(await self._r.hget(self.keys.held, client) or 0)

    async def remove(self, sid: str) -> None:
        self._touched.pop(sid, None)
        with unavailable():
            client = await self._r.hget(self.keys.clients, sid)
            pipe = self._r.pipeline(transaction=True)
            if client is not None:
                pipe.hincrby(self.keys.held, text(client), -1)
                pipe.hdel(self.keys.clients, sid)
                pipe.srem(self.keys.members(text(client)), sid)
            pipe.hdel(self.keys.registry, sid)
            pipe.zrem(self.keys.active, sid)
            pipe.srem(self.keys.running, sid)
            pipe.srem(self.keys.opened, sid)
            pipe.srem(self.keys.kept, sid)
            await pipe.execute()

    async def touch(self, sid: str, running: bool | None = None) -> None:
        old = self._touched.get(sid)
        keep = running if running is not None else (old[1] if old else None)
        self._touched[sid] = (time.time(), keep)
        if running is not None or time.monotonic() - self._flushed >= FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        """Write the gathered touches (kept for the next flush if Redis is unreachable)."""
        if not self._touched:
            return
        touched, self._touched = self._touched, {}
        self._flushed = time.monotonic()
        try:
            with unavailable():
                pipe = self._r.pipeline(transaction=False)
                pipe.zadd(self.keys.active, {s: t for s, (t, _) in touched.items()}, xx=True)
                pipe.sadd(self.keys.opened, *touched)
                for sid, (_, running) in touched.items():
                    if running is True:
                        pipe.sadd(self.keys.running, sid)
                    elif running is False:
                        pipe.srem(self.keys.running, sid)
                await pipe.execute()
        except Exception:
            for sid, value in touched.items():
                self._touched.setdefault(sid, value)
            raise

    async def idle(self, ttl: float, unopened_ttl: float | None = None) -> list[str]:
        await self.flush()
        now = time.time()
        short = ttl if unopened_ttl is None else min(ttl, unopened_ttl)
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.zrangebyscore(self.keys.active, "-inf", now - short, withscores=True)
            pipe.smembers(self.keys.running)
            pipe.smembers(self.keys.opened)
            pipe.smembers(self.keys.kept)
            stale, running, opened, kept = await pipe.execute()
        return [text(s) for s, at in stale if s not in running
                and (at < now - ttl or (s not in opened and s not in kept))]

    async def least_recent(self, n: int) -> list[str]:
        await self.flush()
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.zrange(self.keys.active, 0, n + 1000)  # enough to skip the running and kept
            pipe.smembers(self.keys.running)
            pipe.smembers(self.keys.kept)
            oldest, running, kept = await pipe.execute()
        return [text(s) for s in oldest if s not in running and s not in kept][:n]

    async def keep(self, sid: str, limit: int) -> bool:
        with unavailable():
            if await self._r.sismember(self.keys.kept, sid):
                return True
            if await self._r.scard(self.keys.kept) >= limit:
                return False
            await self._r.sadd(self.keys.kept, sid)
        return True

    async def expire(self, sid: str) -> None:
        await self.remove(sid)
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.zadd(self.keys.expired, {sid: time.time()})
            pipe.zremrangebyrank(self.keys.expired, 0, -MAX_EXPIRED - 1)
            await pipe.execute()

    async def expired(self, sid: str) -> bool:
        with unavailable():
            return await self._r.zscore(self.keys.expired, sid) is not None

    async def load(self, index: list[tuple[str, str, float]]) -> None:
        """Register stored sessions the registry does not know (it normally knows them all)."""
        if not index:
            return
        with unavailable():
            pipe = self._r.pipeline(transaction=False)
            for sid, token_hash, updated in index:
                pipe.hsetnx(self.keys.registry, sid, token_hash)
                pipe.zadd(self.keys.active, {sid: updated}, nx=True)
            await pipe.execute()

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # closing: Redis may be gone
            await self.flush()
        await self._r.aclose()
