"""WebSocket ``/api/sessions/{id}/stream`` through TestClient on a real app (docs/protocol.md).

Roles (owner with the token, watcher without), refused watcher commands, start -> epochs in
order -> pause, ``step`` giving exactly N epochs, live ``set``, resetting ``set``, ``reset``,
and every error: malformed JSON, unknown type, oversized message, rate limit, bad values,
wrong token, unknown id. Reads have deadlines (``helpers.receive``), never sleeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from nnplayground.sessions.pool import Event

from ..conftest import Session
from .helpers import epochs_of, is_type, receive

NewSession = Callable[..., Session]


class Conn:
    """A WebSocket test session that logs every message it reads (nothing is skipped)."""

    def __init__(self, ws: WebSocketTestSession) -> None:
        self.ws, self.log = ws, []

    def next(self) -> dict:
        msg = receive(self.ws)
        self.log.append(msg)
        return msg

    def until(self, match: Callable[[dict], bool], start: int | None = None) -> dict:
        """The next message that matches, or the first one in ``log[start:]`` if given."""
        if start is not None:
            for msg in self.log[start:]:
                if match(msg):
                    return msg
        while True:
            msg = self.next()
            if match(msg):
                return msg

    def send(self, data: dict | str) -> None:
        self.ws.send_text(data if isinstance(data, str) else json.dumps(data))

    def command(self, data: dict) -> dict:
        """Send a command; its ``ack`` or ``error`` (messages before it stay in the log)."""
        self.send(data)
        return self.until(lambda m: m["type"] in ("ack", "error")
                          and m.get("command") == data["type"])

    def hello(self) -> dict:
        msg = self.next()
        assert msg["type"] == "hello", msg
        return msg


@contextmanager
def connect(client: TestClient, sid: str, token: str | None = None,
            since: int | None = None) -> Iterator[Conn]:
    query = "&".join(f"{k}={v}" for k, v in (("token", token), ("since", since)) if v is not None)
    with client.websocket_connect(f"/api/sessions/{sid}/stream"
                                  + (f"?{query}" if query else "")) as ws:
        yield Conn(ws)


def test_hello_and_roles(client: TestClient, new_session: NewSession):
    sid, token, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 3}, headers=headers)
    with connect(client, sid, token) as owner:
        h = owner.hello()
        assert h["role"] == "owner" and h["session"]["id"] == sid
        assert h["session"]["epoch"] == 3 and h["watchers"] >= 1
        first = owner.next()  # the history after since=0 comes right after hello
        assert first["type"] == "epoch" and first["first"] == 1 and len(first["train_loss"]) == 3
        with connect(client, sid) as watcher:
            h = watcher.hello()
            assert h["role"] == "watcher" and h["watchers"] == 2
            assert token not in json.dumps(h)
            owner.until(is_type("watchers", count=2))
            snap = watcher.until(is_type("snapshot"))
            assert snap["epoch"] == 3 and len(snap["weights"]) == 2
            assert snap["boundary"]["shape"] == [1, 40, 40] and len(snap["neurons"]) == 2
            assert client.get(f"/api/sessions/{sid}").json()["watchers"] == 2
        owner.until(is_type("watchers", count=1))


def test_since_replays_only_the_missed_epochs(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 10}, headers=headers)
    with connect(client, sid, since=6) as ws:
        assert ws.hello()["session"]["epoch"] == 10
        batch = ws.next()
        assert batch["type"] == "epoch" and batch["first"] == 7 and len(batch["train_loss"]) == 4


def test_watcher_commands_are_refused(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    with connect(client, sid) as ws:
        ws.hello()
        for data in ({"type": "start"}, {"type": "pause"}, {"type": "step", "epochs": 5},
                     {"type": "reset"}, {"type": "set", "changes": {"learning_rate": 0.5}}):
            msg = ws.command(data)
            assert (msg["type"], msg["code"]) == ("error", "forbidden"), msg
        ws.send({"type": "ping"})
        ws.until(is_type("pong"))
    s = client.get(f"/api/sessions/{sid}").json()
    assert (s["epoch"], s["version"], s["spec"]["learning_rate"]) == (0, 1, 1.0)


def test_auth_message_makes_an_owner(client: TestClient, new_session: NewSession):
    sid, token, _ = new_session()
    with connect(client, sid) as ws:
        assert ws.hello()["role"] == "watcher"
        msg = ws.command({"type": "auth", "token": "wrong"})
        assert (msg["type"], msg["code"]) == ("error", "wrong_token")
        msg = ws.command({"type": "auth", "token": token})
        assert (msg["type"], msg["role"]) == ("ack", "owner")
        mark = len(ws.log)
        assert ws.command({"type": "step", "epochs": 2})["type"] == "ack"
        ws.until(is_type("status", status="paused", epoch=2), mark)


def test_a_wrong_token_in_the_query_watches_only(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    _, other_token, _ = new_session()
    with connect(client, sid, other_token) as ws:
        msg = ws.next()
        assert (msg["type"], msg["code"]) == ("error", "wrong_token")
        assert ws.hello()["role"] == "watcher"
        assert ws.command({"type": "start"})["code"] == "forbidden"


def test_start_streams_epochs_in_order_then_pause(client: TestClient, new_session: NewSession):
    sid, token, _ = new_session()
    with connect(client, sid, token) as ws:
        ws.hello()
        ack = ws.command({"type": "start"})
        assert (ack["type"], ack["status"]) == ("ack", "running")
        ws.until(lambda m: m["type"] == "epoch" and m["first"] + len(m["train_loss"]) > 200, 0)
        ack = ws.command({"type": "pause"})
        assert (ack["type"], ack["status"]) == ("ack", "paused")
        final = ack["epoch"]
        # Epochs already queued may arrive after the ack; they end at the pause's epoch.
        while not epochs_of(ws.log) or epochs_of(ws.log)[-1] < final:
            ws.next()
        got = epochs_of(ws.log)
        assert got == list(range(1, final + 1)), "epochs out of order, repeated or missing"
        assert [m["status"] for m in ws.log if m["type"] == "status"][:1] == ["running"]
    hist = client.get(f"/api/sessions/{sid}/history").json()
    assert (hist["epoch"], hist["status"]) == (final, "paused")


def test_step_gives_exactly_n_epochs(client: TestClient, new_session: NewSession):
    sid, token, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers)
    with connect(client, sid, token, since=5) as ws:
        ws.hello()
        mark = len(ws.log)
        ack = ws.command({"type": "step", "epochs": 37})
        assert ack["type"] == "ack" and ack["status"] == "running"
        status = ws.until(is_type("status", status="paused"), mark)
        assert status["epoch"] == 42
        assert epochs_of(ws.log) == list(range(6, 43))
    assert client.get(f"/api/sessions/{sid}").json()["epoch"] == 42


def test_set_live_and_resetting(client: TestClient, new_session: NewSession):
    sid, token, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 8}, headers=headers)
    weights = client.get(f"/api/sessions/{sid}/model").json()["weights"]
    with connect(client, sid, token) as ws:
        ws.hello()
        ack = ws.command({"type": "set", "changes": {"learning_rate": 0.3, "momentum": 0.5}})
        assert (ack["type"], ack["reset"], ack["epoch"]) == ("ack", False, 8)
        s = client.get(f"/api/sessions/{sid}").json()
        assert s["spec"]["learning_rate"] == 0.3 and s["spec"]["momentum"] == 0.5
        assert client.get(f"/api/sessions/{sid}/model").json()["weights"] == weights
        mark = len(ws.log)
        ack = ws.command({"type": "set", "changes": {"hidden_layers": [3]}})
        assert (ack["type"], ack["reset"], ack["epoch"]) == ("ack", True, 0)
        ws.until(lambda m: m["type"] == "status" and m.get("reset") is True, mark)
        assert client.get(f"/api/sessions/{sid}").json()["layers"] == [2, 3, 1]


def test_reset_command(client: TestClient, new_session: NewSession):
    sid, token, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 8}, headers=headers)
    with connect(client, sid, token) as ws:
        ws.hello()
        mark = len(ws.log)
        ack = ws.command({"type": "reset"})
        assert (ack["type"], ack["epoch"]) == ("ack", 0)
        status = ws.until(lambda m: m["type"] == "status" and m.get("reset") is True, mark)
        assert status["epoch"] == 0
        mark = len(ws.log)  # after a reset, epochs start again at 1
        assert ws.command({"type": "step", "epochs": 3})["type"] == "ack"
        ws.until(is_type("status", status="paused", epoch=3), mark)
        assert epochs_of(ws.log[mark:]) == [1, 2, 3]


@pytest.mark.parametrize(("data", "code", "field"), [
    ({"type": "step", "epochs": 0}, "validation_error", "epochs"),
    ({"type": "step", "epochs": "10"}, "validation_error", "epochs"),
    ({"type": "step", "epochs": True}, "validation_error", "epochs"),
    ({"type": "step", "epochs": 20001}, "over_limit", "epochs"),
    ({"type": "set", "changes": {"learning_rate": -1}}, "validation_error", "learning_rate"),
    ({"type": "set", "changes": {"typo": 1}}, "validation_error", "typo"),
    ({"type": "set", "changes": {"learning_rate": True}}, "validation_error", "learning_rate"),
    ({"type": "set", "changes": {"learning_rate": "0.5"}}, "validation_error", "learning_rate"),
    ({"type": "set", "changes": {"hidden_layers": [2, False]}}, "validation_error",
     "hidden_layers[1]"),
    ({"type": "set", "changes": {"hidden_layers": [64]}}, "over_limit", "hidden_layers[0]"),
    ({"type": "set", "changes": {"loss": "cce"}}, "invalid_config", None),
    ({"type": "set", "changes": 5}, "validation_error", None),
])
def test_bad_command_values(client: TestClient, new_session: NewSession, data: dict, code: str,
                            field: str | None):
    sid, token, _ = new_session()
    with connect(client, sid, token) as ws:
        ws.hello()
        msg = ws.command(data)
        assert (msg["type"], msg["code"]) == ("error", code), msg
        if field is not None:
            assert msg["field"] == field
    assert client.get(f"/api/sessions/{sid}").json()["version"] == 1


@pytest.mark.parametrize(("raw", "code"), [
    ("not json", "malformed"),
    ("[1, 2]", "malformed"),
    ('{"type": 5}', "malformed"),
    ('{"no": "type"}', "malformed"),
    ("[" * 5000 + "]" * 5000, "malformed"),
    ('{"type": "explode"}', "unknown_command"),
    (json.dumps({"type": "ping", "pad": "x" * 17000}), "too_large"),
])
def test_bad_messages_get_an_error_and_the_stream_stays_open(
        client: TestClient, new_session: NewSession, raw: str, code: str):
    sid, token, _ = new_session()
    with connect(client, sid, token) as ws:
        ws.hello()
        ws.send(raw)
        assert ws.until(is_type("error"))["code"] == code
        ws.send({"type": "ping"})
        ws.until(is_type("pong"))


def test_binary_frames(client: TestClient, new_session: NewSession):
    sid, token, _ = new_session()
    with connect(client, sid, token) as ws:
        ws.hello()
        ws.ws.send_bytes(b"\xff\xfe\x00garbage")
        assert ws.until(is_type("error"))["code"] == "malformed"
        ws.ws.send_bytes(json.dumps({"type": "ping"}).encode())
        ws.until(is_type("pong"))


def test_a_flood_is_rate_limited(client: TestClient, new_session: NewSession):
    sid, token, _ = new_session()
    n = 200
    with connect(client, sid, token) as ws:
        ws.hello()
        for _ in range(n):
            ws.send('{"type": "ping"}')
        pongs = limited = 0
        while pongs + limited < n:
            msg = ws.next()
            if msg["type"] == "pong":
                pongs += 1
            elif msg["type"] == "error":
                assert msg["code"] == "rate_limited", msg
                limited += 1
        assert limited > 0 and pongs >= 40  # a burst passes, the rest is refused
    assert client.get("/api/health").json()["status"] == "ok"


def test_an_unknown_id_gets_not_found_and_close(client: TestClient):
    with client.websocket_connect("/api/sessions/AAAAAAAAAAAAAAAA/stream") as ws:
        msg = receive(ws)
        assert (msg["type"], msg["code"]) == ("error", "not_found")
        with pytest.raises(WebSocketDisconnect) as exc:
            receive(ws)
        assert exc.value.code == 4404


def test_a_deleted_session_tells_its_watchers(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    with connect(client, sid) as ws:
        ws.hello()
        assert client.delete(f"/api/sessions/{sid}", headers=headers).status_code == 204
        ws.until(is_type("status", status="deleted"))


def test_a_status_first_brings_the_epochs_lost_before_it(client: TestClient,
                                                          new_session: NewSession):
    """Epoch events lost on the way (a replica that fell behind sheds them) and nothing after
    them but the pause: the status makes the stream refill them first, so the watcher still
    ends with every epoch, in order."""
    sid, _, headers = new_session()
    pool = client.app.state.nnp.pool
    with connect(client, sid) as watcher:
        watcher.hello()
        watcher.until(is_type("snapshot"))
        (queue,) = pool._subs[sid]  # this watcher's queue
        client.portal.call(pool.unsubscribe, sid, queue)  # what is published now is lost
        summary = client.post(f"/api/sessions/{sid}/train", json={"epochs": 7},
                              headers=headers).json()
        client.portal.call(queue.put_nowait, Event("status", json.dumps(
            {"type": "status", "status": "paused", "epoch": 7, "version": summary["version"],
             "message": None})))
        mark = len(watcher.log)
        status = watcher.until(is_type("status", status="paused"))
        assert status["epoch"] == 7
        assert epochs_of(watcher.log[mark:]) == list(range(1, 8))
