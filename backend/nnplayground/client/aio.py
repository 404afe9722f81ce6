"""The asynchronous client: :class:`AsyncClient` (httpx), :class:`AsyncSession`,
:class:`AsyncStream` (websockets' asyncio client), the same calls as ``sync`` with ``await``.
What it leaves out: the calls themselves (``calls``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed

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


class AsyncClient(ServerCalls[Awaitable[JSON], Awaitable[list[JSON]]]):
    """:class:`Client` with ``await``: ``async with AsyncClient(url) as nnp: ...``."""

    def __init__(self, base_url: str = DEFAULT_URL, *, timeout: float = TIMEOUT,
                 http: httpx.AsyncClient | None = None, trust_env: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.trust_env = trust_env
        self.http = http or httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                              trust_env=trust_env)

    async def _send(self, call: Call, token: str | None = None) -> Any:
        response = await self.http.request(call.method, call.path, json=call.body,
                                           params=call.params, headers=auth_headers(call, token))
        return answer(response)

    async def create(self, preset: str | None = None, config: JSON | None = None,
                     challenge: JSON | None = None) -> AsyncSession:
        return self._session(await self._send(create_call(preset, config, challenge)))

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


class AsyncSession(SessionCalls[Awaitable[JSON]]):
    """:class:`Session` with ``await``."""

    def __init__(self, client: AsyncClient, id: str, token: str | None = None,
                 watch_url: str | None = None) -> None:
        super().__init__(client.base_url, id, token, watch_url)
        self.client = client

    def _send(self, call: Call) -> Awaitable[Any]:
        return self.client._send(call, self.token)

    async def fork(self, nickname: str | None = None) -> AsyncSession:
        return self.client._session(await self._send(fork_call(self._path("/fork"), nickname)))

    async def delete(self) -> None:
        await self._send(Call("DELETE", self._path(), owner=True))

    def stream(self, since: int = 0, timeout: float | None = None) -> AsyncStream:
        """``async with session.stream() as events: async for event in events: ...``"""
        url = stream_url(self.client.base_url, self.id, since, self.token)
        return AsyncStream(url, self.client.trust_env, timeout)


class AsyncStream(Commands[Awaitable[None]]):
    """:class:`Stream` with ``await``; connects on ``async with`` (or ``await open()``)."""

    def __init__(self, url: str, trust_env: bool = True, timeout: float | None = None) -> None:
        self.url, self.trust_env, self.timeout = url, trust_env, timeout
        self._ws: AsyncConnection | None = None
        self._pending: list[Event] = []

    async def open(self) -> AsyncStream:
        ws = await async_connect(self.url, max_size=MAX_MESSAGE, open_timeout=30,
                                 proxy=True if self.trust_env else None)
        try:
            self._pending = [opening(await asyncio.wait_for(ws.recv(), 30))]
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
            return decode_event(await asyncio.wait_for(self.ws.recv(), timeout))
        except ConnectionClosed as exc:
            raise closed_error(exc) from None

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
