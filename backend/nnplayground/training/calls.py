"""Calls waiting for their answer, for both pools (this machine's and the cluster's).

Each call gets a request id and a future, noted with where it went (a worker's index, a
replica's id), so that when that place dies or the pool stops, every call waiting on it fails
at once with ``UnavailableError`` instead of hanging, and one that takes too long with
``TimedOutError``. What it leaves out: how requests and answers travel.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Collection, Hashable, Iterator
from typing import Any

from ..sessions.errors import UnavailableError, timed_out


class Calls:
    """Request id -> (future, where the request went)."""

    def __init__(self) -> None:
        self._pending: dict[int, tuple[asyncio.Future[Any], Hashable]] = {}
        self._ids = itertools.count(1)

    @contextlib.contextmanager
    def open(self, where: Hashable) -> Iterator[tuple[int, asyncio.Future[Any]]]:
        """A new call to ``where``: its id and future, forgotten when the block ends."""
        req = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[req] = (fut, where)
        try:
            yield req, fut
        finally:
            self._pending.pop(req, None)

    def settle(self, req: int, result: Any = None, error: BaseException | None = None) -> None:
        """The answer to ``req`` (ignored if nobody waits for it any more)."""
        entry = self._pending.get(req)
        if entry is None or entry[0].done():
            return
        if error is None:
            entry[0].set_result(result)
        else:
            entry[0].set_exception(error)

    def fail(self, message: str, at: Collection[Hashable] | None = None) -> None:
        """Every call waiting on a place in ``at`` (on any, if None) fails as unavailable."""
        for req, (fut, where) in list(self._pending.items()):
            if (at is None or where in at) and not fut.done():
                fut.set_exception(UnavailableError(message))
                self._pending.pop(req, None)


async def answer(fut: asyncio.Future[Any], timeout: float, op: str) -> Any:
    """The result of ``fut``, or ``TimedOutError`` after ``timeout`` seconds."""
    try:
        return await asyncio.wait_for(fut, timeout)
    except TimeoutError:
        raise timed_out(op) from None
