"""The synchronous client: :class:`Client` (httpx), :class:`Session`, :class:`Stream`
(websockets' sync client). What it leaves out: the calls themselves (``calls``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from .calls import Commands, ServerCalls, SessionCalls, create_call, fork_call
from .errors import StreamClosedError
from .wire import (
    DEFAULT_URL,
    JSON,
    MAX_MESSAGE,
    TIMEOUT,
    Call,
    Event,
    answer,
    auth_headers,
    closed_error,
    decode_event,
    opening,
    stream_url,
)


class Client(ServerCalls[JSON, list[JSON]]):
    """A synchronous client of the server at ``base_url``. ``http``: an httpx client to use
    for REST instead of a new one (with its own base URL; streams and watch links still use
    ``base_url``); ``trust_env``: honour proxy settings from the environment (httpx's and
    websockets' default)."""

    def __init__(self, base_url: str = DEFAULT_URL, *, timeout: float = TIMEOUT,
                 http: httpx.Client | None = None, trust_env: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.trust_env = trust_env
        self.http = http or httpx.Client(base_url=self.base_url, timeout=timeout,
                                         trust_env=trust_env)

    def _send(self, call: Call, token: str | None = None) -> Any:
        response = self.http.request(call.method, call.path, json=call.body,
                                     params=call.params, headers=auth_headers(call, token))
        return answer(response)

    def create(self, preset: str | None = None, config: JSON | None = None,
               challenge: JSON | None = None) -> Session:
        """A new session from a preset and/or a configuration (``docs/protocol.md``), with a
        ``challenge`` (default: the preset's)."""
        return self._session(self._send(create_call(preset, config, challenge)))

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


class Session(SessionCalls[JSON]):
    """One session of a :class:`Client`: ``id`` (public), ``token`` (the secret, or None)."""

    def __init__(self, client: Client, id: str, token: str | None = None,
                 watch_url: str | None = None) -> None:
        super().__init__(client.base_url, id, token, watch_url)
        self.client = client

    def _send(self, call: Call) -> Any:
        return self.client._send(call, self.token)

    def fork(self, nickname: str | None = None) -> Session:
        """A copy (weights, data, history, challenge) owned by this client, in the class of
        the session it comes from, shown on its teacher's dashboard as ``nickname``."""
        return self.client._session(self._send(fork_call(self._path("/fork"), nickname)))

    def delete(self) -> None:
        self._send(Call("DELETE", self._path(), owner=True))

    def stream(self, since: int = 0, timeout: float | None = None) -> Stream:
        """The live stream: ``hello``, the epochs after ``since``, then events as they come.
        With the token, the commands of :class:`Stream` drive the session. ``timeout``: how
        long iterating waits for each event before ``TimeoutError`` (None: as long as it
        takes)."""
        url = stream_url(self.client.base_url, self.id, since, self.token)
        return Stream(url, self.client.trust_env, timeout)


class Stream(Commands[None]):
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
            self._pending: list[Event] = [opening(self.ws.recv(timeout=30))]
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
            return decode_event(self.ws.recv(timeout=timeout))
        except ConnectionClosed as exc:
            raise closed_error(exc) from None

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
