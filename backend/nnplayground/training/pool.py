"""This machine's training pool (:class:`~nnplayground.sessions.pool.Pool`): worker
processes, calls to them, events from them.

:class:`WorkerPool` starts ``Settings.worker_count`` processes (spawned, one BLAS thread each),
gives every new session to the least loaded of them (sessions from the store go by a hash of
their id), sends commands on that worker's queue and awaits the reply (:meth:`call`), and
relays the events every worker publishes to the asyncio queues of the session's watchers
(:meth:`subscribe`). One thread per worker reads its event queue and hands each batch of
messages (a worker's turn) to the event loop. A worker that dies is restarted; its sessions
reload from the store on their next command (as paused), and calls waiting on it fail as
unavailable instead of hanging. A ``listener`` (the cluster) also gets every event and the
workers' notices. What it leaves out: tokens and limits (API), which store the workers open
(``open_store``, chosen by the API).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing as mp
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from ..config import Settings
from ..sessions.errors import from_dict
from ..sessions.pool import Event
from ..sessions.store import Store
from .calls import Calls, answer
from .process import run_worker

log = logging.getLogger("nnplayground.pool")
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
WorkerMain = Callable[[int, dict[str, Any], Callable[[], Store], Any, Any], None]


class Listener(Protocol):
    """Who else hears what the workers publish (the cluster, which forwards it)."""

    def on_worker_event(self, sid: str, event: Event) -> None:
        """After the event went to this process's watchers."""
    def on_worker_notice(self, sid: str, kind: str, data: dict[str, Any]) -> None:
        """A worker's news for the pool (see ``worker.py``)."""


