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
    if message.get("bytes") is not None:
        return decode_frame(message["bytes"])
    data: Message = json.loads(message["text"])
    return data


def decode_frame(frame: bytes) -> Message:
    """A binary snapshot frame of ``detail=display`` (docs/protocol.md) as the JSON snapshot
    it stands for, grids as ``uint8`` arrays and parameters as float32 arrays."""
    (size,) = struct.unpack_from("<I", frame)
    header: Message = json.loads(frame[4 : 4 + size])
    layers, at = header["layers"], 4 + size
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(layers):
        weights.append(np.frombuffer(frame, "<f4", n_in * n_out, at).reshape(n_out, n_in))
        at += 4 * n_in * n_out
    for n_out in layers[1:]:
        biases.append(np.frombuffer(frame, "<f4", n_out, at).reshape(n_out, 1))
        at += 4 * n_out
    body = zlib.decompress(frame[at:])
    grids = []
    for info in [header["boundary"], *header["neurons"]]:
        n = int(np.prod(info["shape"]))
        rows = np.frombuffer(body, np.uint8, n).reshape(-1, info["shape"][-1])
        grids.append(np.cumsum(rows, axis=1, dtype=np.uint64).astype(np.uint8)
                     .reshape(info["shape"]))
        body = body[n:]
    return {**header, "binary": True, "weights": weights, "biases": biases,
            "boundary": {**header["boundary"], "q": grids[0]},
            "neurons": [{**info, "q": g} for info, g in zip(header["neurons"], grids[1:],
                                                             strict=True)]}


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
