"""Ownership leases in Redis: which replica trains which session, and who takes over when one
dies. Every operation is one Lua script, so it is atomic, and uses Redis's clock, so replicas'
clocks do not matter.

* ``acquire``: take a free lease (``SET NX PX``), answering the holder and, for a new owner,
  whether the session was running when its previous owner lost it (its ``run`` entry);
* ``renew``: the owner extends all its leases at once (every third of the lease) and reports the
  ones it no longer holds; the same call is the replica's heartbeat. :class:`Renewer` does it
  from a thread of its own with a blocking client, so that an event loop busy for a while (a
  long history sent to a client) never costs a replica the sessions it trains;
* ``claim``: leases that ran out on a running session are taken by a live replica (each takes
  its share of them per call), which then resumes the session from its last checkpoint;
* ``release``: give a lease back, optionally as a hand-over (shutdown) so that another replica
  claims and resumes a running session at once;
* ``reap``: replicas silent for a lease are forgotten with their watcher counts.

What it leaves out: what an owner does with a session (``cluster.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .client import ERRORS, describe, sync_client, text
from .keys import Keys

log = logging.getLogger("nnplayground.leases")

NOW = "local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# KEYS lease, owned, run. ARGV me, ttl_ms, sid.
ACQUIRE = NOW + """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('ZADD', KEYS[2], now + ARGV[2], ARGV[3])
  return {ARGV[1], redis.call('HGET', KEYS[3], ARGV[3])}
