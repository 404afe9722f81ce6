"""Helpers for the API tests: WebSocket reads with a deadline, epoch lists, matchers, a grid.

Starlette's ``WebSocketTestSession.receive`` waits forever; :func:`receive` waits at most
``timeout`` seconds (generous: the machine may be shared) so a missing message fails the test
instead of hanging it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

TIMEOUT = 60.0
Message = dict[str, Any]


def receive(ws: WebSocketTestSession, timeout: float = TIMEOUT) -> Message:
    """The next server message as JSON; ``WebSocketDisconnect`` if the server closed."""

    async def get() -> Message:
        with anyio.fail_after(timeout):
            message: Message = await ws._send_rx.receive()
            return message

    try:
        message = ws.portal.call(get)
    except TimeoutError:
        raise AssertionError(f"no message from the server within {timeout} s") from None
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason", ""))
    data: Message = json.loads(message["text"])
    return data


def epochs_of(messages: list[Message]) -> list[int]:
    """Every epoch number the ``epoch`` messages carry, in the order received."""
    out: list[int] = []
    for m in messages:
        if m.get("type") == "epoch":
            out.extend(range(m["first"], m["first"] + len(m["train_loss"])))
    return out


def is_type(kind: str, **fields: Any) -> Callable[[Message], bool]:
    return lambda m: m.get("type") == kind and all(m.get(k) == v for k, v in fields.items())


GRID = [[x1 / 4, x2 / 4] for x1 in range(-2, 7) for x2 in range(-2, 7)]
