"""REST timeline: kept frames, ``snapshot?epoch=E`` bit-identical to a fresh run of E epochs,
``backprop`` at a past epoch, and 4xx for epochs outside the run (a real app, TestClient)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from fastapi.testclient import TestClient

from ..conftest import Session
from .test_sessions import error, model, train

CONFIG = {"config": {"hidden_layers": [4, 2], "dataset": {"name": "circle", "n_points": 80},
                     "seed": 3, "learning_rate": 0.5}}


def test_snapshot_at_a_dozen_random_epochs_equals_a_fresh_run(
        client: TestClient, new_session: Callable[..., Session]) -> None:
    sid, _, headers = new_session(**CONFIG)
    for k in (3, 997, 2500, 1500):
        train(client, sid, headers, k)
    tl = client.get(f"/api/sessions/{sid}/timeline").json()
    kept = [f["epoch"] for f in tl["frames"]]
    assert tl["epoch"] == 5000 and kept[:10] == list(range(10))
    assert {100, 1000, 4000} <= set(kept)
    hist = client.get(f"/api/sessions/{sid}/history").json()["train_loss"]
    assert all(f["train_loss"] == hist[f["epoch"] - 1] for f in tl["frames"] if f["epoch"])
    for E in np.random.default_rng(12).integers(1, 5000, 12).tolist():
        snap = client.get(f"/api/sessions/{sid}/snapshot", params={"epoch": E})
        assert snap.status_code == 200, snap.text
        body = snap.json()
        fresh, _, fh = new_session(**CONFIG)
        train(client, fresh, fh, E)
        m = model(client, fresh)
        assert body["epoch"] == E
        assert (body["weights"], body["biases"]) == (m["weights"], m["biases"]), E
        assert set(body) >= {"boundary", "neurons", "domain"}
        bp = client.post(f"/api/sessions/{sid}/backprop", json={"epoch": E}).json()
        assert bp["epoch"] == E and [x["W"] for x in bp["layers"]] == m["weights"]
        client.delete(f"/api/sessions/{fresh}", headers=fh)


def test_epochs_outside_the_run_are_refused(client: TestClient,
                                            new_session: Callable[..., Session]) -> None:
    sid, _, headers = new_session(**CONFIG)
    train(client, sid, headers, 20)
    error(client.get(f"/api/sessions/{sid}/snapshot", params={"epoch": 21}), 409,
          "conflict", "epoch")  # a well-formed epoch this run has not reached
    error(client.get(f"/api/sessions/{sid}/snapshot", params={"epoch": -1}), 422,
          "validation_error", "epoch")
    error(client.get(f"/api/sessions/{sid}/snapshot"), 422, "validation_error", "epoch")
    error(client.post(f"/api/sessions/{sid}/backprop", json={"epoch": 99}), 409,
          "conflict", "epoch")