end
return {redis.call('GET', KEYS[1]), false}
"""

# KEYS owned, replicas. ARGV me, ttl_ms, prefix, sids... Returns {1 if the replica was unknown
# (forgotten by a reaper) else 0, lost sids...}.
RENEW = NOW + """
local out = {redis.call('ZADD', KEYS[2], now, ARGV[1])}
for i = 4, #ARGV do
  local k = ARGV[3] .. 'lease:' .. ARGV[i]
  if redis.call('GET', k) == ARGV[1] then
    redis.call('PEXPIRE', k, ARGV[2])
    redis.call('ZADD', KEYS[1], now + ARGV[2], ARGV[i])
  else
    out[#out + 1] = ARGV[i]
  end
end
return out
"""

# KEYS owned, run, replicas. ARGV me, ttl_ms, prefix. Returns {sid, run target, ...}.
CLAIM = NOW + """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)
local free = {}
for _, sid in ipairs(due) do
  if redis.call('EXISTS', ARGV[3] .. 'lease:' .. sid) == 0 then
    if redis.call('HEXISTS', KEYS[2], sid) == 1 then
      free[#free + 1] = sid
    else
      redis.call('ZREM', KEYS[1], sid)
    end
  end
end
local live = redis.call('ZCOUNT', KEYS[3], now - ARGV[2], '+inf')
local share = math.ceil(#free / math.max(live, 1))
local out = {}
for i = 1, math.min(share, #free) do
  local sid = free[i]
  redis.call('SET', ARGV[3] .. 'lease:' .. sid, ARGV[1], 'PX', ARGV[2])
  redis.call('ZADD', KEYS[1], now + ARGV[2], sid)
  out[#out + 1] = sid
  out[#out + 1] = redis.call('HGET', KEYS[2], sid)
end
return out
"""

# KEYS lease, owned. ARGV me, sid, handover (1: leave it due at once for a claim).
RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], 0, ARGV[2])
else redis.call('ZREM', KEYS[2], ARGV[2]) end
return 1
"""

# KEYS replicas. ARGV me, max_age_ms, prefix. Returns the replicas forgotten.
REAP = NOW + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ARGV[2])
local out = {}
for _, r in ipairs(dead) do
  if r ~= ARGV[1] then
    redis.call('DEL', ARGV[3] .. 'viewers:' .. r)
    redis.call('ZREM', KEYS[1], r)
    out[#out + 1] = r
  end
end
return out
"""


class Leases:
    """The lease scripts of one replica (``me``) on an asyncio Redis client."""

    def __init__(self, client: Any, keys: Keys, me: str, ttl_seconds: float) -> None:
        self.keys, self.me = keys, me
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self._acquire = client.register_script(ACQUIRE)
        self._renew = client.register_script(RENEW)
        self._claim = client.register_script(CLAIM)
        self._release = client.register_script(RELEASE)
        self._reap = client.register_script(REAP)

    async def acquire(self, sid: str) -> tuple[str | None, str | None]:
        """``(holder, run)``: the holder after the call (``me`` if it was free) and, when it
        was free, the session's ``run`` entry (a step target, ``"0"`` for none) or None."""
        k = self.keys
        holder, run = await self._acquire(keys=[k.lease(sid), k.owned, k.run],
                                          args=[self.me, self.ttl_ms, sid])
        return (None if holder is None else text(holder)), (None if run is None else text(run))

    async def renew(self, sids: list[str]) -> tuple[bool, list[str]]:
        """Heartbeat and renew; ``(was forgotten, sids whose lease is not ours any more)``."""
        k = self.keys
        out = await self._renew(keys=[k.owned, k.replicas],
                                args=[self.me, self.ttl_ms, k.prefix, *sids])
        return bool(int(out[0])), [text(s) for s in out[1:]]

    async def claim(self) -> list[tuple[str, str]]:
        """Leases of running sessions that ran out, taken by this replica: ``(sid, run)``."""
        k = self.keys
        out = await self._claim(keys=[k.owned, k.run, k.replicas],
                                args=[self.me, self.ttl_ms, k.prefix])
        return [(text(out[i]), text(out[i + 1])) for i in range(0, len(out), 2)]

    async def release(self, sid: str, handover: bool = False) -> bool:
        k = self.keys
        done = await self._release(keys=[k.lease(sid), k.owned],
                                   args=[self.me, sid, "1" if handover else "0"])
        return bool(done)

    async def reap(self) -> list[str]:
        k = self.keys
        out = await self._reap(keys=[k.replicas], args=[self.me, self.ttl_ms, k.prefix])
        return [text(r) for r in out]


class Renewer(threading.Thread):
    """Renews a replica's leases every ``interval`` seconds from its own thread.

    ``owned()`` gives ``{sid: generation}`` (a copy); ``report(forgotten, lost)`` is called in
    the thread with ``lost`` as ``[(sid, generation)]`` when some leases are not ours any more
    or the replica had been forgotten (it must hand the call over to its event loop).
    """

    def __init__(self, url: str, keys: Keys, me: str, ttl_seconds: float, interval: float,
                 owned: Callable[[], dict[str, int]],
                 report: Callable[[bool, list[tuple[str, int]]], None]) -> None:
        super().__init__(name="nnp-lease-renewer", daemon=True)
        self.keys, self.me, self.interval = keys, me, interval
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.owned, self.report = owned, report
        self._client = sync_client(url)
        self._renew = self._client.register_script(RENEW)
        self._halt = threading.Event()
        self._failing = False

    def run(self) -> None:
        try:
            while not self._halt.wait(self.interval):
                self.renew_once()
        finally:
            self._client.close()

    def renew_once(self) -> None:
        snapshot = self.owned()
        k = self.keys
        try:
            out = self._renew(keys=[k.owned, k.replicas],
                              args=[self.me, self.ttl_ms, k.prefix, *snapshot])
        except ERRORS as exc:
            if not self._failing:
                log.warning("could not renew leases: %s", describe(exc))
            self._failing = True
            return
        self._failing = False
        forgotten = bool(int(out[0]))
        lost = [(s, snapshot[s]) for s in map(text, out[1:]) if s in snapshot]
        if forgotten or lost:
            self.report(forgotten, lost)

    def stop(self) -> None:
        self._halt.set()
