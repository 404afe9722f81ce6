"""Quotas per client: who a client is, how many sessions it may create, hold, train and watch.

A client is the peer address (the forwarded one only from a trusted proxy: uvicorn's
``ProxyHeadersMiddleware`` rewrites the peer, see ``app.py``). Requests about a fork bill its
class instead: ``class:<id>`` of the teacher's session it was forked from (a fork of a fork
bills the same class), so a school behind one address is limited per class
(``max_class_sessions``), not per address.

* sessions created a minute: a moving window of the ``limits`` library, in memory, or in Redis
  when the store is Redis (the window holds across replicas; ``backends.rate_storage``);
* sessions held: the registry's count of the client's sessions;
* concurrent ``train`` calls and WebSocket connections: gauges of this process (per replica).

Past a quota: 429 with ``Retry-After`` (``errors.too_many``). What it leaves out: the server's
own cap and eviction (``room.py``), and CPU fairness (``training/scheduler.py``).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from collections.abc import AsyncIterator

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from ..config import Settings
from ..sessions.errors import UnavailableError
from ..sessions.registry import SessionRegistry
from .errors import too_many

CLASS = "class:"


def is_class(key: str) -> bool:
    return key.startswith(CLASS)


def class_of(sid: str, owner_key: str) -> str:
    """The class a fork of ``sid`` (held by ``owner_key``) joins: ``sid``'s own class if it
    is a fork itself, else the class it starts."""
    return owner_key if is_class(owner_key) else CLASS + sid


async def billed(registry: SessionRegistry, sid: str, client: str) -> str:
    """Whom a request about ``sid`` by ``client`` counts toward: a fork's class, else the
    client."""
    owner = await registry.client_of(sid)
    return owner if is_class(owner) else client


class Quotas:
    """The quotas of ``settings``; ``registry`` counts the sessions each client holds,
    ``storage`` keeps the windows."""

    def __init__(self, settings: Settings, registry: SessionRegistry, storage: Storage) -> None:
        self.settings, self.registry = settings, registry
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.gauges: Counter[tuple[str, str]] = Counter()

    def allowance(self, key: str, own: int) -> int:
        """A quota of ``key``: ``own`` for an address, the class limit for a class."""
        return self.settings.max_class_sessions if is_class(key) else own

    async def create(self, key: str, address: str | None = None) -> None:
        """``key`` creates a session: within its window and what it may hold, or 429. A fork
        (``key`` a class) also counts toward the forks its ``address`` makes a minute, in all
        classes together (``max_class_sessions``): one address cannot fill the server by
        forking into many classes at once."""
        st = self.settings
        held = await self.registry.held(key)
        limit = self.allowance(key, st.max_sessions_per_client)
        if held >= limit:
            raise too_many("too_many_sessions", f"this client holds {held} sessions, its "
                           f"limit (max_sessions_per_client={limit}); delete one first", 60)
        windows = [(RateLimitItemPerMinute(self.allowance(key, st.sessions_per_minute)),
                    "create", key, "sessions_per_minute")]
        if is_class(key) and address is not None:
            windows.append((RateLimitItemPerMinute(st.max_class_sessions), "fork", address,
                            "max_class_sessions"))
        for item, kind, who, name in windows:
            if not await self.hit(item, kind, who):
                stats = await self.limiter.get_window_stats(item, kind, who)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise too_many("rate_limited", f"at most {item.amount} {kind}s a minute "
                               f"from one client ({name})", wait)

    async def hit(self, item: RateLimitItem, kind: str, who: str) -> bool:
        """One more in ``who``'s window; Redis out of reach is the domain's unavailable."""
        try:
            return await self.limiter.hit(item, kind, who)
        except self.storage.base_exceptions as exc:
            raise UnavailableError(f"the rate limits' store is unreachable: "
                                   f"{type(exc).__name__}") from None

    async def close(self) -> None:
        """Close the Redis connections (``limits`` has no close of its own: its client)."""
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()

    @contextlib.asynccontextmanager
    async def hold(self, kind: str, key: str) -> AsyncIterator[None]:
        """One of ``key``'s concurrent ``train`` calls or streams (``kind``), or 429."""
        st = self.settings
        own = st.max_trains_per_client if kind == "train" else st.max_streams_per_client
        limit = self.allowance(key, own) * (2 if kind == "stream" and is_class(key) else 1)
        if self.gauges[kind, key] >= limit:
            name = "max_trains_per_client" if kind == "train" else "max_streams_per_client"
            raise too_many(f"too_many_{kind}s", f"this client has {limit} {kind}s open at "
                           f"once, its limit ({name}); wait for one to end", 1)
        self.gauges[kind, key] += 1
        try:
            yield
        finally:
            self.gauges[kind, key] -= 1
            if self.gauges[kind, key] <= 0:
                del self.gauges[kind, key]
