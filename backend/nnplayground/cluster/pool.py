"""Several server processes (replicas) sharing sessions through Redis: :class:`ClusterPool`.

Same interface (:class:`~nnplayground.sessions.pool.Pool`) as
:class:`~nnplayground.training.pool.WorkerPool`, which it wraps for this replica's own training
processes (as their listener: it forwards their events and acts on their notices). Each
session is trained by exactly one replica, the holder of its lease in Redis (``leases.py``):
the first replica that needs a session (to create it, or for any request when nobody holds
it) takes the lease and loads the session into one of its workers; it renews the lease every
third of ``lease_seconds`` for as long as it keeps the session.

* Commands: a request for a session another replica owns is published on that replica's
  channel ``r:{id}`` and answered on the caller's; the owner runs it on its worker as if it came
  from its own API. Nobody listening on the owner's channel means the owner is gone: the call
  waits for the lease to run out and takes the session over itself.
* Events: what a worker publishes goes to this replica's watchers directly and to channel
  ``ev:{sid}``, to which the other replicas with watchers of that session subscribe (a replica
  never subscribes to the sessions it owns). Whenever such a subscription is (re)established,
  the replica's watchers of the session refill from the history what they may have missed.
  Events and replies leave a replica through one ordered pipeline and arrive on one
  subscription, so a watcher sees the epochs before the ``ack`` of the ``pause`` that ended
  them, as on one machine. A replica that falls behind drops relayed events older than a couple
  of seconds; its watchers refill the epochs from the history, as when their queue overflows.
* Dashboard rows: what a worker sends of a fork it owns (``payloads.row``) goes to the hash
  ``rows``, which every replica reads (one ``HMGET`` for a class).
* Watchers: each replica keeps its watcher count per session in ``viewers:{id}`` and announces
  changes on channel ``viewers``; every replica sums them (``watcher_count``) and the owner
  passes the total to its worker, which computes snapshots only for watched sessions.
* Failover: a session's ``run`` entry says it is running (and the epoch a ``step`` stops at).
  When a lease runs out because its replica died, a live replica claims it, loads the last
  checkpoint and resumes it; training is deterministic, so the replayed epochs equal the lost
  ones, and each watcher's stream skips the epochs it already has (``api/stream.py``). A
  replica that stops cleanly hands its sessions over at once.
* Redis unreachable: calls fail as unavailable and background loops retry; the
  subscription is re-established and this replica's counts re-announced when Redis is back.

What it leaves out: the Redis plumbing of messages (``bus.py``), training (``worker.py``,
``training/``), storage (``store.py``), access control (``registry.py`` and the API).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, Coroutine
from typing import Any

from ..config import Settings
from ..sessions.errors import (
    NotFoundError,
    SessionError,
    UnavailableError,
    from_dict,
    timed_out,
)
from ..sessions.pool import Event
from ..training.calls import Calls, answer
from ..training.pool import WorkerPool
from .bus import Bus, event_message
from .client import ERRORS, async_client, describe, unavailable
from .keys import Keys
from .leases import Leases, Renewer
from .store import RedisStore
from .worker import run_cluster_worker

log = logging.getLogger("nnplayground.cluster")
RETRY_SECONDS = 0.1


class _MovedError(Exception):
    """The replica asked no longer owns the session."""


class _GoneError(Exception):
    """Nobody listens on the owner's channel: it died (or lost Redis)."""


