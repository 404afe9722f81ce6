"""Helpers for the API tests: WebSocket reads with a deadline, epoch lists, matchers, a grid.

Starlette's ``WebSocketTestSession.receive`` waits forever; :func:`receive` waits at most
``timeout`` seconds (generous: the machine may be shared) so a missing message fails the test
instead of hanging it.
"""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from collections.abc import Callable
from typing import Any

import anyio
import numpy as np
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

TIMEOUT = 60.0
Message = dict[str, Any]


def receive_raw(ws: WebSocketTestSession, timeout: float = TIMEOUT) -> str | bytes:
    """The next server message as sent (text or a binary frame's bytes);
    ``WebSocketDisconnect`` if the server closed."""

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
    data: str | bytes = message["text"] if message.get("bytes") is None else message["bytes"]
    return data


def receive(ws: WebSocketTestSession, timeout: float = TIMEOUT) -> Message:
    """The next server message as JSON (a binary frame decoded, see :func:`decode_frame`);
    ``WebSocketDisconnect`` if the server closed."""
    message = receive_raw(ws, timeout)
    if isinstance(message, bytes):
        return decode_frame(message)
    data: Message = json.loads(message)
    return data


def decode_frame(frame: bytes) -> Message:
    """A binary snapshot frame of ``detail=display`` (docs/protocol.md) as the JSON snapshot
    it stands for, grids as ``uint8`` arrays ``q`` and numbers as float32 arrays."""
    (size,) = struct.unpack_from("<I", frame)
    header: Message = json.loads(frame[4 : 4 + size])
    layers, at = header["layers"], 4 + size

    def floats(n: int) -> np.ndarray:
        nonlocal at
        out = np.frombuffer(frame, "<f4", n, at)
        at += 4 * n
        return out

    weights = [floats(a * b).reshape(b, a) for a, b in itertools.pairwise(layers)]
    biases = [floats(n).reshape(n, 1) for n in layers[1:]]
    ranges = floats(2 * len(header["grids"])).reshape(-1, 2)
    body, grids = zlib.decompress(frame[at:]), []
    for shape in header["grids"]:
        n = int(np.prod(shape))
        residual = np.frombuffer(body, np.uint8, n).reshape(-1, *shape[-2:]).astype(np.int64)
        body = body[n:]
        q = np.zeros_like(residual)
        for i in range(residual.shape[1]):  # undo the prediction in scan order
            for j in range(residual.shape[2]):
                if i and j:
                    guess = q[:, i, j - 1] + q[:, i - 1, j] - q[:, i - 1, j - 1]
                else:
                    guess = q[:, i, j - 1] if j else (q[:, i - 1, j] if i else 0)
                q[:, i, j] = (residual[:, i, j] + guess) % 256
        grids.append(q.astype(np.uint8).reshape(shape))
    boundary, *neurons = ({"shape": s, "min": r[0], "max": r[1], "q": q}
                          for s, r, q in zip(header["grids"], ranges, grids, strict=True))
    return {**header, "binary": True, "weights": weights, "biases": biases,
            "boundary": boundary, "neurons": neurons}


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
