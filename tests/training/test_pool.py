"""WorkerPool against a real spawned worker process (memory store): calls, events, restarts.

Each test runs its own event loop with ``asyncio.run``; waits are bounded by deadlines.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.sessions.errors import NotFoundError, TimedOutError, UnavailableError
from nnplayground.sessions.pool import Event
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.store import MemoryStore
from nnplayground.training.pool import WorkerPool
from tests.conftest import make_settings

SPEC = SessionSpec(dataset=DatasetSpec("circle", n_points=40))
WAIT = 30.0  # seconds: generous bounds for a loaded machine, never reached when things work


def create_payload() -> dict[str, Any]:
    return {"token_hash": "hash", "spec": SPEC.to_dict()}


def with_pool(body: Callable[[WorkerPool], Awaitable[None]], **settings: Any) -> WorkerPool:
    """Start a one-worker pool, run ``body``, always stop the pool; the stopped pool."""
    pool = WorkerPool(make_settings(**settings), MemoryStore)

    async def main() -> None:
        await pool.start()
        try:
            await body(pool)
        finally:
            await pool.stop()

    asyncio.run(main())
    return pool


async def next_event(q: asyncio.Queue[Event]) -> tuple[Event, dict[str, Any]]:
    event = await asyncio.wait_for(q.get(), WAIT)
    return event, (json.loads(event.text) if event.text else {})


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def test_calls_events_and_stop() -> None:
    procs: list[Any] = []

    async def body(pool: WorkerPool) -> None:
        procs.extend(pool._procs)
        assert pool.alive() == 1 and pool.worker_for("s1") == 0
        created = await pool.call("s1", "create", create_payload())
        assert created["id"] == "s1" and created["epoch"] == 0
        assert await pool.call("s1", "summary") == created

        q = pool.subscribe("s1")
        assert pool.watcher_count("s1") == 1
        assert await pool.call("s1", "watch", {"delta": 1}) == {"watchers": 1}
        summary = await pool.call("s1", "step", {"epochs": 300, "wait": True})
        assert summary["epoch"] == 300 and summary["status"] == "paused"

        kinds, epochs, statuses = [], [], []
        while not statuses or statuses[-1] != "paused":  # the final status follows the reply
            event, msg = await next_event(q)
            kinds.append(event.kind)
            if event.kind == "epoch":
                n = len(msg["train_loss"])
                assert msg["first"] == event.first and event.last == event.first + n - 1
                epochs.extend(range(event.first, event.last + 1))
            elif event.kind == "status":
                statuses.append(msg["status"])
        assert epochs == list(range(1, 301))
        assert statuses == ["running", "paused"]
        assert kinds[0] == "status" and "snapshot" in kinds

        pool.unsubscribe("s1", q)
        assert pool.watcher_count("s1") == 0

        with pytest.raises(NotFoundError, match="no session with this id"):
            await pool.call("nobody", "summary")

        with pytest.raises(TimedOutError, match="step did not finish in time"):
            await pool.call("s1", "step", {"epochs": 10**9, "wait": True}, timeout=0.3)
        assert (await pool.call("s1", "pause"))["status"] == "paused"

    pool = with_pool(body, chunk_seconds=1e-3)
    assert pool.alive() == 0
    assert [p.exitcode for p in procs] == [0]  # a clean exit, not a kill


def test_a_killed_worker_fails_pending_calls_and_is_restarted() -> None:
    pids: list[int] = []

    async def body(pool: WorkerPool) -> None:
        await pool.call("s1", "create", create_payload())
        q = pool.subscribe("s1")
        # Watched, so the worker writes events all the time: a kill may well land while it
        # holds its event queue's lock, which must not block the restarted worker.
        await pool.call("s1", "watch", {"delta": 1})
        pending = asyncio.create_task(
            pool.call("s1", "step", {"epochs": 10**9, "wait": True}, timeout=3 * WAIT))
        while (await next_event(q))[0].kind != "epoch":
            pass
        assert not pending.done()
        old = pool._procs[0]
        pids.append(old.pid)
        os.kill(old.pid, signal.SIGKILL)

        with pytest.raises(UnavailableError, match="the training worker restarted"):
            await asyncio.wait_for(pending, WAIT)

        await wait_until(lambda: pool._procs[0] is not old and pool.alive() == 1, "a restart")
        pids.append(pool._procs[0].pid)
        # the new worker serves calls; the memory store died with the old one
        with pytest.raises(NotFoundError):
            await pool.call("s1", "summary")
        assert (await pool.call("s2", "create", create_payload()))["id"] == "s2"

    pool = with_pool(body)
    assert len(pids) == 2 and pids[0] != pids[1]
    assert pool.alive() == 0


def test_a_full_watcher_queue_becomes_one_overflow() -> None:
    async def main() -> None:
        pool = WorkerPool(make_settings(), MemoryStore)  # not started: publish_local is local
        slow = pool.subscribe("s1", maxsize=2)
        fast = pool.subscribe("s1")
        for i in range(3):
            pool.publish_local("s1", Event("epoch", str(i), i, i))
        pool.publish_local("other", Event("epoch", "x"))
        assert [slow.get_nowait().kind for _ in range(slow.qsize())] == ["overflow"]
        pool.publish_local("s1", Event("epoch", "3", 3, 3))
        assert slow.get_nowait().text == "3" and slow.empty()
        assert [fast.get_nowait().text for _ in range(fast.qsize())] == list("0123")

    asyncio.run(main())


def test_new_sessions_go_to_the_least_loaded_worker() -> None:
    pool = WorkerPool(make_settings().model_copy(update={"workers": 3}), MemoryStore)  # routing
    assert [pool.assign(s) for s in ("a", "b", "c", "d")] == [0, 1, 2, 0]
    assert [pool.worker_for(s) for s in ("a", "b", "c", "d")] == [0, 1, 2, 0]
    pool.release("b")
    pool.release("nobody")
    assert pool.assign("e") == 1
    # sessions nobody assigned (loaded from the store) go by a stable hash of their id
    w = pool.worker_for("from-store")
    assert 0 <= w < 3 and all(pool.worker_for("from-store") == w for _ in range(3))
    assert {pool.worker_for(f"id{i}") for i in range(60)} == {0, 1, 2}
