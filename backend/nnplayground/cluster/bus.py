"""One replica's messaging through Redis: an ordered outbox and one subscription.

* Outbox: ``send(add)`` queues commands (``add`` adds them to a pipeline); one task sends them
  in order, batched into pipelines, so what a replica publishes arrives in the order it was
  produced. ``send(add, result=True)`` gives a future of the last command's answer (e.g. how
  many replicas received a PUBLISH). While Redis is unreachable, batches are dropped and their
  futures fail with 503 ``unavailable``.
* Subscription: one connection subscribed to the replica's inbox, the ``viewers`` channel and
  the event channels of the sessions watched on this replica but trained elsewhere (``watch``,
  ``unwatch``; ``confirmed`` waits until Redis confirmed one, so no event is missed after it).
  Messages go to the :class:`Handler`, and ``on_subscribed`` when Redis confirms a session's
  channel (what was published before may have been missed). Events this replica published
  itself are skipped, and so are events older than ``STALE_SECONDS`` except status changes: a
  replica that fell behind sheds load instead of queueing (its watchers refill missed epochs
  from the history). After every (re)connection ``on_connect`` runs before any message.

What it leaves out: what the messages mean (``cluster.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from ..sessions.errors import UnavailableError
from ..sessions.pool import Event
from .client import ERRORS, describe
from .keys import Keys

log = logging.getLogger("nnplayground.cluster")
OUTBOX_LIMIT = 20_000
BATCH = 512
RETRY_SECONDS = 0.5
DRAIN = 1000  # messages handled per wake-up of the subscription
STALE_SECONDS = 2.0  # relayed events older than this are dropped (a replica fell behind)


class Handler(Protocol):
    def on_inbox(self, msg: dict[str, Any]) -> None: ...
    def on_viewers(self, msg: dict[str, Any]) -> None: ...
    def on_event(self, sid: str, event: Event) -> None: ...
    def on_subscribed(self, sid: str) -> None: ...
    async def on_connect(self) -> None: ...
    def on_disconnect(self, message: str) -> None: ...


def event_message(origin: str, event: Event) -> bytes:
    """An event as published on ``ev:{sid}``: who sent it when, then its text as it is."""
    return (f"{origin}\n{time.time()!r}\n{event.kind}\n{event.first}\n{event.last}\n"
            f"{event.text}").encode()


class Bus:
    """The outbox and subscription of replica ``me``."""

    def __init__(self, keys: Keys, me: str, handler: Handler) -> None:
        self.keys, self.me, self.handler = keys, me, handler
        self.redis: Any = None
        self.pubsub: Any = None
        self.warned = False
        self._outbox: asyncio.Queue[tuple[Callable[[Any], Any], asyncio.Future[Any] | None]]
        self._outbox = asyncio.Queue(OUTBOX_LIMIT)
        self._channels: dict[str, asyncio.Event] = {}  # watched sid -> subscription confirmed
        self._tasks: list[asyncio.Task[None]] = []
        self._subscriptions: set[asyncio.Task[None]] = set()
        self._inbox = keys.inbox(me).encode()
        self._viewers = keys.viewers_channel.encode()
        self._events = keys.events("").encode()

    def start(self, redis: Any) -> None:
        self.redis = redis
        self._tasks = [asyncio.create_task(self._publisher()),
                       asyncio.create_task(self._listen())]

    async def stop(self) -> None:
        for _ in range(100):  # let the last messages leave (at most a second)
            if self._outbox.empty():
                break
            await asyncio.sleep(0.01)
        tasks = [*self._tasks, *self._subscriptions]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def warn(self, exc: BaseException) -> None:
        """Log that Redis is unreachable, once until it is back."""
        if not self.warned:
            log.warning("replica %s: %s", self.me, describe(exc))
            self.warned = True

    # ----- outbox --------------------------------------------------------------------------
    def send(self, add: Callable[[Any], Any], result: bool = False) -> asyncio.Future[Any] | None:
        """Queue commands (``add(pipeline)``); with ``result``, a future of the last one's."""
        fut = asyncio.get_running_loop().create_future() if result else None
        try:
            self._outbox.put_nowait((add, fut))
        except asyncio.QueueFull:
            if fut is not None:
                fut.set_exception(UnavailableError("too many messages waiting for Redis"))
        return fut

    async def _publisher(self) -> None:
        while True:
            batch = [await self._outbox.get()]
            while len(batch) < BATCH and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            pipe = self.redis.pipeline(transaction=False)
            marks = []
            for add, fut in batch:
                add(pipe)
                marks.append((len(pipe.command_stack) - 1, fut))
            try:
                results = await pipe.execute(raise_on_error=False)
            except Exception as exc:  # Redis unreachable (or a bug): drop this batch
                if not isinstance(exc, ERRORS):
                    log.exception("publishing to Redis failed")
                self.warn(exc)
                for _, fut in marks:
                    if fut is not None and not fut.done():
                        fut.set_exception(UnavailableError(describe(exc)))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for i, fut in marks:
                if fut is not None and not fut.done():
                    if isinstance(results[i], Exception):
                        fut.set_exception(UnavailableError(describe(results[i])))
                    else:
                        fut.set_result(results[i])

    # ----- subscription --------------------------------------------------------------------
    @property
    def watched(self) -> list[str]:
        return list(self._channels)

    def watch(self, sid: str) -> None:
        if sid not in self._channels:
            self._channels[sid] = asyncio.Event()
            self._spawn_subscription("subscribe", sid)

    def unwatch(self, sid: str) -> None:
        if self._channels.pop(sid, None) is not None:
            self._spawn_subscription("unsubscribe", sid)

    async def confirmed(self, sid: str, timeout: float) -> None:
        """Wait (at most ``timeout``) until Redis confirmed our subscription to ``sid``."""
        ev = self._channels.get(sid)
        if ev is not None and not ev.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ev.wait(), timeout)

    def _spawn_subscription(self, action: str, sid: str) -> None:
        ps = self.pubsub
        if ps is None:  # the listener subscribes to every watched session when it connects
            return

        async def run() -> None:
            with contextlib.suppress(*ERRORS):
                await getattr(ps, action)(self.keys.events(sid))

        task = asyncio.get_running_loop().create_task(run())
        self._subscriptions.add(task)
        task.add_done_callback(self._subscriptions.discard)

    async def _listen(self) -> None:
        while True:
            ps = self.redis.pubsub()
            try:
                for ev in self._channels.values():
                    ev.clear()
                await ps.subscribe(self.keys.inbox(self.me), self.keys.viewers_channel,
                                   *(self.keys.events(s) for s in self._channels))
                self.pubsub = ps
                await self.handler.on_connect()
                if self.warned:
                    log.info("replica %s: Redis is reachable again", self.me)
                    self.warned = False
                while True:
                    msg = await ps.get_message(timeout=1.0)
                    for _ in range(DRAIN):  # and whatever else already arrived
                        if msg is None:
                            break
                        try:
                            self._dispatch(msg)
                        except Exception:  # one bad message must not stop the subscription
                            log.exception("could not handle a message on %r",
                                          msg.get("channel"))
                        msg = await ps.get_message(timeout=0)
            except ERRORS as exc:
                self.warn(exc)
                self.handler.on_disconnect(describe(exc))
            except Exception:  # a bug: log it, subscribe again
                log.exception("the subscription failed")
                self.handler.on_disconnect("the server's subscription to Redis failed")
            finally:
                self.pubsub = None
                with contextlib.suppress(Exception):
                    await ps.aclose()
            await asyncio.sleep(RETRY_SECONDS)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        kind, channel = msg["type"], msg["channel"]
        if kind == "subscribe" and channel.startswith(self._events):
            sid = channel[len(self._events):].decode()
            ev = self._channels.get(sid)
            if ev is not None:
                ev.set()
                self.handler.on_subscribed(sid)
        if kind != "message":
            return
        data = msg["data"]
        if channel == self._inbox:
            self.handler.on_inbox(json.loads(data))
        elif channel == self._viewers:
            self.handler.on_viewers(json.loads(data))
        elif channel.startswith(self._events):
            origin, sent, kind, first, last, text = data.decode().split("\n", 5)
            if origin == self.me:
                return
            if kind != "status" and time.time() - float(sent) > STALE_SECONDS:
                return  # shed: snapshots are superseded, missed epochs are refilled
            self.handler.on_event(channel[len(self._events):].decode(),
                                  Event(kind, text, int(first), int(last)))
