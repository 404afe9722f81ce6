"""The training pool as the API sees it: the :class:`Pool` interface and the :class:`Event` it
delivers.

A pool owns the sessions' training: the API sends it operations (``call`` waits for the
answer, ``tell`` does not) and subscribes watchers to a session's events. Two implementations:
:class:`~nnplayground.training.pool.WorkerPool` (this machine's training processes) and
:class:`~nnplayground.cluster.pool.ClusterPool` (the same, with leases, commands and events
shared by several replicas through Redis). Calls fail with the domain's errors
(``sessions/errors.py``). What it leaves out: how and where training runs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Event:
    """One published message: ``text`` is ready to send; ``first..last`` epochs if an epoch.
    ``cache`` keeps what is derived from it once for every client (``api/display.py``)."""

    kind: str
    text: str
    first: int = 0
    last: int = 0
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class Pool(Protocol):
    """Training workers as the API sees them."""

    n: int  # training processes

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def alive(self) -> int: ...
    def assign(self, sid: str) -> int: ...
    def release(self, sid: str) -> None: ...
    async def call(self, sid: str, op: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any: ...
    def tell(self, sid: str, op: str, payload: dict[str, Any] | None = None) -> None: ...
    def subscribe(self, sid: str, maxsize: int = 0) -> asyncio.Queue[Event]: ...
    def unsubscribe(self, sid: str, q: asyncio.Queue[Event]) -> None: ...
    def watcher_count(self, sid: str) -> int: ...
    def publish_local(self, sid: str, event: Event) -> None: ...
    async def rows(self, sids: list[str]) -> dict[str, dict[str, Any]]:
        """The dashboard rows the workers last sent of these forks (``payloads.row``); a
        session without one is missing (ask its worker: ``call(sid, "row")``)."""
        ...
