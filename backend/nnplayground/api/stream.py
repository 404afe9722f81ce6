"""WebSocket ``/api/sessions/{id}/stream``: live epochs, snapshots and status; owner commands.

On connect the server sends ``hello`` (the session summary, the caller's role and the viewer
count), then every epoch after ``?since=`` as one ``epoch`` message, then live events in
order. Epoch numbers are tracked per connection so a reconnect with ``since`` or a slow
client that fell behind (its queue overflowed, or an epoch it should have had before a status
message did not come) is refilled from the history, and epochs a new
owner replays after a failover are cut from the messages: no gaps, no duplicates. Commands
(``start``, ``pause``, ``step``, ``reset``, ``set``) need the token,
given as ``?token=`` or in an ``auth`` message; each is answered by ``ack`` or ``error``.
With ``?forks=true`` an owner also gets the class's dashboard rows (``forks`` messages).
Messages are size- and rate-limited. The protocol is documented in ``docs/protocol.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from ..sessions import jsonsafe
from ..sessions.errors import SessionError
from ..sessions.pool import Event
from . import display
from .classroom import fork_rows
from .deps import AppState
from .errors import ApiError, expired, from_session_error, not_found, validation_error
from .limits import check_config_limits, check_epochs
from .quotas import billed
from .schemas import ConfigIn, TrainIn

router = APIRouter(tags=["stream"])
COMMANDS = ("start", "pause", "step", "reset", "set")
DETAILS = ("full", "display")
QUEUE_SIZE = 256
REPLAY_CHUNK = 10_000  # epochs per replayed message (about 130 KB)


class RateLimit:
    """A token bucket: ``rate`` commands a second, bursts of twice that."""

    def __init__(self, rate: float) -> None:
        self.rate, self.capacity = rate, max(2.0, 2 * rate)
        self.tokens, self.stamp = self.capacity, time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Connection:
    """One client: its role, its place in the epoch sequence, and its two loops."""

    def __init__(self, ws: WebSocket, state: AppState, sid: str, detail: str = "full",
                 forks: bool = False) -> None:
        self.ws, self.state, self.sid = ws, state, sid
        self.detail = detail  # "display": summarised epochs, binary snapshots
        self.forks = forks  # the dashboard's rows too (``forks`` messages, owner only)
        self.owner = False  # set from the token by ``stream`` or an ``auth`` message
        self.last = 0  # the last epoch this client has received
        self.limit = RateLimit(state.settings.ws_max_commands_per_second)
        self.client = ""  # the quota key it counts toward (its CPU share when it trains)
        self.lock = asyncio.Lock()

    @property
    def display(self) -> bool:
        return self.detail == "display"

    async def send(self, text: str) -> None:
        async with self.lock:
            await self.ws.send_text(text)

    async def send_frame(self, frame: bytes) -> None:
        async with self.lock:
            await self.ws.send_bytes(frame)

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.send(json.dumps(data))

    async def error(self, code: str, message: str, field: str | None = None,
                    command: str | None = None) -> None:
        await self.send_json({"type": "error", "code": code, "message": message,
                              "field": field, "command": command})

    async def send_history(self, batch: dict[str, Any]) -> None:
        """Missed epochs as ``epoch`` messages of at most ``REPLAY_CHUNK`` epochs each (or one
        summarised ``epochs`` message for a display client)."""
        series = display.SERIES
        if self.display and batch["epoch"] >= batch["first"]:
            await self.send(display.replay(batch))
        for start in range(0, len(batch["train_loss"]) * (not self.display), REPLAY_CHUNK):
            part = {k: batch[k][start : start + REPLAY_CHUNK] for k in series}
            await self.send_json({"type": "epoch", "first": batch["first"] + start, **part})
            await asyncio.sleep(0)  # a long replay must not hold up everyone else
        self.last = batch["epoch"]

    async def refill(self) -> None:
        batch = await self.state.pool.call(self.sid, "history", {"since": self.last})
        if batch["first"] <= self.last:  # a reset happened: the client starts again
            self.last = 0
            batch = await self.state.pool.call(self.sid, "history", {"since": 0})
        await self.send_history(batch)

    async def pump(self, queue: asyncio.Queue[Event]) -> None:
        """Forward events in order; drop epochs already sent; refill after an overflow."""
        while True:
            event = await queue.get()
            if event.kind == "overflow":
                await self.refill()
            elif event.kind == "epoch":
                if event.last <= self.last:
                    continue
                if event.first > self.last + 1:
                    await self.refill()
                    if event.last <= self.last:
                        continue
                # After a failover the new owner replays the epochs since its checkpoint.
                if event.first > self.last:
                    text = display.epochs_message(event) if self.display else event.text
                elif self.display:
                    text = display.replay({**json.loads(event.text), "epoch": event.last},
                                          self.last + 1)
                else:
                    text = epochs_after(event.text, self.last)
                await self.send(text)
                self.last = event.last
            elif event.kind == "snapshot" and self.display:
                if event.text or "frame" in event.cache:
                    await self.send_frame(display.frame(event))
            elif event.kind == "snapshot" and not event.text:
                continue  # made for display clients before this one was counted
            elif event.kind == "diagnostics" and self.display and not display.news(event):
                continue
            else:
                if event.kind == "status":
                    await self.catch_up(json.loads(event.text))
                await self.send(event.text)

    async def send_forks(self) -> None:
        """Every ``forks_seconds``, the class's rows (``classroom.fork_rows``) if they changed
        since the last ``forks`` message, to an owner only (a watcher never gets one)."""
        loop = asyncio.get_running_loop()
        interval = self.state.settings.forks_seconds
        shown: list[tuple[str, int]] | None = None
        due = loop.time()
        while True:
            if self.owner:
                try:
                    rows = await fork_rows(self.state, self.sid)
                except SessionError:  # the shared store is unreachable: next time
                    rows = None
                seen = None if rows is None else [(r["id"], r["version"]) for r in rows]
                if rows is not None and seen != shown:
                    await self.send(jsonsafe.dumps({"type": "forks", "t": time.time(),
                                                    "rows": rows}))
                    shown = seen
            else:
                shown = None  # an owner again later gets the rows at once
            due = max(due + interval, loop.time())  # on a fixed beat; never to catch up
            await asyncio.sleep(due - loop.time())

    async def catch_up(self, status: dict[str, Any]) -> None:
        """Before a status: every epoch it names (an epoch event may have been dropped on the
        way, e.g. shed by a replica that fell behind; nothing else would follow to show it)."""
        if status.get("reset"):
            self.last = 0
        elif status.get("status") != "deleted" and status.get("epoch", 0) > self.last:
            await self.refill()

    async def listen(self) -> None:
        settings = self.state.settings
        while True:
            msg = await self.ws.receive()
            if msg["type"] == "websocket.disconnect":
                return
            raw = msg.get("text")
            if raw is None:
                raw_bytes = msg.get("bytes") or b""
                size = len(raw_bytes)
            else:
                size = len(raw.encode())
            if size > settings.ws_max_message_bytes:
                await self.error("too_large", f"messages are limited to "
                                 f"{settings.ws_max_message_bytes} bytes; got {size}")
                continue
            if not self.limit.allow():
                await self.error("rate_limited", f"at most "
                                 f"{settings.ws_max_commands_per_second:g} commands a second")
                continue
            try:
                data = json.loads(raw if raw is not None else raw_bytes)
            except (ValueError, UnicodeDecodeError, RecursionError):  # too deep too
                await self.error("malformed", "messages must be JSON objects")
                continue
            if not isinstance(data, dict) or not isinstance(data.get("type"), str):
                await self.error("malformed", 'messages must be objects with a "type"', "type")
                continue
            await self.command(data)

    async def command(self, data: dict[str, Any]) -> None:
        kind = data["type"]
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind == "auth":
            token = data.get("token")
            self.owner = isinstance(token, str) and await self.state.registry.allows(self.sid,
                                                                                      token)
            if not self.owner:
                await self.error("wrong_token", "this token does not own the session", "token",
                                 "auth")
            else:
                await self.send_json({"type": "ack", "command": "auth", "role": "owner"})
            return
        if kind not in COMMANDS:
            await self.error("unknown_command", f"unknown command {kind[:40]!r}; valid: "
                             f"{', '.join(COMMANDS)}, auth, ping", "type", kind[:40])
            return
        if not self.owner:
            await self.error("forbidden", "watchers cannot change the session: send the "
                             "token (auth) or fork it", None, kind)
            return
        try:
            result = await self.run(kind, data)
        except ApiError as exc:
            await self.error(exc.code, exc.message, exc.field, kind)
        except SessionError as exc:
            err = from_session_error(exc)
            await self.error(err.code, err.message, err.field, kind)
        else:
            with contextlib.suppress(SessionError):  # the registry's store may be unreachable
                await self.state.registry.touch(self.sid,
                                                running=result.get("status") == "running")
            await self.send_json({"type": "ack", "command": kind, "status": result.get("status"),
                                  "epoch": result.get("epoch"), "reset": result.get("reset")})

    async def run(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        pool, settings = self.state.pool, self.state.settings
        if kind == "step":
            try:  # the REST train body's rules: a positive integer, strictly
                epochs = TrainIn.model_validate({"epochs": data.get("epochs", 1)}).epochs
            except ValidationError as exc:
                raise validation_error(exc.errors()) from None
            check_epochs(settings, epochs)
            return await pool.call(self.sid, "step", {"epochs": epochs, "client": self.client})
        if kind == "set":
            changes = data.get("changes", {k: v for k, v in data.items() if k != "type"})
            try:
                body = ConfigIn.model_validate(changes)
            except ValidationError as exc:
                raise validation_error(exc.errors()) from None
            check_config_limits(settings, body.changes())
            return await pool.call(self.sid, "update",
                                   {"changes": body.changes()})
        if kind == "start":
            return await pool.call(self.sid, kind, {"client": self.client})
        return await pool.call(self.sid, kind)


def epochs_after(text: str, last: int) -> str:
    """An ``epoch`` message without its epochs up to ``last``."""
    msg = json.loads(text)
    skip = last + 1 - msg["first"]
    for k in ("train_loss", "test_loss", "accuracy", "test_accuracy"):
        msg[k] = msg[k][skip:]
    msg["first"] = last + 1
    return json.dumps(msg)


def broadcast_watchers(state: AppState, sid: str) -> None:
    n = state.pool.watcher_count(sid)
    state.pool.publish_local(sid, Event("watchers", json.dumps({"type": "watchers",
                                                                "count": n})))


@router.websocket("/api/sessions/{id}/stream")
async def stream(ws: WebSocket, id: str, since: int = 0, token: str | None = None,
                 detail: str = "full", forks: bool = False) -> None:
    state: AppState = ws.app.state.nnp
    await ws.accept()
    if detail not in DETAILS:
        await ws.send_text(json.dumps({
            "type": "error", "code": "validation_error", "field": "detail",
            "message": f"detail must be one of {', '.join(DETAILS)}; got {detail[:40]!r}"}))
        await ws.close(code=4422)
        return
    conn = Connection(ws, state, id, detail, forks)
    try:
        known = await state.registry.exists(id)
        conn.owner = bool(token) and known and await state.registry.allows(id, token or "")
    except SessionError as exc:  # e.g. unavailable: the shared store is unreachable
        err = from_session_error(exc)
        await conn.error(err.code, err.message)
        await ws.close(code=1013)  # try again later
        return
    if not known:
        gone = await state.registry.expired(id)
        err = expired() if gone else not_found()
        await conn.error(err.code, err.message)
        await ws.close(code=4404)
        return
    address = ws.client.host if ws.client else "unknown"
    conn.client = await billed(state.registry, id, address)
    try:
        async with state.quotas.hold("stream", conn.client):
            await watch(conn, since, token)
    except ApiError as exc:  # over the client's quota of connections
        await ws.send_text(json.dumps({**exc.body(), "type": "error",
                                       "retry_after": int((exc.headers or {}).get(
                                           "Retry-After", "1"))}))
        await ws.close(code=4429)


async def watch(conn: Connection, since: int, token: str | None) -> None:
    """Serve one accepted, known session's stream until either side ends it."""
    state, ws, id = conn.state, conn.ws, conn.sid
    if token and not conn.owner:
        await conn.error("wrong_token", "this token does not own the session; watching only",
                         "token")
    queue = state.pool.subscribe(id, QUEUE_SIZE)
    tasks: list[asyncio.Task[None]] = []
    try:
        hello = await state.pool.call(id, "watch", {"delta": 1, "since": max(0, since),
                                                     "detail": conn.detail})
        conn.last = max(0, min(since, hello["epoch"]))
        await conn.send_json({"type": "hello", "role": "owner" if conn.owner else "watcher",
                              "session": hello["summary"],
                              "watchers": state.pool.watcher_count(id)})
        await conn.send_history(hello)
        broadcast_watchers(state, id)
        state.pool.tell(id, "snapshot")
        tasks = [asyncio.create_task(conn.pump(queue)), asyncio.create_task(conn.listen())]
        if conn.forks:
            tasks.append(asyncio.create_task(conn.send_forks()))
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            if t.done() and t.exception() and not isinstance(
                t.exception(), WebSocketDisconnect | RuntimeError
            ):
                raise t.exception()  # type: ignore[misc]
    except (WebSocketDisconnect, SessionError, RuntimeError):
        pass
    finally:
        for t in tasks:
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        state.pool.unsubscribe(id, queue)
        with contextlib.suppress(SessionError):
            if await state.registry.exists(id):
                state.pool.tell(id, "watch", {"delta": -1, "detail": conn.detail})
                broadcast_watchers(state, id)
        with contextlib.suppress(Exception):
            await ws.close()
