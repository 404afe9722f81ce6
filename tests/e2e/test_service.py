"""End to end against a real uvicorn server: the XNOR run over WebSocket, export/import, the
2-2-2 worked example through PUT model + backprop, watchers, reconnects, and durability."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.sync.client import ClientConnection, connect

from .conftest import Server

pytestmark = pytest.mark.e2e
W1_AFTER = [[0.14978072, 0.19956143], [0.24975114, 0.29950229]]
# uvicorn re-raises the signal after its graceful shutdown, so -SIGTERM is a clean exit too.
GRACEFUL = (0, -signal.SIGTERM)
W2_AFTER = [[0.35891648, 0.40866619], [0.51130127, 0.56137012]]


def create(url: str, **body: Any) -> tuple[str, str, dict[str, str]]:
    r = httpx.post(url + "/api/sessions", json=body or {"preset": "xnor"}, timeout=30)
    assert r.status_code == 201, r.text
    d = r.json()
    return d["id"], d["token"], {"Authorization": f"Bearer {d['token']}"}


def receive(ws: ClientConnection, kind: str, timeout: float = 30) -> dict[str, Any]:
    """The next message of type ``kind`` (others are skipped)."""
    while True:
        msg = json.loads(ws.recv(timeout=timeout))
        if msg["type"] == kind:
            return msg


class Epochs:
    """Collects epoch messages and checks they continue each other with no gap."""

    def __init__(self) -> None:
        self.losses: list[float] = []

    def add(self, msg: dict[str, Any]) -> None:
        assert msg["first"] == len(self.losses) + 1, (msg["first"], len(self.losses))
        self.losses += msg["train_loss"]

    def until(self, ws: ClientConnection, pred: Any, timeout: float = 60) -> dict[str, Any]:
        """Read messages, recording epochs, until ``pred(msg)`` holds; return that message."""
        while True:
            msg = json.loads(ws.recv(timeout=timeout))
            if msg["type"] == "epoch":
                self.add(msg)
            if pred(msg):
                return msg


@pytest.fixture
def xnor(server: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    sid, token, headers = create(server)
    yield sid, token, headers
    httpx.delete(f"{server}/api/sessions/{sid}", headers=headers, timeout=30)


def test_xnor_over_websocket_then_export_import(server: str, live_server: Server, xnor):
    sid, token, _headers = xnor
    ws_url = f"{live_server.ws_url}/api/sessions/{sid}/stream?token={token}"
    epochs = Epochs()
    with connect(ws_url) as ws:
        hello = receive(ws, "hello")
        assert hello["role"] == "owner" and hello["session"]["epoch"] == 0
        ws.send(json.dumps({"type": "start"}))
        epochs.until(ws, lambda m: m["type"] == "epoch" and len(epochs.losses) >= 300)
        ws.send(json.dumps({"type": "pause"}))
        ack = epochs.until(ws, lambda m: m["type"] == "ack" and m["command"] == "pause")
        paused_at = ack["epoch"]
        assert ack["status"] == "paused"
        assert paused_at == len(epochs.losses)  # every epoch up to the pause arrived, in order
        ws.send(json.dumps({"type": "step", "epochs": 10}))
        epochs.until(ws, lambda m: m["type"] == "status" and m["status"] == "paused"
                     and m["epoch"] == paused_at + 10)
        assert len(epochs.losses) == paused_at + 10
    summary = httpx.get(f"{server}/api/sessions/{sid}", timeout=30).json()
    assert summary["epoch"] == paused_at + 10
    assert summary["last"]["train_loss"] == epochs.losses[-1]
    history = httpx.get(f"{server}/api/sessions/{sid}/history", timeout=30).json()
    assert history["train_loss"] == epochs.losses

    model = httpx.get(f"{server}/api/sessions/{sid}/model", timeout=30).json()
    other, _, other_headers = create(server, preset="xnor", config={"seed": 99})
    r = httpx.put(f"{server}/api/sessions/{other}/model", json=model, headers=other_headers,
                  timeout=30)
    assert r.status_code == 200, r.text
    inputs = {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1], [0.3, 0.7]]}
    a = httpx.post(f"{server}/api/sessions/{sid}/predict", json=inputs, timeout=30).json()
    b = httpx.post(f"{server}/api/sessions/{other}/predict", json=inputs, timeout=30).json()
    assert a == b  # bit-identical floats survive JSON both ways


def test_worked_example_through_put_model_and_backprop(server: str):
    sid, _, headers = create(server, preset="worked_example")
    model = httpx.get(f"{server}/api/sessions/{sid}/model", timeout=30).json()
    # Start from scrambled weights and load the published ones through PUT /model.
    model["weights"] = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
    model["biases"] = [[[0.35], [0.35]], [[0.60], [0.60]]]
    model["config"]["learning_rate"] = 0.5
    r = httpx.put(f"{server}/api/sessions/{sid}/model", json=model, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    bp = httpx.post(f"{server}/api/sessions/{sid}/backprop", json={"check": True},
                    timeout=30).json()
    assert bp["loss"] == pytest.approx(0.2983711088, abs=1e-10)
    assert bp["gradient_check"]["relative_error"] < 1e-6
    for layer, want in zip(bp["layers"], (W1_AFTER, W2_AFTER), strict=True):
        np.testing.assert_allclose(layer["W_next"], want, atol=1e-8)
    r = httpx.post(f"{server}/api/sessions/{sid}/train", json={"epochs": 1}, headers=headers,
                   timeout=30)
    assert r.status_code == 200
    after = httpx.get(f"{server}/api/sessions/{sid}/model", timeout=30).json()
    np.testing.assert_allclose(after["weights"][0], W1_AFTER, atol=1e-8)
    np.testing.assert_allclose(after["weights"][1], W2_AFTER, atol=1e-8)


def test_watcher_sees_epochs_but_cannot_command(server: str, live_server: Server, xnor):
    sid, token, _headers = xnor
    base = f"{live_server.ws_url}/api/sessions/{sid}/stream"
    watched = Epochs()
    with connect(base) as watcher, connect(f"{base}?token={token}") as owner:
        assert receive(watcher, "hello")["role"] == "watcher"
        receive(owner, "hello")
        watcher.send(json.dumps({"type": "start"}))
        err = receive(watcher, "error")
        assert err["code"] == "forbidden" and err["command"] == "start"
        watcher.send(json.dumps({"type": "auth", "token": "not-the-token"}))
        assert receive(watcher, "error")["code"] == "wrong_token"
        owner.send(json.dumps({"type": "step", "epochs": 200}))
        watched.until(watcher, lambda m: m["type"] == "status" and m["status"] == "paused"
                      and m["epoch"] == 200)
        assert len(watched.losses) == 200
    history = httpx.get(f"{server}/api/sessions/{sid}/history", timeout=30).json()
    assert history["train_loss"] == watched.losses


def test_reconnect_with_since_fills_the_gap(server: str, live_server: Server, xnor):
    sid, _token, headers = xnor
    base = f"{live_server.ws_url}/api/sessions/{sid}/stream"
    seen = Epochs()
    with connect(base) as ws:
        receive(ws, "hello")
        r = httpx.post(f"{server}/api/sessions/{sid}/train", json={"epochs": 50},
                       headers=headers, timeout=30)
        assert r.json()["epoch"] == 50
        seen.until(ws, lambda m: len(seen.losses) >= 50)
    # Disconnected: 120 more epochs happen meanwhile.
    httpx.post(f"{server}/api/sessions/{sid}/train", json={"epochs": 120}, headers=headers,
               timeout=30)
    with connect(f"{base}?since={len(seen.losses)}") as ws:
        receive(ws, "hello")
        seen.until(ws, lambda m: len(seen.losses) >= 170)
    assert len(seen.losses) == 170
    history = httpx.get(f"{server}/api/sessions/{sid}/history", timeout=30).json()
    assert history["train_loss"] == seen.losses


def test_sessions_survive_a_restart(tmp_path: Path):
    srv = Server(tmp_path, store="sqlite").start()
    try:
        sid, _, headers = create(srv.url, preset="xnor_deep")
        r = httpx.post(f"{srv.url}/api/sessions/{sid}/train", json={"epochs": 777},
                       headers=headers, timeout=60)
        assert r.json()["epoch"] == 777
        model = httpx.get(f"{srv.url}/api/sessions/{sid}/model", timeout=30).json()
        history = httpx.get(f"{srv.url}/api/sessions/{sid}/history", timeout=30).json()
    finally:
        assert srv.stop(signal.SIGTERM) in GRACEFUL
    again = Server(tmp_path, store="sqlite", port=srv.port).start()
    try:
        summary = httpx.get(f"{again.url}/api/sessions/{sid}", timeout=30).json()
        assert summary["epoch"] == 777
        assert httpx.get(f"{again.url}/api/sessions/{sid}/model", timeout=30).json() == model
        assert httpx.get(f"{again.url}/api/sessions/{sid}/history",
                         timeout=30).json() == history
        # The token still works, and training continues from epoch 777.
        r = httpx.post(f"{again.url}/api/sessions/{sid}/train", json={"epochs": 3},
                       headers=headers, timeout=60)
        assert r.json()["epoch"] == 780
    finally:
        again.stop()


def test_a_running_session_is_checkpointed_on_sigterm(tmp_path: Path):
    srv = Server(tmp_path, store="sqlite").start()
    sid, token, _ = create(srv.url, preset="playground")
    epochs = Epochs()
    with connect(f"{srv.ws_url}/api/sessions/{sid}/stream?token={token}") as ws:
        receive(ws, "hello")
        ws.send(json.dumps({"type": "start"}))
        epochs.until(ws, lambda m: len(epochs.losses) >= 100)
        assert srv.stop(signal.SIGTERM) in GRACEFUL
    again = Server(tmp_path, store="sqlite", port=srv.port).start()
    try:
        summary = httpx.get(f"{again.url}/api/sessions/{sid}", timeout=30).json()
        history = httpx.get(f"{again.url}/api/sessions/{sid}/history", timeout=30).json()
        assert summary["status"] == "paused"
        assert summary["epoch"] >= len(epochs.losses)
        assert len(history["train_loss"]) == summary["epoch"]
        assert history["train_loss"][: len(epochs.losses)] == epochs.losses
    finally:
        again.stop()
