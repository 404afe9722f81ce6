"""Runs the page's pure-module unit tests (``*.test.mjs``) with node's built-in test runner.

They get what a real app says (``server.fixture.mjs`` reads it): its ``GET /api/limits``, the
one place the page learns the engine's features and activations; the engine's value of every
feature at a few points, which the page's feature tiles must reproduce; ``GET /api/datasets``
(the suggested setups); and what a session of the page's first-visit setup streamed with
``detail=display`` -- the history replayed after ``hello``, live ``epochs`` messages, a binary
snapshot frame with the JSON snapshot a ``detail=full`` client got for the same epoch and
version -- and its REST ``history``, which the page's decoder and bucket history must match.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from nnplayground.engine import FEATURES
from nnplayground.setups import page_config

from ..api.helpers import receive_raw
from ..conftest import require

HERE = Path(__file__).parent
POINTS = [(0.3, -0.7), (-1.2, 0.4), (2.5, 1.5), (0.0, -3.0)]
TRAINED = 3000  # epochs before the display client connects: its replay is bucketed
STEPPED = 600  # epochs it then sees live


def messages_until(ws: Any, done: Any) -> list[str | bytes]:
    """Every message of ``ws`` up to and including the first for which ``done`` holds."""
    out: list[str | bytes] = []
    while not out or not done(out[-1]):
        out.append(receive_raw(ws))
    return out


def is_json(message: str | bytes, **fields: Any) -> bool:
    if isinstance(message, bytes):
        return False
    m = json.loads(message)
    return all(m.get(k) == v for k, v in fields.items())


def display_fixture(client: TestClient) -> dict[str, Any]:
    """What the page's stream carried for a session of its first-visit setup (see above)."""
    config = {**page_config(), "dataset": {"name": "circle", "noise": 0.1}}
    created = client.post("/api/sessions", json={"config": config}).json()
    sid, token = created["id"], created["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": TRAINED},
                       headers=headers).status_code == 200
    with client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as shown:
        replayed = messages_until(shown, lambda m: isinstance(m, bytes))
        (size,) = np.frombuffer(replayed[-1][:4], "<u4")
        header = json.loads(replayed[-1][4 : 4 + size])
        with client.websocket_connect(f"/api/sessions/{sid}/stream?token={token}") as owner:
            full = messages_until(owner, lambda m: is_json(m, type="snapshot",
                                                           epoch=header["epoch"],
                                                           version=header["version"]))
            owner.send_text(json.dumps({"type": "step", "epochs": STEPPED}))
            live = messages_until(shown, lambda m: is_json(m, type="status", status="paused",
                                                          epoch=TRAINED + STEPPED))
    history = client.get(f"/api/sessions/{sid}/history").json()
    client.delete(f"/api/sessions/{sid}", headers=headers)
    texts = [json.loads(m) for m in [*replayed, *live] if isinstance(m, str)]
    return {
        "frame": base64.b64encode(replayed[-1]).decode(),
        "snapshot": json.loads(full[-1]),
        "replay": next(m for m in texts if m["type"] == "epochs"),
        "epochs": [m for m in texts if m["type"] == "epochs"],
        "history": history,
    }


def class_fixture(client: TestClient) -> dict[str, Any]:
    """A lesson's class as the dashboard gets it: GET /forks of three forks, one of which met
    the challenge, and each fork's GET /challenge."""
    created = client.post("/api/sessions", json={"preset": "lesson_or"}).json()
    sid, owner = created["id"], {"Authorization": f"Bearer {created['token']}"}
    for name, hidden, epochs in (("Ada", [], 300), ("Bo", [2], 300), (None, [2], 5)):
        body = {"nickname": name} if name else None
        fork = client.post(f"/api/sessions/{sid}/fork", json=body).json()
        headers = {"Authorization": f"Bearer {fork['token']}"}
        client.patch(f"/api/sessions/{fork['id']}", json={"hidden_layers": hidden},
                     headers=headers)
        client.post(f"/api/sessions/{fork['id']}/train", json={"epochs": epochs},
                    headers=headers)
    rows = client.get(f"/api/sessions/{sid}/forks", headers=owner).json()["rows"]
    return {"rows": rows, "challenges": {r["id"]: client.get(
        f"/api/sessions/{r['id']}/challenge").json() for r in rows}}


def test_frontend_unit_tests_pass_under_node(client: TestClient, tmp_path: Path):
    node = require("node")
    files = sorted(str(p) for p in HERE.glob("*.test.mjs"))
    assert files, "no frontend unit tests found"
    X = np.array(POINTS).T
    fixture = {
        "limits": client.get("/api/limits").json(),
        "features": {"points": POINTS,
                     "values": {name: fn(X).tolist() for name, fn in FEATURES.items()}},
        "datasets": client.get("/api/datasets").json(),
        "presets": client.get("/api/presets").json(),
        "display": display_fixture(client),
        "class": class_fixture(client),
    }
    path = tmp_path / "server.json"
    path.write_text(json.dumps(fixture))
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "NNP_FRONTEND_FIXTURE": str(path)})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
