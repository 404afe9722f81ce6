"""The entry point of a training process: a worker's loop, from start to exit.

:func:`run_worker` is what the pool spawns: it opens the store in the new process, builds the
worker and :func:`serve` runs it until a ``None`` command, SIGTERM or the death of the parent
(the API process, e.g. killed with -9), then checkpoints every session it holds. What it
leaves out: what the worker does (``worker.py``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from ..config import Settings
from ..sessions.store import Store
from .worker import Worker


def run_worker(index: int, settings: dict[str, Any], open_store: Callable[[], Store],
               commands: Any, events: Any) -> None:
    """Process entry point (``WorkerPool``'s ``worker_main``)."""
    serve(Worker(Settings(**settings), commands, events, open_store()))


def serve(worker: Worker) -> None:
    """Run ``worker``'s loop in this process, then checkpoint everything it holds."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the API, which stops us
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.parent = os.getppid()
    try:
        worker.loop()
    finally:
        if worker.orphaned:  # nobody reads the event queue any more: do not wait to flush it
            worker.events.cancel_join_thread()
        worker.checkpoint_all()
        worker.store.close()
        leave_if_orphaned(worker.parent)


def leave_if_orphaned(parent: int) -> None:
    """While this process exits, its event queue flushes what is left to the parent; if the
    parent dies meanwhile (killed after a slow shutdown), nobody reads it any more and the
    flush would block forever: a watcher thread then ends the process at once."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)  # polling the parent: there is no event for its death
        os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
