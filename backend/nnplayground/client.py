"""A Python client of the nnplayground API, for notebooks, scripts and autograders.

    from nnplayground.client import Client

    with Client("http://127.0.0.1:8000") as nnp:
        s = nnp.create(preset="xnor")              # a new session, owned: s.token is its secret
        s.train(5000)                              # the summary once the epochs are done
        s.predict([[0, 0], [0, 1]])["classes"]
        with s.stream() as events:                 # the live WebSocket
            events.start()
            paused = events.until(lambda e: e["type"] == "epoch" and e["first"] > 6000)

``Client`` and ``Session`` are synchronous (httpx and websockets' sync client);
``AsyncClient`` and ``AsyncSession`` are the same with ``await`` (``async with`` and
``async for`` for streams). A session made by ``create`` or ``fork`` carries its token;
``client.session(id)`` watches one (reading and forking need no token, changing does).
Answers are the API's JSON as dicts and lists (``docs/protocol.md``); ``grid_array`` turns a
snapshot's quantised grid into a NumPy array. Every refusal raises :class:`ApiError` with the
API's ``code``, ``status``, ``message`` and ``field``; connection failures stay httpx's and
websockets' own exceptions.

What it leaves out: the challenge check (``GET /api/sessions/{id}/challenge``), the timeline
and the forks dashboard, which the server does not have yet; retrying (a 503 carries
``retry_after``); and any state beyond a session's id and token.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlencode

import httpx
import numpy as np
from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

__all__ = ["ApiError", "AsyncClient", "AsyncSession", "AsyncStream", "Client", "Session",
           "Stream", "StreamClosedError", "grid_array"]

JSON = dict[str, Any]
Event = dict[str, Any]
DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT = 120.0  # seconds; a train call of many epochs takes a while
MAX_MESSAGE = 1 << 24  # bytes of one stream message (replays of missed epochs are large)
FATAL_ON_OPEN = ("not_found", "unavailable")  # the server closes the stream after these

D = TypeVar("D")  # what a call answering a JSON object returns: JSON, or an awaitable of it
L = TypeVar("L")  # the same for a JSON list
N = TypeVar("N")  # what sending a stream command returns: None, or an awaitable of it


class ApiError(Exception):
    """A refusal by the server: HTTP ``status`` (``None`` on the stream), the API's stable
    ``code`` (``not_found``, ``over_limit``, ``wrong_token``, ...), its ``message`` and the
    ``field`` it names; ``retry_after`` (seconds) when the server said when to try again."""

    def __init__(self, status: int | None, code: str, message: str, field: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}" + (f" ({field})" if field else ""))
        self.status, self.code, self.message, self.field = status, code, message, field
        self.retry_after = retry_after

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {"code": "http_error", "message": response.text[:300] or response.reason_phrase}
        retry = response.headers.get("Retry-After")
        return cls(response.status_code, str(body.get("code", "http_error")),
                   str(body.get("message", "")), body.get("field"),
                   float(retry) if retry and retry.replace(".", "", 1).isdigit() else None)


class StreamClosedError(ApiError):
    """The stream ended: the server closed it (``code`` ``closed``, the close code in
    ``message``). Iterating over a stream simply stops there."""


def grid_array(grid: JSON) -> np.ndarray:
    """A quantised grid of a ``snapshot`` (``{shape, min, max, data}``) as float values:
    ``min + q * (max - min) / 255``, first row at the top."""
    q = np.frombuffer(base64.b64decode(grid["data"]), dtype=np.uint8)
    lo, hi = float(grid["min"]), float(grid["max"])
    return (lo + q.astype(np.float64) * (hi - lo) / 255).reshape(grid["shape"])


@dataclass(frozen=True)
class Call:
    """One REST request: ``owner`` calls send the session's token."""

    method: str
    path: str
    body: Any = None
    params: dict[str, Any] | None = None
    owner: bool = False


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise ApiError.from_response(response)
    return response.json() if response.content else None


def _headers(call: Call, token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if call.owner and token else {}


def _without_none(**fields: Any) -> JSON:
    return {k: v for k, v in fields.items() if v is not None}


def _stream_url(base: str, sid: str, since: int, token: str | None) -> str:
    scheme, _, rest = base.rstrip("/").partition("://")
    ws = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme)
    query = urlencode(_without_none(since=since, token=token))
    return f"{ws}://{rest}/api/sessions/{quote(sid, safe='')}/stream?{query}"


def _opening(text: str | bytes) -> Event:
    """The first stream message; a refusal the server closes the stream after is raised."""
    event = _event(text)
    if event.get("type") == "error" and event.get("code") in FATAL_ON_OPEN:
        raise ApiError(None, str(event["code"]), str(event.get("message", "")))
    return event


