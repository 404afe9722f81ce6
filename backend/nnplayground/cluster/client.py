"""Redis connections for the cluster: short timeouts, one quick retry, errors mapped.

A command that cannot reach Redis fails within a few seconds instead of hanging, and becomes
the domain's :class:`~nnplayground.sessions.errors.UnavailableError` (in a worker's store as in
the API's registry). Importing this module imports the ``redis`` client (the optional extra
``nnplayground[redis]``). What it leaves out: what is stored (``keys.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import redis
import redis.asyncio
from redis.backoff import ConstantBackoff

from ..sessions.errors import UnavailableError

ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
CONNECT_TIMEOUT = 2.0
COMMAND_TIMEOUT = 5.0
MAX_CONNECTIONS = 64


def sync_client(url: str) -> redis.Redis:
    """A blocking client (training workers): one retry after a dropped connection."""
    return redis.Redis.from_url(
        url, socket_timeout=COMMAND_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT,
        retry=redis.retry.Retry(ConstantBackoff(0.05), 1))


def async_client(url: str) -> redis.asyncio.Redis:
    """An asyncio client (API process): one retry after a dropped connection; at most
    ``MAX_CONNECTIONS`` at once, further commands wait for one (a burst of hundreds of
    WebSocket connections must queue, not fail)."""
    pool = redis.asyncio.BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=COMMAND_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT,
        retry=redis.asyncio.retry.Retry(ConstantBackoff(0.05), 1))
    return redis.asyncio.Redis.from_pool(pool)


def text(value: object) -> str:
    """A reply from Redis (bytes) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


def describe(exc: BaseException) -> str:
    return f"the shared session store (Redis) is unreachable: {type(exc).__name__}"


@contextlib.contextmanager
def unavailable() -> Iterator[None]:
    """Redis errors become :class:`UnavailableError`."""
    try:
        yield
    except ERRORS as exc:
        raise UnavailableError(describe(exc)) from None
