"""A Python client of the nnplayground API, for notebooks, scripts and autograders.

    from nnplayground.client import Client

    with Client("http://127.0.0.1:8000") as nnp:
        s = nnp.create(preset="xnor")              # a new session, owned: s.token is its secret
        s.train(5000)                              # the summary once the epochs are done
        s.predict([[0, 0], [0, 1]])["classes"]
        with s.stream(timeout=30) as events:       # the live WebSocket
            events.step(500)                       # owner commands: start, pause, step, set
            events.until(lambda e: e["type"] == "status" and e["status"] == "paused")

``Client`` and ``Session`` are synchronous (httpx and websockets' sync client);
``AsyncClient`` and ``AsyncSession`` are the same with ``await`` (``async with`` and
``async for`` for streams). A session made by ``create`` or ``fork`` carries its token;
``client.session(id)`` watches one (reading and forking need no token, changing does).
Answers are the API's JSON as dicts and lists (``docs/protocol.md``); ``grid_array`` turns a
snapshot's quantised grid into a NumPy array. Every refusal raises :class:`ApiError` with the
API's ``code``, ``status``, ``message`` and ``field``; connection failures stay httpx's and
websockets' own exceptions.

A classroom: ``teacher.forks()`` (the dashboard's rows), ``student = nnp.session(id).fork(
nickname="Ada")``, and ``session.challenge()`` (met or not, and why: what an autograder asks).

What it leaves out: the timeline; retrying (a 503 carries
``retry_after``); and any state beyond a session's id and token.

The package: ``errors`` (ApiError), ``wire`` (requests, stream messages, grids), ``calls``
(every route and command, written once for both), ``sync`` and ``aio`` (the clients).
"""

from .aio import AsyncClient, AsyncSession, AsyncStream
from .errors import ApiError, StreamClosedError
from .sync import Client, Session, Stream
from .wire import grid_array

__all__ = ["ApiError", "AsyncClient", "AsyncSession", "AsyncStream", "Client", "Session",
           "Stream", "StreamClosedError", "grid_array"]