def _event(text: str | bytes) -> Event:
    event: Event = json.loads(text)
    return event


def _closed(exc: ConnectionClosed) -> StreamClosedError:
    rcvd = exc.rcvd
    where = f"close code {rcvd.code} {rcvd.reason}".strip() if rcvd else "no close frame"
    return StreamClosedError(None, "closed", f"the stream closed ({where})")


def _command(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields})


# ----- what the sync and async classes share: the calls, written once ----------------------------
class _ServerCalls(Generic[D, L]):
    """The server-wide routes."""

    def _send(self, call: Call, token: str | None = None) -> Any:
        raise NotImplementedError

    def datasets(self) -> L:
        """Every built-in dataset (name, title, problem, classes, domain, defaults)."""
        return self._send(Call("GET", "/api/datasets"))

    def presets(self) -> L:
        """The tutorial's examples, the 2-2-2 worked example and the playground default."""
        return self._send(Call("GET", "/api/presets"))

    def limits(self) -> D:
        """The server's limits (``max_layers``, ``max_epochs_per_call``, ...)."""
        return self._send(Call("GET", "/api/limits"))

    def health(self) -> D:
        return self._send(Call("GET", "/api/health"))

    def share(self) -> D:
        """Where students reach the server: ``base`` of share links, ``lan_url``, ...."""
        return self._send(Call("GET", "/api/share"))


def _create_call(preset: str | None, config: JSON | None) -> Call:
    return Call("POST", "/api/sessions", _without_none(preset=preset, config=config))


class _SessionCalls(Generic[D]):
    """The routes of one session (``id``; ``token`` for the changes)."""

    id: str
    token: str | None

    def _send(self, call: Call) -> Any:
        raise NotImplementedError

    def _path(self, suffix: str = "") -> str:
        return f"/api/sessions/{quote(self.id, safe='')}{suffix}"

    def summary(self) -> D:
        """Status, epoch, version, configuration and the ``last`` losses and accuracies."""
        return self._send(Call("GET", self._path()))

    def update(self, **changes: Any) -> D:
        """Change options (``learning_rate=0.03``, ``hidden_layers=[8, 8]``, ...): some apply
        live, the others reset the run (``reset: true`` in the answer)."""
        return self._send(Call("PATCH", self._path(), changes, owner=True))

    def train(self, epochs: int) -> D:
        """Train ``epochs`` epochs; the summary once they are done (the session is paused)."""
        return self._send(Call("POST", self._path("/train"), {"epochs": epochs}, owner=True))

    def reset(self) -> D:
        """Back to epoch 0 and the seed's initial weights (the data stays)."""
        return self._send(Call("POST", self._path("/reset"), owner=True))

    def predict(self, inputs: Sequence[Sequence[float]]) -> D:
        """``{outputs, classes?}`` for points ``[[x1, x2], ...]``."""
        return self._send(Call("POST", self._path("/predict"), {"inputs": _rows(inputs)}))

    def boundary(self, resolution: int = 50, neurons: bool = False) -> D:
        """The output (and every neuron's, with ``neurons``) over a square grid."""
        params = {"resolution": resolution, "neurons": str(neurons).lower()}
        return self._send(Call("GET", self._path("/boundary"), params=params))

    def backprop(self, index: int | None = None, points: Sequence[JSON] | None = None,
                 check: bool = False) -> D:
        """One forward and backward pass (every ``z, a, delta, dW, db``) on the training set,
        one of its points (``index``) or given ``points``; ``check``: the gradient check."""
        body = _without_none(index=index, points=list(points) if points is not None else None)
        return self._send(Call("POST", self._path("/backprop"), {**body, "check": check}))

    def history(self, since: int = 0) -> D:
        """Every epoch after ``since``: ``first`` and the loss and accuracy series."""
        return self._send(Call("GET", self._path("/history"), params={"since": since}))

    def model(self) -> D:
        """The complete model: spec, config, weights, biases, epoch, optimiser and RNG state."""
        return self._send(Call("GET", self._path("/model")))

    def load_model(self, model: JSON) -> D:
        """Replace the network by an exported model (bit-identical predictions)."""
        return self._send(Call("PUT", self._path("/model"), model, owner=True))

    def dataset(self) -> D:
        """The points ``{train: [{x1, x2, label}], test: [...]}``, problem and domain."""
        return self._send(Call("GET", self._path("/dataset")))

    def set_dataset(self, train: Iterable[JSON], test: Iterable[JSON] = ()) -> D:
        """Train on these points instead (the session resets)."""
        body = {"train": list(train), "test": list(test)}
        return self._send(Call("PUT", self._path("/dataset"), body, owner=True))


