"""``?detail=display``: summarised epochs and binary snapshots, held to a full client's data.

A display client and a full client watch the same session; everything the display client
gets must follow from what the full one gets: every epoch range covered once, with no gap, the
bucket's ``min``/``max`` bounding the full values and ``last`` equal to the last of them, and
each binary snapshot frame decoding to the full snapshot's grids and (float32) weights.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from nnplayground.api.display import buckets, news
from nnplayground.sessions.pool import Event

from ..conftest import Session
from .helpers import is_type, receive_raw
from .test_sessions import BLOWS_UP
from .test_stream import Conn, connect

NewSession = Callable[..., Session]
SERIES = ("train_loss", "test_loss", "accuracy", "test_accuracy")


def full_values(messages: list[dict]) -> dict[str, dict[int, float | None]]:
    """epoch -> value per series, from a full client's ``epoch`` messages."""
    out: dict[str, dict[int, float | None]] = {k: {} for k in SERIES}
    for m in messages:
        if m["type"] == "epoch":
            for k in SERIES:
                for i, v in enumerate(m[k]):
                    out[k][m["first"] + i] = v
    return out


def check_covers(messages: list[dict], full: dict[str, dict[int, float | None]],
                 last_epoch: int) -> int:
    """Every ``epochs`` bucket checked against the full values; the number of buckets."""
    covered, count = 0, 0
    for m in (m for m in messages if m["type"] == "epochs"):
        assert m["first"] == covered + 1, (m["first"], covered)  # no gap, no overlap
        start = m["first"]
        for b, end in enumerate(m["ends"]):
            assert end >= start
            for k in SERIES:
                values = [full[k][e] for e in range(start, end + 1)]
                if m[k] is None:
                    assert all(v is None for v in values)
                    continue
                assert m[k]["min"][b] <= min(values) and m[k]["max"][b] >= max(values)
                assert m[k]["last"][b] == values[-1]
            start, count = end + 1, count + 1
        covered = m["ends"][-1]
    assert covered == last_epoch
    return count


def test_live_display_epochs_follow_the_full_stream(client: TestClient,
                                                    new_session: NewSession) -> None:
    sid, token, _ = new_session(config={"hidden_layers": [4, 2], "hidden_activation": "tanh",
                                        "learning_rate": 0.3,
                                        "dataset": {"name": "circle", "noise": 0.1}})
    with connect(client, sid, token) as owner, \
            client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        owner.hello()
        assert display.hello()["session"]["id"] == sid
        assert owner.command({"type": "step", "epochs": 3000})["type"] == "ack"
        owner.until(is_type("status", status="paused", epoch=3000))
        display.until(is_type("status", status="paused", epoch=3000))
        check_covers(display.log, full_values(owner.log), 3000)
        assert not any(m["type"] == "epoch" for m in display.log)
        frames = [m for m in display.log if m["type"] == "snapshot"]
        assert frames and all(m.get("binary") for m in frames)


def test_regression_epochs_carry_r2_and_rmse_of_their_last_epoch(
        client: TestClient, new_session: NewSession) -> None:
    sid, token, _ = new_session(config={"dataset": {"name": "plane", "n_points": 40},
                                        "learning_rate": 0.03})
    data = client.get(f"/api/sessions/{sid}/dataset").json()
    variance = {k: float(np.var([p["label"] for p in data[k]])) for k in ("train", "test")}
    with connect(client, sid, token) as owner, \
            client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        owner.hello()
        display.hello()
        assert owner.command({"type": "step", "epochs": 200})["type"] == "ack"
        display.until(is_type("status", status="paused", epoch=200))
    epochs = [m for m in display.log if m["type"] == "epochs"]
    assert epochs and all("fit" in m for m in epochs)
    for m in epochs:
        for prefix, split in (("", "train"), ("test_", "test")):
            loss = m[f"{prefix or 'train_'}loss"]["last"][-1]
            # to 6 significant digits (the page shows 4)
            assert m["fit"][f"{prefix}rmse"] == pytest.approx(np.sqrt(loss), rel=5e-6, abs=0)
            assert m["fit"][f"{prefix}r2"] == pytest.approx(1 - loss / variance[split], rel=5e-6,
                                                            abs=0)
    summary = client.get(f"/api/sessions/{sid}").json()["last"]
    assert summary["r2"] == pytest.approx(epochs[-1]["fit"]["r2"], rel=5e-6, abs=0)


def test_classification_epochs_carry_no_fit(client: TestClient, new_session: NewSession) -> None:
    sid, token, _ = new_session()
    with connect(client, sid, token) as owner, \
            client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        owner.hello()
        display.hello()
        assert owner.command({"type": "step", "epochs": 20})["type"] == "ack"
        display.until(is_type("status", status="paused", epoch=20))
    epochs = [m for m in display.log if m["type"] == "epochs"]
    assert epochs and not any("fit" in m for m in epochs)


def test_a_display_client_that_joins_late_gets_the_history_in_buckets(
        client: TestClient, new_session: NewSession) -> None:
    sid, _, headers = new_session()
    r = client.post(f"/api/sessions/{sid}/train", json={"epochs": 5000}, headers=headers)
    assert r.status_code == 200
    history = client.get(f"/api/sessions/{sid}/history").json()
    full = {k: {history["first"] + i: v for i, v in enumerate(history[k] or [])}
            if history.get(k) is not None else None for k in SERIES}
    full = {k: v if v is not None else dict.fromkeys(range(1, 5001)) for k, v in full.items()}
    with client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        display.hello()
        replay = display.until(is_type("epochs"))
        assert len(replay["ends"]) <= 1000
        assert check_covers([replay], full, 5000) == len(replay["ends"])


