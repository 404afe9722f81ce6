"""A replica's training worker, driven in-process: fenced checkpoints (a lost lease drops the
session, an unreachable store is retried), running-state notices, cluster-wide watcher
counts, eviction. The cluster's own end-to-end tests are in ``tests/e2e/test_cluster.py``."""

from __future__ import annotations

from typing import Any

from nnplayground.cluster.store import LeaseLostError
from nnplayground.cluster.worker import RETRY_SECONDS, ClusterWorker
from nnplayground.sessions.errors import UnavailableError
from nnplayground.sessions.store import MemoryStore
from tests.training.test_worker import FakeClock, Harness


class Fenced(MemoryStore):
    """A store whose saves fail as told: the lease went elsewhere, or Redis is down."""

    def __init__(self) -> None:
        super().__init__()
        self.fail: type[Exception] | None = None

    def save(self, state: dict[str, Any]) -> None:
        if self.fail is LeaseLostError:
            raise LeaseLostError(state["id"])
        if self.fail is UnavailableError:
            raise UnavailableError("Redis is unreachable")
        super().save(state)


def harness(**settings: Any) -> tuple[Harness, Fenced, FakeClock]:
    store, clock = Fenced(), FakeClock(100.0)
    return Harness(clock=clock, worker=ClusterWorker, store=store, **settings), store, clock


def test_running_state_is_a_notice_not_an_event() -> None:
    h, _, _ = harness()
    h.create()
    h.call("step", "s1", {"epochs": 5})
    h.run()
    assert h.notices == [("s1", "run", {"running": True, "target": 5}),
                         ("s1", "run", {"running": False, "target": 0})]
    assert all(not e.kind.startswith("_") for e in h.log)


def test_a_lost_lease_drops_the_session_and_fails_its_waiting_calls() -> None:
    h, store, clock = harness(checkpoint_seconds=1.0)
    h.create()
    waiting = h.send("step", "s1", {"epochs": 10**6, "wait": True})
    h.chunk()
    store.fail = LeaseLostError
    clock.now += 2.0
    h.chunk()  # its periodic checkpoint is refused: another replica owns it now
    assert "s1" not in h.worker.owned and h.running() == set()
    assert h.notices[-1] == ("s1", "lost", {})
    ok, error = h.answer(waiting)
    assert not ok and error["kind"] == "unavailable" and "another server" in error["message"]


def test_an_unreachable_store_is_retried_every_second() -> None:
    h, store, clock = harness()
    h.create()
    store.fail = UnavailableError
    h.call("pause", "s1")  # postponed, not an error for the caller
    assert h.owned().unsaved
    store.fail = None
    h.chunk()  # the first retry is due at once
    assert not h.owned().unsaved and store.load("s1") is not None
    store.fail = UnavailableError
    h.call("reset", "s1")
    h.chunk()
    assert h.owned().unsaved  # tried, and still down
    store.fail = None
    clock.now += RETRY_SECONDS / 2
    h.chunk()
    assert h.owned().unsaved  # not yet: once a second
    clock.now += RETRY_SECONDS
    h.chunk()
    assert not h.owned().unsaved


def test_watchers_are_counted_by_the_cluster_and_eviction_forgets() -> None:
    h, store, _ = harness()
    h.create()
    assert h.call("watch", "s1", {"delta": 1}) == {"watchers": 1}  # counted until told
    assert h.call("watch", "s1", {"delta": 1}) == {"watchers": 1}  # not by this replica
    assert h.call("watchers", "s1", {"count": 7}) == {"watchers": 7}
    h.call("step", "s1", {"epochs": 3})
    h.run()
    assert h.call("evict", "s1", {"checkpoint": True}) == {"evicted": "s1"}
    assert "s1" not in h.worker.owned
    assert store.load("s1")["model"]["epoch"] == 3  # type: ignore[index]