def _rows(inputs: Sequence[Sequence[float]]) -> Any:
    """Lists of floats, from lists or a NumPy array."""
    return np.asarray(inputs, dtype=np.float64).tolist()


class _Commands(Generic[N]):
    """Stream commands (they need the token; the server answers ``ack`` or ``error``)."""

    def _send_text(self, text: str) -> Any:
        raise NotImplementedError

    def start(self) -> N:
        return self._send_text(_command("start"))

    def pause(self) -> N:
        return self._send_text(_command("pause"))

    def step(self, epochs: int = 1) -> N:
        """Train ``epochs`` epochs, then pause."""
        return self._send_text(_command("step", epochs=epochs))

    def reset(self) -> N:
        return self._send_text(_command("reset"))

    def set(self, **changes: Any) -> N:
        """Change options (``learning_rate=0.01``); as ``update`` over REST, live."""
        return self._send_text(_command("set", changes=changes))

    def ping(self) -> N:
        """The server answers ``pong``."""
        return self._send_text(_command("ping"))


# ----- synchronous ---------------------------------------------------------------------------
class Client(_ServerCalls[JSON, list[JSON]]):
    """A synchronous client of the server at ``base_url``. ``http``: an httpx client to use
    instead of a new one (its base URL is then its own); ``trust_env``: honour proxy settings
    from the environment (httpx's and websockets' default)."""

    def __init__(self, base_url: str = DEFAULT_URL, *, timeout: float = TIMEOUT,
                 http: httpx.Client | None = None, trust_env: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.trust_env = trust_env
        self.http = http or httpx.Client(base_url=self.base_url, timeout=timeout,
                                         trust_env=trust_env)

    def _send(self, call: Call, token: str | None = None) -> Any:
        response = self.http.request(call.method, call.path, json=call.body,
                                     params=call.params, headers=_headers(call, token))
        return _answer(response)

    def create(self, preset: str | None = None, config: JSON | None = None) -> Session:
        """A new session from a preset and/or a configuration (``docs/protocol.md``)."""
        return self._session(self._send(_create_call(preset, config)))

    def session(self, id: str, token: str | None = None) -> Session:
        """An existing session: watch it, fork it, or change it with its token."""
        return Session(self, id, token)

    def _session(self, created: JSON) -> Session:
        return Session(self, created["id"], created["token"], created["watch_url"])

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Session(_SessionCalls[JSON]):
    """One session of a :class:`Client`: ``id`` (public), ``token`` (the secret, or None)."""

    def __init__(self, client: Client, id: str, token: str | None = None,
                 watch_url: str | None = None) -> None:
        self.client, self.id, self.token = client, id, token
        self.watch_url = watch_url or f"{client.base_url}/watch.html#id={id}"

    def __repr__(self) -> str:
        return f"Session({self.id!r}, owner={self.token is not None})"

    def _send(self, call: Call) -> Any:
        return self.client._send(call, self.token)

    def fork(self) -> Session:
        """A copy (weights, data, history) owned by this client."""
        return self.client._session(self._send(Call("POST", self._path("/fork"))))

    def delete(self) -> None:
        self._send(Call("DELETE", self._path(), owner=True))

    def stream(self, since: int = 0, timeout: float | None = None) -> Stream:
        """The live stream: ``hello``, the epochs after ``since``, then events as they come.
        With the token, the commands of :class:`Stream` drive the session. ``timeout``: how
        long iterating waits for each event before ``TimeoutError`` (None: as long as it
        takes)."""
        url = _stream_url(self.client.base_url, self.id, since, self.token)
        return Stream(url, self.client.trust_env, timeout)


class Stream(_Commands[None]):
    """The events of one session's stream, as dicts with a ``type``, in the server's order.

    Iterate over it (it stops when the server closes the stream; deleting the session does
    not: a ``status`` event says ``deleted``), or ``receive(timeout)`` one event, or
    ``until(predicate, timeout)``. Use it as a context manager, or ``close()`` it.
    """

    def __init__(self, url: str, trust_env: bool = True, timeout: float | None = None) -> None:
        self.timeout = timeout
        self._exit = ExitStack()  # websockets wants its connection entered as a context
        self.ws: ClientConnection = self._exit.enter_context(
            connect(url, max_size=MAX_MESSAGE, open_timeout=30,
                    proxy=True if trust_env else None))
        try:
            self._pending: list[Event] = [_opening(self.ws.recv(timeout=30))]
        except BaseException:
            self._exit.close()
            raise

    def _send_text(self, text: str) -> None:
        self.ws.send(text)

    def receive(self, timeout: float | None = None) -> Event:
        """The next event (``TimeoutError`` after ``timeout`` seconds; ``StreamClosedError``)."""
        if self._pending:
            return self._pending.pop(0)
        try:
            return _event(self.ws.recv(timeout=timeout))
        except ConnectionClosed as exc:
            raise _closed(exc) from None

    def until(self, predicate: Callable[[Event], bool], timeout: float | None = None) -> Event:
        """The first event for which ``predicate`` is true (events before it are dropped)."""
        while True:
            event = self.receive(timeout)
            if predicate(event):
                return event

    def __iter__(self) -> Iterator[Event]:
        while True:
            try:
                yield self.receive(self.timeout)
            except StreamClosedError:
                return

    def close(self) -> None:
        self._exit.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ----- asynchronous --------------------------------------------------------------------------
class AsyncClient(_ServerCalls[Awaitable[JSON], Awaitable[list[JSON]]]):
    """:class:`Client` with ``await``: ``async with AsyncClient(url) as nnp: ...``."""

    def __init__(self, base_url: str = DEFAULT_URL, *, timeout: float = TIMEOUT,
                 http: httpx.AsyncClient | None = None, trust_env: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.trust_env = trust_env
        self.http = http or httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                              trust_env=trust_env)

    async def _send(self, call: Call, token: str | None = None) -> Any:
        response = await self.http.request(call.method, call.path, json=call.body,
                                           params=call.params, headers=_headers(call, token))
        return _answer(response)

    async def create(self, preset: str | None = None,
                     config: JSON | None = None) -> AsyncSession:
        return self._session(await self._send(_create_call(preset, config)))

    def session(self, id: str, token: str | None = None) -> AsyncSession:
        return AsyncSession(self, id, token)

    def _session(self, created: JSON) -> AsyncSession:
        return AsyncSession(self, created["id"], created["token"], created["watch_url"])

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncSession(_SessionCalls[Awaitable[JSON]]):
    """:class:`Session` with ``await``."""

    def __init__(self, client: AsyncClient, id: str, token: str | None = None,
                 watch_url: str | None = None) -> None:
        self.client, self.id, self.token = client, id, token
        self.watch_url = watch_url or f"{client.base_url}/watch.html#id={id}"

    def __repr__(self) -> str:
        return f"AsyncSession({self.id!r}, owner={self.token is not None})"

    def _send(self, call: Call) -> Awaitable[Any]:
        return self.client._send(call, self.token)

    async def fork(self) -> AsyncSession:
        return self.client._session(await self._send(Call("POST", self._path("/fork"))))

    async def delete(self) -> None:
        await self._send(Call("DELETE", self._path(), owner=True))

    def stream(self, since: int = 0, timeout: float | None = None) -> AsyncStream:
        """``async with session.stream() as events: async for event in events: ...``"""
        url = _stream_url(self.client.base_url, self.id, since, self.token)
        return AsyncStream(url, self.client.trust_env, timeout)


class AsyncStream(_Commands[Awaitable[None]]):
    """:class:`Stream` with ``await``; connects on ``async with`` (or ``await open()``)."""

    def __init__(self, url: str, trust_env: bool = True, timeout: float | None = None) -> None:
        self.url, self.trust_env, self.timeout = url, trust_env, timeout
        self._ws: AsyncConnection | None = None
        self._pending: list[Event] = []

    async def open(self) -> AsyncStream:
        ws = await async_connect(self.url, max_size=MAX_MESSAGE, open_timeout=30,
                                 proxy=True if self.trust_env else None)
        try:
            self._pending = [_opening(await asyncio.wait_for(ws.recv(), 30))]
        except BaseException:
            await ws.close()
            raise
        self._ws = ws
        return self

    @property
    def ws(self) -> AsyncConnection:
        if self._ws is None:
            raise RuntimeError("the stream is not open: use `async with session.stream()`")
        return self._ws

    async def _send_text(self, text: str) -> None:
        await self.ws.send(text)

    async def receive(self, timeout: float | None = None) -> Event:
        if self._pending:
            return self._pending.pop(0)
        try:
            return _event(await asyncio.wait_for(self.ws.recv(), timeout))
        except ConnectionClosed as exc:
            raise _closed(exc) from None

    async def until(self, predicate: Callable[[Event], bool],
                    timeout: float | None = None) -> Event:
        while True:
            event = await self.receive(timeout)
            if predicate(event):
                return event

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            try:
                yield await self.receive(self.timeout)
            except StreamClosedError:
                return

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def __aenter__(self) -> AsyncStream:
        return await self.open()

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()
