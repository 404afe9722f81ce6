"""The API process's side of training: worker processes, calls to them, events from them.

:class:`WorkerPool` starts ``Settings.worker_count`` processes (spawned, one BLAS thread
each), gives every new session to the least loaded of them (sessions from the store go by a hash of
their id), sends commands on that
worker's queue and awaits the reply (:meth:`call`), and relays the events every worker
publishes to the asyncio queues of the session's watchers (:meth:`subscribe`). One thread
reads the shared event queue and hands each message to the event loop. A worker that dies is
restarted; its sessions reload from the store on their next command (as paused), and calls
waiting on it fail with 503 instead of hanging. What it leaves out: tokens and limits (API).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import multiprocessing as mp
import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from .worker import run_worker

log = logging.getLogger("nnplayground.pool")
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class WorkerError(Exception):
    """A worker answered with an error (``info`` has status, code, message, field)."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info.get("message", "worker error"))
        self.info = info


@dataclass
class Event:
    """One published message: ``text`` is ready to send; ``first..last`` epochs if an epoch.
    ``cache`` keeps what is derived from it once for every client (``api/display.py``)."""

    kind: str
    text: str
    first: int = 0
    last: int = 0
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class WorkerPool:
    """Training processes and the plumbing to talk to them from asyncio."""

    #: the worker processes' entry point, called with ``(index, worker_options(), commands,
    #: events)``; ``cluster.py`` runs a variant
    worker_main = staticmethod(run_worker)

    def worker_options(self) -> dict[str, Any]:
        return self.settings.model_dump()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.n = settings.worker_count
        self._ctx = mp.get_context("spawn")
        self._events: list[Any] = []
        self._commands: list[Any] = []
        self._procs: list[Any] = []
        self._pending: dict[int, tuple[asyncio.Future[Any], int]] = {}
        self._ids = itertools.count(1)
        self._subs: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)
        self._owner: dict[str, int] = {}
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
                args=(i, self.worker_options(), commands, events))
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
        for fut, _ in self._pending.values():
            if not fut.done():
                fut.set_exception(WorkerError(_unavailable("the server is shutting down")))

    async def _watch_workers(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            for i, p in enumerate(self._procs):
                if not p.is_alive():
                    log.error("training worker %d died (exit %s); restarting", i, p.exitcode)
                    self._fail_pending(i)
                    self._spawn(i)

    def _fail_pending(self, worker: int) -> None:
        for req, (fut, w) in list(self._pending.items()):
            if w == worker and not fut.done():
                fut.set_exception(WorkerError(_unavailable("the training worker restarted")))
                self._pending.pop(req, None)

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

    def worker_for(self, sid: str) -> int:
        """The session's worker: as assigned, else (sessions from the store) by id hash."""
        w = self._owner.get(sid)
        if w is None:
            w = int.from_bytes(hashlib.sha256(sid.encode()).digest()[:4], "big") % self.n
        return w

    async def call(self, sid: str, op: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any:
        """Send ``op`` to the session's worker and wait for its answer."""
        assert self._loop is not None
        req = next(self._ids)
        w = self.worker_for(sid)
        fut: asyncio.Future[Any] = self._loop.create_future()
        self._pending[req] = (fut, w)
        self._commands[w].put((req, op, sid, payload or {}))
        try:
            return await asyncio.wait_for(fut, timeout or self.settings.call_timeout_seconds)
        except TimeoutError:
            raise timed_out(op) from None
        finally:
            self._pending.pop(req, None)

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
            self._loop.call_soon_threadsafe(self._dispatch, msg)

    def _dispatch(self, msg: tuple[Any, ...]) -> None:
        if msg[0] == "reply":
            _, req, ok, result = msg
            entry = self._pending.get(req)
            if entry and not entry[0].done():
                if ok:
                    entry[0].set_result(result)
                else:
                    entry[0].set_exception(WorkerError(result))
            return
        _, sid, kind, text, first, last = msg
        self.publish_local(sid, Event(kind, text, first, last))

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


def timed_out(op: str) -> WorkerError:
    """The 504 of a call that did not finish within its timeout."""
    return WorkerError({"status": 504, "code": "timeout",
                        "message": f"{op} did not finish in time"})


def _unavailable(message: str) -> dict[str, Any]:
    return {"status": 503, "code": "unavailable", "message": message}
