"""The display stream (``?detail=display``) as the API sends it: what a page can show, in tens
of KB a second.

A ``detail=full`` client gets every epoch's four figures and snapshots as JSON; a
``detail=display`` client gets summarised ``epochs`` messages and binary snapshot frames
(their format: ``training/frames.py``) and ``diagnostics`` only when they are ``news`` (a
finding or the status changed, or ``NNP_DIAGNOSTICS_NEWS_SECONDS`` passed): the page shows one
sentence, not ten a second. A worker that knows a display client watches makes the live
``epochs`` message and the frame itself and sends them with the event (in its ``cache``); an
event without them (from another replica, or made before the client was counted) gets them
made here from its JSON. Either way once per event, however many clients watch. What it leaves
out: which events a client gets (``stream.py``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

from ..sessions.pool import Event
from ..training.frames import SERIES, Grid, buckets, dumps, live_epochs, snapshot_frame, summarise

__all__ = ["SERIES", "buckets", "epochs_message", "frame", "news", "replay"]


def epochs_message(event: Event) -> str:
    """The ``epochs`` message of a full ``epoch`` event: one bucket."""
    def make() -> str:
        full = json.loads(event.text)
        return live_epochs(full["first"], full, event.last, full.get("t"), full.get("fit"))
    return _cached(event, "epochs", make)


def replay(batch: dict[str, Any], first: int | None = None) -> str:
    """History (``{first, epoch, <series>: [...]}``) from ``first`` as one ``epochs`` message."""
    start = batch["first"] if first is None else first
    skip = start - batch["first"]
    series = {k: (None if batch.get(k) is None else batch[k][skip:]) for k in SERIES}
    return dumps(summarise(start, series, buckets(start, batch["epoch"])))


def _grid(quantised: dict[str, Any]) -> Grid:
    q = np.frombuffer(base64.b64decode(quantised["data"]), dtype=np.uint8)
    return q.reshape(quantised["shape"]), quantised["min"], quantised["max"]


def frame(event: Event) -> bytes:
    """The binary frame of a ``snapshot`` event."""
    def make() -> bytes:
        snap = json.loads(event.text)
        grids = [_grid(g) for g in [snap["boundary"], *snap["neurons"]] if g is not None]
        return snapshot_frame(snap, snap["weights"], snap["biases"], grids)
    return _cached(event, "frame", make)


def news(event: Event) -> bool:
    """Whether a ``diagnostics`` event is sent to display clients (its ``news`` flag)."""
    return bool(_cached(event, "news", lambda: json.loads(event.text).get("news", True)))


def _cached(event: Event, key: str, make: Any) -> Any:
    if key not in event.cache:
        event.cache[key] = make()
    return event.cache[key]