def test_a_binary_snapshot_holds_the_full_snapshot(client: TestClient,
                                                   new_session: NewSession) -> None:
    sid, _, headers = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 50}, headers=headers)
    with connect(client, sid) as full, \
            client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        full.hello()
        display.hello()
        snap = full.until(is_type("snapshot", epoch=50))
        frame = display.until(is_type("snapshot", epoch=50))
    assert frame["binary"] and frame["version"] == snap["version"]
    assert frame["domain"] == snap["domain"]
    for got, want in zip(frame["weights"], snap["weights"], strict=True):
        np.testing.assert_array_equal(got, np.asarray(want, dtype=np.float32))
    for got, want in zip(frame["biases"], snap["biases"], strict=True):
        np.testing.assert_array_equal(got, np.asarray(want, dtype=np.float32))
    for got, want in zip([frame["boundary"], *frame["neurons"]],
                         [snap["boundary"], *snap["neurons"]], strict=True):
        q = np.frombuffer(base64.b64decode(want["data"]), np.uint8).reshape(want["shape"])
        np.testing.assert_array_equal(got["q"], q)
        assert (got["min"], got["max"]) == (np.float32(want["min"]), np.float32(want["max"]))


LOSS_OVERFLOWS = {"config": {"hidden_layers": [4, 2], "hidden_activation": "relu",
                             "output_activation": "linear", "learning_rate": 10,
                             "dataset": {"name": "plane", "n_points": 40}}}


@pytest.mark.parametrize(("config", "back"), [(BLOWS_UP, 1), (LOSS_OVERFLOWS, 0)],
                         ids=["weights blown up", "loss overflowed"])
def test_a_diverged_session_streams_its_last_finite_epoch_marked_as_such(
        client: TestClient, new_session: NewSession, config: dict, back: int) -> None:
    sid, _, headers = new_session(**config)
    s = client.post(f"/api/sessions/{sid}/train", json={"epochs": 500}, headers=headers).json()
    assert s["status"] == "diverged"
    at = s["diagnostics"]["divergence"]["epoch"]

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")
    seen: dict[str, dict] = {}
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        while not {"snapshot", "diagnostics"} <= set(seen):
            msg = json.loads(receive_raw(ws), parse_constant=refuse)  # as JSON.parse would
            seen.setdefault(msg["type"], msg)
    snap = seen["snapshot"]  # the latest epoch whose numbers are all finite
    assert (snap["epoch"], snap["finite"], snap["diverged_at"]) == (s["epoch"] - back, True, at)
    assert snap["boundary"] is not None
    assert seen["hello"]["session"]["status"] == "diverged"
    assert seen["diagnostics"]["divergence"]["epoch"] == at
    with client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        frame = Conn(raw).until(is_type("snapshot"))
    assert frame["binary"] and (frame["epoch"], frame["diverged_at"]) == (snap["epoch"], at)
    # finite in float64; the frame's float32 says whether it is finite there too
    ranges = [x for g in [snap["boundary"], *snap["neurons"]] for x in (g["min"], g["max"])]
    numbers = [x for m in snap["weights"] + snap["biases"] for row in m for x in row] + ranges
    assert frame["finite"] is (max(map(abs, numbers)) < 3.4e38)


def test_an_unknown_detail_is_refused(client: TestClient, new_session: NewSession) -> None:
    sid, _, _ = new_session()
    with client.websocket_connect(f"/api/sessions/{sid}/stream?detail=everything") as raw:
        msg = Conn(raw).next()
        assert (msg["type"], msg["code"], msg["field"]) == ("error", "validation_error",
                                                             "detail")
        with pytest.raises(WebSocketDisconnect):
            Conn(raw).next()


@pytest.mark.parametrize(("first", "last"), [(1, 1), (1, 999), (5, 1004), (1, 10**6)])
def test_buckets_cover_the_range_in_order(first: int, last: int) -> None:
    ends = buckets(first, last)
    assert ends[-1] == last and ends[0] >= first and len(ends) <= 1000
    assert ends == sorted(set(ends))
    if last - first < 1000:
        assert ends == list(range(first, last + 1))
    else:
        assert ends[0] == first  # the first epochs stay exact (a log axis shows them)


def test_display_clients_get_diagnostics_as_json_with_the_snapshot_of_a_status(
        client: TestClient, new_session: NewSession) -> None:
    sid, token, _ = new_session(config={"hidden_layers": [4, 2], "hidden_activation": "relu",
                                        "seed": 0, "dataset": {"name": "circle"}})
    with connect(client, sid, token) as owner, \
            client.websocket_connect(f"/api/sessions/{sid}/stream?detail=display") as raw:
        display = Conn(raw)
        owner.hello()
        display.hello()
        assert owner.command({"type": "step", "epochs": 10})["type"] == "ack"
        told = display.until(is_type("diagnostics", epoch=10))
        at = next(i for i, m in enumerate(display.log) if m is told)
        assert display.log[at - 1]["type"] == "snapshot"  # the frame it goes with
    summary = client.get(f"/api/sessions/{sid}").json()
    assert told["findings"] == summary["diagnostics"]["findings"]
    assert told["findings"][0]["kind"] == "dead" and told["findings"][0]["layer"] == 2


@pytest.mark.parametrize(("message", "sent"), [({"news": True}, True), ({"news": False}, False),
                                               ({}, True)])
def test_display_clients_get_the_diagnostics_that_are_news(message: dict[str, bool],
                                                            sent: bool) -> None:
    event = Event("diagnostics", json.dumps({"type": "diagnostics", **message}))
    assert news(event) is sent
    assert news(event) is sent and event.cache["news"] is sent  # parsed once per event
