"""What travels: a REST call, how its answer becomes JSON or an :class:`ApiError`, the stream's
URL and messages, and the quantised grids of snapshots.

What it leaves out: sending (``sync``, ``aio``) and which calls exist (``calls``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import numpy as np
from websockets.exceptions import ConnectionClosed

from .errors import ApiError, StreamClosedError

JSON = dict[str, Any]
Event = dict[str, Any]
DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT = 120.0  # seconds; a train call of many epochs takes a while
MAX_MESSAGE = 1 << 24  # bytes of one stream message (replays of missed epochs are large)
FATAL_ON_OPEN = ("not_found", "unavailable")  # the server closes the stream after these


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


def answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise ApiError.from_response(response)
    return response.json() if response.content else None


def auth_headers(call: Call, token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if call.owner and token else {}


def without_none(**fields: Any) -> JSON:
    return {k: v for k, v in fields.items() if v is not None}


def stream_url(base: str, sid: str, since: int, token: str | None) -> str:
    scheme, _, rest = base.rstrip("/").partition("://")
    ws = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme)
    query = urlencode(without_none(since=since, token=token))
    return f"{ws}://{rest}/api/sessions/{quote(sid, safe='')}/stream?{query}"


def opening(text: str | bytes) -> Event:
    """The first stream message; a refusal the server closes the stream after is raised."""
    event = decode_event(text)
    if event.get("type") == "error" and event.get("code") in FATAL_ON_OPEN:
        raise ApiError(None, str(event["code"]), str(event.get("message", "")))
    return event


def decode_event(text: str | bytes) -> Event:
    event: Event = json.loads(text)
    return event


def closed_error(exc: ConnectionClosed) -> StreamClosedError:
    rcvd = exc.rcvd
    where = f"close code {rcvd.code} {rcvd.reason}".strip() if rcvd else "no close frame"
    return StreamClosedError(None, "closed", f"the stream closed ({where})")


def command(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields})
