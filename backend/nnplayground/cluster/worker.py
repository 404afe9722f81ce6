"""The training worker of one replica in a Redis cluster: a
:class:`~nnplayground.training.worker.Worker` that checkpoints only what its replica owns,
learns watcher counts from the whole cluster, and reports when a session starts or stops
running.

Differences from the single-machine worker, all small:

* its store is a :class:`~.store.RedisStore` fenced by the replica's id: a checkpoint of a
  session whose lease went to another replica fails, and the worker then forgets that session
  (a ``lost`` notice) instead of training a copy nobody owns; a checkpoint that cannot reach
  Redis is retried every second instead of stopping the worker;
* watchers may be on any replica, so ``watch`` does not count them: the replica that owns the
  session sets the cluster-wide count with ``watchers`` (``watch`` only makes sure a new watcher
  is counted until then);
* every change of a session's running state is a ``run`` notice (with the epoch a ``step``
  stops at), which the replica records in Redis so that whoever takes the session over after a
  failure resumes it the same way;
* ``evict`` drops a session from memory (after a checkpoint if asked), when the lease is lost or
  handed over.

What it leaves out: leases and routing (``pool.py``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from ..config import Settings
from ..sessions.errors import SessionError, UnavailableError
from ..sessions.store import Store
from ..training.owned import Owned
from ..training.process import serve
from ..training.worker import Worker
from .store import LeaseLostError

log = logging.getLogger("nnplayground.cluster_worker")
RETRY_SECONDS = 1.0


def run_cluster_worker(index: int, settings: dict[str, Any], open_store: Callable[[], Store],
                       commands: Any, events: Any) -> None:
    """Process entry point (``WorkerPool``'s ``worker_main``); ``open_store`` opens the
    replica's fenced store."""
    serve(ClusterWorker(Settings(**settings), commands, events, open_store()))


class ClusterWorker(Worker):
    """A worker whose sessions are leased from a cluster."""

    def __init__(self, settings: Settings, commands: Any, events: Any, store: Store,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(settings, commands, events, store, clock=clock)
        self.retry_at = -math.inf

    # ----- checkpoints ---------------------------------------------------------------------
    def checkpoint(self, o: Owned) -> None:
        try:
            super().checkpoint(o)
        except LeaseLostError:
            log.warning("session %s belongs to another replica now; dropping it", o.id)
            self.forget(o.id)
            self.notify(o.id, "lost", {})
        except UnavailableError as exc:
            log.warning("checkpoint of %s postponed: %s", o.id, exc)
            o.unsaved = True
            o.last_checkpoint = self.clock()
        else:
            o.unsaved = False

    def drain(self, block: bool, timeout: float = 0.0) -> None:
        super().drain(block, timeout)
        now = self.clock()
        if now >= self.retry_at:  # checkpoints that could not reach Redis, once a second
            unsaved = [o for o in self.owned.values() if o.unsaved]
            if unsaved:
                self.retry_at = now + RETRY_SECONDS
                for o in unsaved:
                    self.checkpoint(o)

    def forget(self, sid: str, error: SessionError | None = None) -> Owned | None:
        """Drop ``sid`` from memory without saving; calls waiting on it fail as unavailable."""
        return super().forget(sid, error or UnavailableError(
            "the session moved to another server process; retry"))

    # ----- running state -------------------------------------------------------------------
    def set_running(self, o: Owned, running: bool) -> None:
        super().set_running(o, running)
        target = o.target if running and o.target is not None else 0
        self.notify(o.id, "run", {"running": running, "target": target})

    # ----- operations ----------------------------------------------------------------------
    def op_watch(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        if int(p.get("delta", 1)) > 0:
            o.watchers = max(o.watchers, 1)
        return super().op_watch(sid, {**p, "delta": 0}, req)

    def wants(self, o: Owned) -> tuple[bool, bool]:
        """Both streams: the cluster counts watchers, not what detail each wants."""
        return True, o.watchers > 0

    def op_watchers(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.get(sid)
        o.watchers = max(0, int(p["count"]))
        return {"watchers": o.watchers}

    def op_evict(self, sid: str, p: dict[str, Any], req: int) -> Any:
        o = self.owned.get(sid)
        if o is not None and p.get("checkpoint"):
            super().checkpoint(o)  # errors reach the caller, who then keeps the lease
        self.forget(sid)
        return {"evicted": sid}