def replica_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class ClusterPool:
    """:class:`~nnplayground.sessions.pool.Pool` for one replica of a Redis cluster."""

    def __init__(self, settings: Settings, keys: Keys | None = None) -> None:
        self.settings = settings
        self.keys = keys or Keys()
        self.id = replica_id()
        fenced = functools.partial(RedisStore, settings.store, fence=self.id)
        self.local = WorkerPool(settings, fenced, worker_main=run_cluster_worker, listener=self)
        self.n = self.local.n
        self.tick = settings.lease_seconds / 3
        self.owned: dict[str, int] = {}  # sessions whose lease we hold -> adoption number
        self._adopting: dict[str, asyncio.Future[None]] = {}
        self._adoptions = itertools.count(1)
        self._renewer: Renewer | None = None
        self._viewers: dict[str, dict[str, int]] = {}  # sid -> other replica -> watchers
        self._calls = Calls()  # calls to other replicas, by replica
        self._tasks: set[asyncio.Task[Any]] = set()
        self._maintenance: asyncio.Task[None] | None = None
        self._redis: Any = None
        self._leases: Leases | None = None
        self.bus = Bus(self.keys, self.id, self)

    # ----- life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        self._redis = async_client(self.settings.store)
        self._leases = Leases(self._redis, self.keys, self.id, self.settings.lease_seconds)
        await self.local.start()
        loop = asyncio.get_running_loop()

        def report(forgotten: bool, lost: list[tuple[str, int]]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: we are stopping
                loop.call_soon_threadsafe(self._renewed, forgotten, lost)

        self._renewer = Renewer(self.settings.store, self.keys, self.id,
                                self.settings.lease_seconds, self.tick,
                                lambda: dict(self.owned), report)
        self._renewer.start()
        self.bus.start(self._redis)
        self._maintenance = asyncio.create_task(self._maintain())
        log.info("replica %s: %d training workers, lease %.1f s", self.id, self.n,
                 self.settings.lease_seconds)

    async def stop(self) -> None:
        """Checkpoint every session (workers), hand the leases over, leave the cluster."""
        await self.local.stop()  # (with our leases: the workers' checkpoints are fenced)
        if self._maintenance is not None:
            self._maintenance.cancel()
        if self._renewer is not None:
            self._renewer.stop()
            await asyncio.to_thread(self._renewer.join, 10)
        await self.bus.stop()  # after the last events and _run updates left
        assert self._leases is not None
        with contextlib.suppress(*ERRORS):
            for sid in list(self.owned):
                await self._leases.release(sid, handover=True)
            pipe = self._redis.pipeline(transaction=False)
            pipe.delete(self.keys.viewers(self.id))
            pipe.zrem(self.keys.replicas, self.id)
            pipe.publish(self.keys.viewers_channel, json.dumps({"r": self.id, "gone": True}))
            await pipe.execute()
        tasks = [*self._tasks, *([self._maintenance] if self._maintenance else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._calls.fail("the server is shutting down")
        with contextlib.suppress(*ERRORS):
            await self._redis.aclose()

    def alive(self) -> int:
        return self.local.alive()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            if isinstance(exc, SessionError):
                log.warning("background cluster task: %s", exc.message)
            else:
                log.error("background cluster task failed", exc_info=exc)

    # ----- messages from the bus -----------------------------------------------------------
    def on_inbox(self, msg: dict[str, Any]) -> None:
        t = msg["t"]
        if t == "reply":
            if msg.get("moved"):
                self._calls.settle(msg["req"], error=_MovedError())
            elif msg["ok"]:
                self._calls.settle(msg["req"], msg["result"])
            else:
                self._calls.settle(msg["req"], error=from_dict(msg["error"]))
        elif t == "call":
            self._spawn(self._serve(msg))
        elif t == "tell" and msg["sid"] in self.owned:
            self.local.tell(msg["sid"], msg["op"], msg["p"])

    async def _serve(self, msg: dict[str, Any]) -> None:
        """Run a call from another replica on our worker and send the answer back."""
        sid, req, origin = msg["sid"], msg["req"], msg["from"]
        reply: dict[str, Any] = {"t": "reply", "req": req}
        adopting = self._adopting.get(sid)
        if adopting is not None:
            await asyncio.shield(adopting)
        if sid not in self.owned:
            reply["moved"] = True
        else:
            try:
                reply["result"] = await self._local_call(sid, msg["op"], msg["p"],
                                                         msg.get("timeout"))
                reply["ok"] = True
            except SessionError as exc:
                reply.update(ok=False, error=exc.to_dict())
        text = json.dumps(reply)
        channel = self.keys.inbox(origin)
        self.bus.send(lambda p: p.publish(channel, text))

    def on_event(self, sid: str, event: Event) -> None:
        self.local.publish_local(sid, event)

    def on_subscribed(self, sid: str) -> None:
        """Events may have been missed before: the watchers refill from the history."""
        self.local.publish_local(sid, Event("overflow", ""))

    def on_disconnect(self, message: str) -> None:
        self._calls.fail(message)

    async def on_connect(self) -> None:
        """After (re)connecting: announce our counts, heartbeat, reload everyone else's."""
        assert self._leases is not None
        mine = {sid: n for sid in self.local.watched() if (n := self.local.watcher_count(sid))}
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(self.keys.viewers(self.id))
        if mine:
            pipe.hset(self.keys.viewers(self.id), mapping=mine)
        pipe.publish(self.keys.viewers_channel, json.dumps({"r": self.id, "all": mine}))
        await pipe.execute()
        await self._leases.renew(list(self.owned))
        replicas = [r.decode() for r in await self._redis.zrange(self.keys.replicas, 0, -1)]
        others = [r for r in replicas if r != self.id]
        pipe = self._redis.pipeline(transaction=False)
        for r in others:
            pipe.hgetall(self.keys.viewers(r))
        tables = await pipe.execute()
        old = set(self._viewers)
        self._viewers = {}
        for r, table in zip(others, tables, strict=True):
            for sid, n in table.items():
                self._viewers.setdefault(sid.decode(), {})[r] = int(n)
        for sid in old | set(self._viewers):
            self._count_changed(sid)

    # ----- watchers ------------------------------------------------------------------------
    def subscribe(self, sid: str, maxsize: int = 0) -> asyncio.Queue[Event]:
        q = self.local.subscribe(sid, maxsize)
        if sid not in self.owned:  # our own sessions' events reach our watchers directly
            self.bus.watch(sid)
        self._local_count_changed(sid)
        return q

    def unsubscribe(self, sid: str, q: asyncio.Queue[Event]) -> None:
        self.local.unsubscribe(sid, q)
        if self.local.watcher_count(sid) == 0:
            self.bus.unwatch(sid)
        self._local_count_changed(sid)

    def watcher_count(self, sid: str) -> int:
        return self.local.watcher_count(sid) + sum(self._viewers.get(sid, {}).values())

    def publish_local(self, sid: str, event: Event) -> None:
        self.local.publish_local(sid, event)

    async def rows(self, sids: list[str]) -> dict[str, dict[str, Any]]:
        """The rows the owners of these forks (any replica) last wrote to Redis."""
        if not sids:
            return {}
        with unavailable():
            values = await self._redis.hmget(self.keys.rows, sids)
        return {sid: json.loads(v) for sid, v in zip(sids, values, strict=True) if v is not None}

    def _local_count_changed(self, sid: str) -> None:
        n = self.local.watcher_count(sid)
        key, channel = self.keys.viewers(self.id), self.keys.viewers_channel
        text = json.dumps({"r": self.id, "sid": sid, "n": n})

        def add(p: Any) -> None:
            if n:
                p.hset(key, sid, n)
            else:
                p.hdel(key, sid)
            p.publish(channel, text)

        self.bus.send(add)
        if sid in self.owned:
            self.local.tell(sid, "watchers", {"count": self.watcher_count(sid)})

    def on_viewers(self, msg: dict[str, Any]) -> None:
        r = msg["r"]
        if r == self.id:
            return
        changed: set[str] = set()
        if "sid" in msg:
            counts = {msg["sid"]: int(msg["n"])}
        else:  # a replica (re)announced all its counts, or left
            counts = msg.get("all", {})
            for sid, table in self._viewers.items():
                if table.pop(r, None) is not None:
                    changed.add(sid)
        for sid, n in counts.items():
            table = self._viewers.setdefault(sid, {})
            if n:
                table[r] = n
            else:
                table.pop(r, None)
            changed.add(sid)
        for sid in changed:
            if not self._viewers.get(sid, True):
                del self._viewers[sid]
            self._count_changed(sid)

    def _count_changed(self, sid: str) -> None:
        total = self.watcher_count(sid)
        if sid in self.owned:
            self.local.tell(sid, "watchers", {"count": total})
        if self.local.watcher_count(sid):
            self.local.publish_local(sid, Event("watchers", json.dumps(
                {"type": "watchers", "count": total})))

    # ----- events and notices from our workers (the pool's listener) ----------------------
    def on_worker_event(self, sid: str, event: Event) -> None:
        data = event_message(self.id, event)
        channel = self.keys.events(sid)
        self.bus.send(lambda p: p.publish(channel, data))
        if event.kind == "status" and json.loads(event.text).get("status") == "deleted":
            self._forget(sid, release=True)
            rows = self.keys.rows
            self.bus.send(lambda p: p.hdel(rows, sid))

    def on_worker_notice(self, sid: str, kind: str, info: dict[str, Any]) -> None:
        if kind == "lost":
            self._forget(sid)
        elif kind == "row" and sid in self.owned:
            key, text = self.keys.rows, json.dumps(info["row"])
            self.bus.send(lambda p: p.hset(key, sid, text))
        elif kind == "run" and sid in self.owned:
            key = self.keys.run
            if info["running"]:
                target = int(info["target"])
                self.bus.send(lambda p: p.hset(key, sid, target))
            else:
                self.bus.send(lambda p: p.hdel(key, sid))

    # ----- ownership -----------------------------------------------------------------------
    def assign(self, sid: str) -> int:
        return self.local.assign(sid)

    def release(self, sid: str) -> None:
        if sid in self.owned:
            self._forget(sid, release=True)
        else:
            self.local.release(sid)

    def _forget(self, sid: str, release: bool = False) -> None:
        """Stop owning ``sid``: our worker drops it; ``release`` gives the lease back."""
        self.owned.pop(sid, None)
        self.local.tell(sid, "evict", {})
        self.local.release(sid)
        if self.local.watcher_count(sid):  # its events come from another replica now
            self.bus.watch(sid)
        if release and self._leases is not None:
            self._spawn(self._leases.release(sid))

    async def _owner(self, sid: str) -> str:
        """The replica that owns ``sid``; if nobody does, this one (after loading it)."""
        assert self._leases is not None
        while True:
            adopting = self._adopting.get(sid)
            if adopting is not None:  # being taken over: wait until it runs again
                await asyncio.shield(adopting)
                continue
            if sid in self.owned:
                return self.id
            with unavailable():
                holder, run = await self._leases.acquire(sid)
            if holder is None:  # it expired between two steps of the script's caller
                continue
            if holder != self.id:
                return holder
            await asyncio.shield(self._adopt(sid, run))

    def _adopt(self, sid: str, run: str | None) -> asyncio.Future[None]:
        """We hold a new lease on ``sid``: give it a worker, and resume it if it was running
        (``run``); the future is done when it is ready for commands."""
        done = self._adopting.get(sid)
        if done is not None:
            return done
        done = asyncio.get_running_loop().create_future()
        if sid not in self.owned:
            if not self.local.assigned(sid):
                self.local.assign(sid)
            self.owned[sid] = next(self._adoptions)
            self.bus.unwatch(sid)  # its events reach our watchers directly now
            total = self.watcher_count(sid)
            if total:
                self.local.tell(sid, "watchers", {"count": total})
        if run is None:
            done.set_result(None)
            return done
        self._adopting[sid] = done

        async def resume() -> None:
            try:
                await self._resume(sid, int(run))
            finally:
                del self._adopting[sid]
                done.set_result(None)

        self._spawn(resume())
        return done

    async def _resume(self, sid: str, target: int) -> None:
        """Train on from the last checkpoint: the session was running when its owner died."""
        try:
            if target:
                epoch = (await self.local.call(sid, "summary"))["epoch"]
                if target > epoch:
                    await self.local.call(sid, "step", {"epochs": target - epoch})
                    log.info("resumed %s (step to epoch %d) from epoch %d", sid, target, epoch)
                    return
                key = self.keys.run
                self.bus.send(lambda p: p.hdel(key, sid))
                return
            summary = await self.local.call(sid, "start")
            log.info("resumed %s from epoch %d", sid, summary["epoch"])
        except SessionError as exc:
            log.warning("could not resume %s: %s", sid, exc.message)
            key = self.keys.run
            self.bus.send(lambda p: p.hdel(key, sid))
            if isinstance(exc, NotFoundError):
                self._forget(sid, release=True)

    # ----- commands ------------------------------------------------------------------------
    async def call(self, sid: str, op: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any:
        """Run ``op`` on the worker of the replica that owns ``sid`` and return its answer."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (timeout or self.settings.call_timeout_seconds)
        if op == "watch":  # our subscription must be in place before the history is read
            await self.bus.confirmed(sid, min(2.0, deadline - loop.time()))
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise timed_out(op)
            owner = await self._owner(sid)
            if owner == self.id:
                return await self._local_call(sid, op, payload, left)
            try:
                return await self._remote(owner, sid, op, payload, left)
            except _MovedError:
                await asyncio.sleep(RETRY_SECONDS / 10)
            except _GoneError:
                if deadline - loop.time() < RETRY_SECONDS:
                    raise UnavailableError("the server process that trains this session does "
                                      "not answer") from None
                await asyncio.sleep(RETRY_SECONDS)  # its lease runs out, then we take over

    async def _local_call(self, sid: str, op: str, payload: dict[str, Any] | None,
                          timeout: float | None) -> Any:
        try:
            return await self.local.call(sid, op, payload, timeout)
        except NotFoundError:
            if sid in self.owned:
                self._forget(sid, release=True)  # do not keep a lease on nothing
            raise

    async def _remote(self, owner: str, sid: str, op: str, payload: dict[str, Any] | None,
                      timeout: float) -> Any:
        with self._calls.open(owner) as (req, fut):
            text = json.dumps({"t": "call", "req": req, "from": self.id, "sid": sid, "op": op,
                               "p": payload or {}, "timeout": timeout})
            channel = self.keys.inbox(owner)
            sent = self.bus.send(lambda p: p.publish(channel, text), result=True)
            assert sent is not None
            if not await sent:
                raise _GoneError
            return await answer(fut, timeout, op)

    def tell(self, sid: str, op: str, payload: dict[str, Any] | None = None) -> None:
        """Send ``op`` without waiting. ``watch`` is not sent: watchers are counted by the
        cluster (``viewers``), and the owner tells its worker the total."""
        if op == "watch":
            return
        if sid in self.owned:
            self.local.tell(sid, op, payload)
        else:
            self._spawn(self._tell(sid, op, payload or {}))

    async def _tell(self, sid: str, op: str, payload: dict[str, Any]) -> None:
        owner = await self._owner(sid)
        if owner == self.id:
            self.local.tell(sid, op, payload)
            return
        text = json.dumps({"t": "tell", "sid": sid, "op": op, "p": payload})
        channel = self.keys.inbox(owner)
        self.bus.send(lambda p: p.publish(channel, text))

    # ----- leases: renew, claim, reap ------------------------------------------------------
    def _announce_gone(self, replicas: list[str]) -> Callable[[Any], None]:
        channel = self.keys.viewers_channel
        texts = [json.dumps({"r": r, "gone": True}) for r in replicas]

        def add(p: Any) -> None:
            for text in texts:
                p.publish(channel, text)

        return add

    def _renewed(self, forgotten: bool, lost: list[tuple[str, int]]) -> None:
        """The renewer found leases that are not ours any more (or that we were forgotten)."""
        for sid, adoption in lost:
            if self.owned.get(sid) == adoption:  # not one we took again meanwhile
                log.warning("lost the lease of %s; another replica owns it now", sid)
                self._forget(sid)
        if forgotten and self.bus.pubsub is not None:
            self._spawn(self.on_connect())  # we were silent for a lease: re-announce our counts

    async def _maintain(self) -> None:
        """Take over the sessions of replicas that stopped; forget replicas long silent."""
        assert self._leases is not None
        while True:
            try:
                for sid, run in await self._leases.claim():
                    log.info("taking over %s from a replica that stopped", sid)
                    self._adopt(sid, run)
                dead = await self._leases.reap()
                if dead:
                    self._calls.fail("the server process that trained this session stopped; it "
                                     "resumes on another one, retry", at=set(dead))
                    for r in dead:
                        self.on_viewers({"r": r, "gone": True})
                    self.bus.send(self._announce_gone(dead))
            except ERRORS as exc:
                self.bus.warn(exc)
                self._calls.fail(describe(exc))
            except Exception:  # a bug: log it, try again next time
                log.exception("cluster maintenance failed")
            await asyncio.sleep(self.tick)
