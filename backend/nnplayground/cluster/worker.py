"""The training worker of one replica in a Redis cluster: a :class:`~.worker.Worker` that
checkpoints only what its replica owns, learns watcher counts from the whole cluster, and
reports when a session starts or stops running.

Differences from the single-machine worker, all small:

* its store is a :class:`~.redis_store.RedisStore` fenced by the replica's id: a checkpoint of a
  session whose lease went to another replica fails, and the worker then forgets that session
  (``_lost`` event) instead of training a copy nobody owns; a checkpoint that cannot reach
  Redis is retried every second instead of stopping the worker;
* watchers may be on any replica, so ``watch`` does not count them: the replica that owns the
  session sets the cluster-wide count with ``watchers`` (``watch`` only makes sure a new watcher
  is counted until then);
* every change of a session's running state is published as an internal ``_run`` event (with
  the epoch a ``step`` stops at), which the replica records in Redis so that whoever takes the
  session over after a failure resumes it the same way;
* ``evict`` drops a session from memory (after a checkpoint if asked), when the lease is lost or
  handed over.

What it leaves out: leases and routing (``cluster.py``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from ..config import Settings
from ..sessions.session import Session
from ..sessions.store import StoreUnavailableError
from ..training.worker import Worker, serve
from .store import LeaseLostError, RedisStore

log = logging.getLogger("nnplayground.cluster_worker")
RETRY_SECONDS = 1.0


def run_cluster_worker(index: int, settings: dict[str, Any], commands: Any, events: Any) -> None:
    """Process entry point (``WorkerPool.worker_main``): ``settings`` plus ``replica``, the id
    that fences this worker's checkpoints."""
    options = dict(settings)
    replica = options.pop("replica")
    config = Settings(**options)
    serve(ClusterWorker(config, commands, events, RedisStore(config.store, fence=replica)))


class ClusterWorker(Worker):
    """A worker whose sessions are leased from a cluster."""

    def __init__(self, settings: Settings, commands: Any, events: Any, store: Any,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(settings, commands, events, store=store, clock=clock)
        self.unsaved: set[str] = set()
        self.retry_at = -math.inf

    # ----- checkpoints ---------------------------------------------------------------------
    def checkpoint(self, s: Session) -> None:
        try:
            super().checkpoint(s)
        except LeaseLostError:
            log.warning("session %s belongs to another replica now; dropping it", s.id)
            self.forget(s.id)
            self.publish(s, "_lost", {})
        except StoreUnavailableError as exc:
            log.warning("checkpoint of %s postponed: %s", s.id, exc)
            self.unsaved.add(s.id)
            self.last_checkpoint[s.id] = self.clock()
        else:
            self.unsaved.discard(s.id)

    def drain(self, block: bool, timeout: float = 0.0) -> None:
        super().drain(block, timeout)
        now = self.clock()
        if self.unsaved and now >= self.retry_at:
            self.retry_at = now + RETRY_SECONDS
            for sid in list(self.unsaved):
                s = self.sessions.get(sid)
                if s is None:
                    self.unsaved.discard(sid)
                else:
                    self.checkpoint(s)

    def forget(self, sid: str) -> None:
        """Drop ``sid`` from memory without saving; calls waiting on it get 503."""
        if sid in self.running:
            self.running.remove(sid)
        _, reqs = self.targets.pop(sid, (0, []))
        for req in reqs:
            self.reply(req, False, {"status": 503, "code": "unavailable", "message":
                                    "the session moved to another server process; retry"})
        self.sessions.pop(sid, None)
        self.unsaved.discard(sid)
        for d in (self.watchers, self.epoch_time, self.last_snapshot, self.last_checkpoint,
                  self.published, self.used, self.plays):
            d.pop(sid, None)

    # ----- running state -------------------------------------------------------------------
    def set_running(self, s: Session, running: bool) -> None:
        super().set_running(s, running)
        target = self.targets.get(s.id)
        self.publish(s, "_run", {"running": running,
                                 "target": target[0] if running and target else 0})

    # ----- operations ----------------------------------------------------------------------
    def op_watch(self, sid: str, p: dict[str, Any], req: int) -> Any:
        if int(p.get("delta", 1)) > 0:
            self.watchers[sid] = max(self.watchers.get(sid, 0), 1)
        return super().op_watch(sid, {**p, "delta": 0}, req)

    def op_watchers(self, sid: str, p: dict[str, Any], req: int) -> Any:
        self.watchers[sid] = max(0, int(p["count"]))
        return {"watchers": self.watchers[sid]}

    def op_evict(self, sid: str, p: dict[str, Any], req: int) -> Any:
        s = self.sessions.get(sid)
        if s is not None and p.get("checkpoint"):
            super().checkpoint(s)  # errors reach the caller, who then keeps the lease
        self.forget(sid)
        return {"evicted": sid}
