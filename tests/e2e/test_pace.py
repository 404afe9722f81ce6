"""Pace on a real server: epochs a second as asked, changed live (stream ``set`` or PATCH)
with no reset. Rates are read from the server's own timestamps (``t`` on epoch messages: when
their last epoch was computed), so the test waits only for messages, never for time."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from .test_service import create

pytestmark = pytest.mark.e2e


def rate(ws: ClientConnection, seconds: float) -> tuple[float, list[dict[str, Any]]]:
    """Epochs a second over ``seconds`` of server time, from the epoch message after the next
    ``status`` (the start, or the change of pace) on."""
    log: list[dict[str, Any]] = []
    while (msg := json.loads(ws.recv(timeout=30)))["type"] != "status":
        log.append(msg)
    while True:
        msg = json.loads(ws.recv(timeout=30))
        log.append(msg)
        assert msg["type"] != "status" or msg["status"] == "running", msg
        epochs = [m for m in log if m["type"] == "epoch"]
        if len(epochs) >= 2 and epochs[-1]["t"] - epochs[0]["t"] >= seconds:
            break
    start = epochs[0]  # (its epochs were computed before: the rate counts those after it)
    inside = [m for m in epochs if m["t"] - start["t"] <= seconds]
    last = inside[-1]["first"] + len(inside[-1]["train_loss"]) - 1
    first_end = start["first"] + len(start["train_loss"]) - 1
    return (last - first_end) / (inside[-1]["t"] - start["t"]), log


def test_the_pace_is_held_and_changes_live(server: str) -> None:
    sid, token, headers = create(server, config={
        "hidden_layers": [4, 2], "hidden_activation": "tanh", "learning_rate": 0.3,
        "pace": 50, "dataset": {"name": "circle"}})
    with connect(f"{server.replace('http', 'ws')}/api/sessions/{sid}/stream?token={token}",
                 max_size=None) as ws:
        ws.send(json.dumps({"type": "start"}))
        per_second, _ = rate(ws, 2.0)
        assert 40 <= per_second <= 60  # 100 +- 20 epochs in 2 s
        ws.send(json.dumps({"type": "set", "changes": {"pace": 200}}))
        per_second, log = rate(ws, 2.0)
        acks = [m for m in log if m["type"] == "ack"]
        assert acks and acks[0]["reset"] is False and acks[0]["status"] == "running"
        assert 160 <= per_second <= 240
        r = httpx.patch(f"{server}/api/sessions/{sid}", json={"pace": 20}, headers=headers,
                        timeout=30)
        assert r.status_code == 200 and r.json()["reset"] is False
        per_second, log = rate(ws, 2.0)
        assert 16 <= per_second <= 24
        assert not any(m.get("reset") for m in log)  # the epochs went on from where they were
        ws.send(json.dumps({"type": "pause"}))
    httpx.delete(f"{server}/api/sessions/{sid}", headers=headers, timeout=30)