class WorkerPool:
    """Training processes and the plumbing to talk to them from asyncio.

    ``open_store`` opens the store in each worker process (so it must pickle: a class or a
    ``functools.partial``); ``worker_main`` is the processes' entry point (the cluster runs
    its own worker).
    """

    def __init__(self, settings: Settings, open_store: Callable[[], Store], *,
                 worker_main: WorkerMain = run_worker, listener: Listener | None = None) -> None:
        self.settings = settings
        self.n = settings.worker_count
        self.open_store, self.worker_main, self.listener = open_store, worker_main, listener
        self._ctx = mp.get_context("spawn")
        self._events: list[Any] = []
        self._commands: list[Any] = []
        self._procs: list[Any] = []
        self._calls = Calls()
        self._subs: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)
        self._owner: dict[str, int] = {}
        self._rows: dict[str, dict[str, Any]] = {}  # forks' dashboard rows (workers' notices)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._readers: list[threading.Thread] = []
        self._monitor: asyncio.Task[None] | None = None

    # ----- life cycle ----------------------------------------------------------------------
    def _spawn(self, i: int) -> None:
        # Each worker gets its own queues: a worker killed while writing leaves its queue's
        # lock held, and only that queue, which is abandoned with the dead process.
        commands, events = self._ctx.Queue(), self._ctx.Queue()
        saved = {k: os.environ.get(k) for k in BLAS_ENV}
        os.environ.update({k: "1" for k in BLAS_ENV})
        try:
            proc = self._ctx.Process(
                target=self.worker_main, name=f"nnp-worker-{i}", daemon=True,
                args=(i, self.settings.model_dump(), self.open_store, commands, events))
            proc.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        reader = threading.Thread(target=self._read, args=(events,), name=f"nnp-events-{i}",
                                  daemon=True)
        reader.start()
        if i < len(self._procs):
            self._commands[i], self._events[i], self._procs[i] = commands, events, proc
            self._readers[i] = reader
        else:
            self._commands.append(commands)
            self._events.append(events)
            self._procs.append(proc)
            self._readers.append(reader)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for i in range(self.n):
            self._spawn(i)
        self._monitor = asyncio.create_task(self._watch_workers())

    async def stop(self) -> None:
        """Ask every worker to checkpoint and exit, then wait for them."""
        if self._monitor:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
        for q in self._commands:
            q.put(None)
        for p in self._procs:
            await asyncio.to_thread(p.join, 30)
            if p.is_alive():
                p.kill()
        for p, events, reader in zip(self._procs, self._events, self._readers, strict=True):
            if p.exitcode == 0:  # a worker that exited cleanly left its queue usable
                events.put(None)
                await asyncio.to_thread(reader.join, 5)
            else:
                events.cancel_join_thread()
            events.close()
        for q in self._commands:
            q.close()
            q.join_thread()
        self._calls.fail("the server is shutting down")

    async def _watch_workers(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            for i, p in enumerate(self._procs):
                if not p.is_alive():
                    log.error("training worker %d died (exit %s); restarting", i, p.exitcode)
                    self._calls.fail("the training worker restarted", at={i})
                    self._spawn(i)

    def alive(self) -> int:
        return sum(p.is_alive() for p in self._procs)

    # ----- commands ------------------------------------------------------------------------
    def assign(self, sid: str) -> int:
        """Give a new session to the worker that owns the fewest."""
        counts = [0] * self.n
        for w in self._owner.values():
            counts[w] += 1
        self._owner[sid] = counts.index(min(counts))
        return self._owner[sid]

    def release(self, sid: str) -> None:
        self._owner.pop(sid, None)
        self._rows.pop(sid, None)

    def assigned(self, sid: str) -> bool:
        """Whether ``sid`` was given to a worker (rather than going by its id's hash)."""
        return sid in self._owner

    def worker_for(self, sid: str) -> int:
        """The session's worker: as assigned, else (sessions from the store) by id hash."""
        w = self._owner.get(sid)
        if w is None:
            w = int.from_bytes(hashlib.sha256(sid.encode()).digest()[:4], "big") % self.n
        return w

    async def call(self, sid: str, op: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any:
        """Send ``op`` to the session's worker and wait for its answer."""
        w = self.worker_for(sid)
        with self._calls.open(w) as (req, fut):
            self._commands[w].put((req, op, sid, payload or {}))
            return await answer(fut, timeout or self.settings.call_timeout_seconds, op)

    def tell(self, sid: str, op: str, payload: dict[str, Any] | None = None) -> None:
        """Send ``op`` without waiting for an answer."""
        self._commands[self.worker_for(sid)].put((0, op, sid, payload or {}))

    # ----- events --------------------------------------------------------------------------
    def subscribe(self, sid: str, maxsize: int = 0) -> asyncio.Queue[Event]:
        q: asyncio.Queue[Event] = asyncio.Queue(maxsize)
        self._subs[sid].add(q)
        return q

    def unsubscribe(self, sid: str, q: asyncio.Queue[Event]) -> None:
        subs = self._subs.get(sid)
        if subs is not None:
            subs.discard(q)
            if not subs:
                del self._subs[sid]

    def watcher_count(self, sid: str) -> int:
        return len(self._subs.get(sid, ()))

    def watched(self) -> list[str]:
        """Sessions with watchers connected to this process."""
        return list(self._subs)

    def _read(self, events: Any) -> None:
        """One worker's replies and events, handed to the event loop in order."""
        while True:
            try:
                msg = events.get()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._dispatch_all, msg)

    def _dispatch_all(self, batch: list[tuple[Any, ...]]) -> None:
        """A turn of a worker's messages (``Worker.flush``), in order."""
        for msg in batch:
            self._dispatch(msg)

    def _dispatch(self, msg: tuple[Any, ...]) -> None:
        tag = msg[0]
        if tag == "reply":
            _, req, ok, result = msg
            self._calls.settle(req, result if ok else None, None if ok else from_dict(result))
        elif tag == "event":
            _, sid, kind, text, first, last, cache = msg
            event = Event(kind, text, first, last, cache)
            self.publish_local(sid, event)
            if self.listener is not None:
                self.listener.on_worker_event(sid, event)
        elif tag == "notice":
            _, sid, kind, data = msg
            if self.listener is not None:
                self.listener.on_worker_notice(sid, kind, data)
            elif kind == "row":
                self._rows[sid] = data["row"]

    async def rows(self, sids: list[str]) -> dict[str, dict[str, Any]]:
        return {sid: row for sid in sids if (row := self._rows.get(sid)) is not None}

    def publish_local(self, sid: str, event: Event) -> None:
        """Hand ``event`` to every watcher of ``sid``; a full queue becomes one ``overflow``."""
        for q in list(self._subs.get(sid, ())):
            try:
                q.put_nowait(event)
            except asyncio.QueueFull:
                # A slow watcher: it resynchronises from the history (see api/stream.py).
                with contextlib.suppress(asyncio.QueueEmpty):
                    while True:
                        q.get_nowait()
                q.put_nowait(Event("overflow", ""))

