"""REST tests of the session resource (docs/protocol.md), success and failure, on a real app.

Every route of ``/api/sessions``: create (preset, config, both, unknown preset, over the
limits), read, change (live and resetting), delete, fork, train, reset, model export and
import, dataset read and replace, predict, boundary, backprop (with the gradient check),
history; and access: 401 without a token, 403 with a wrong one, 404 for an unknown id with
nothing revealed. Runs on the ``client`` fixture (one worker process, memory store).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ..conftest import Session
from .helpers import GRID

NewSession = Callable[..., Session]
NOT_FOUND = {"code": "not_found", "message": "no session with this id", "field": None}


def error(r: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert ``r`` is the JSON error ``code`` with ``status`` (and ``field``); return it."""
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert body["field"] == field, body
    return body


def train(client: TestClient, sid: str, headers: dict[str, str], epochs: int) -> dict[str, Any]:
    r = client.post(f"/api/sessions/{sid}/train", json={"epochs": epochs}, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def model(client: TestClient, sid: str) -> dict[str, Any]:
    r = client.get(f"/api/sessions/{sid}/model")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def predict(client: TestClient, sid: str, inputs: list[list[float]]) -> dict[str, Any]:
    r = client.post(f"/api/sessions/{sid}/predict", json={"inputs": inputs})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# ----- create ------------------------------------------------------------------------------
def test_create_from_a_preset(client: TestClient):
    r = client.post("/api/sessions", json={"preset": "xnor"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "token", "watch_url", "session"}
    assert body["id"] != body["token"] and len(body["token"]) >= 24
    assert body["watch_url"].endswith(f"#id={body['id']}")
    s = body["session"]
    assert s["id"] == body["id"]
    assert (s["status"], s["epoch"], s["layers"]) == ("idle", 0, [2, 2, 1])
    assert s["spec"]["dataset"]["name"] == "xnor"
    assert (s["problem"], s["n_classes"], s["custom_data"], s["parent"]) == (
        "classification", 2, False, None)
    assert body["token"] not in client.get(f"/api/sessions/{body['id']}").text


def test_create_from_a_configuration(client: TestClient):
    config = {"hidden_layers": [5, 3], "features": ["x1", "x2", "x1^2"],
              "hidden_activation": "tanh", "optimizer": "adam", "learning_rate": 0.03,
              "batch_size": 10, "regularization": "l2", "reg_rate": 0.001, "seed": 7,
              "dataset": {"name": "spiral", "n_points": 120, "noise": 0.1, "ratio": 0.6,
                          "seed": 3}}
    r = client.post("/api/sessions", json={"config": config})
    assert r.status_code == 201, r.text
    s = r.json()["session"]
    assert s["layers"] == [3, 5, 3, 1]
    for key in ("hidden_layers", "features", "hidden_activation", "optimizer", "learning_rate",
                "batch_size", "regularization", "reg_rate", "seed"):
        assert s["spec"][key] == config[key], key
    assert s["spec"]["dataset"] == config["dataset"]
    data = client.get(f"/api/sessions/{s['id']}/dataset").json()
    assert (len(data["train"]), len(data["test"])) == (72, 48)


def test_create_from_a_preset_with_changes(client: TestClient):
    r = client.post("/api/sessions", json={"preset": "xnor", "config": {"learning_rate": 0.5,
                                                                        "hidden_layers": [3]}})
    assert r.status_code == 201, r.text
    s = r.json()["session"]
    assert s["spec"]["learning_rate"] == 0.5 and s["layers"] == [2, 3, 1]
    assert s["spec"]["dataset"]["name"] == "xnor"  # the rest is the preset's


def test_a_new_dataset_name_takes_its_default_size(client: TestClient):
    """protocol.md: changing dataset.name takes the new dataset's default size and ratio."""
    r = client.post("/api/sessions", json={"preset": "xnor", "config": {
        "dataset": {"name": "circle"}}})
    assert r.status_code == 201, r.text
    assert r.json()["session"]["spec"]["dataset"]["n_points"] == 200


def test_an_empty_body_gives_the_default_session(client: TestClient):
    r = client.post("/api/sessions", json={})
    assert r.status_code == 201, r.text
    assert r.json()["session"]["spec"]["dataset"]["name"] == "circle"


def test_create_with_an_unknown_preset(client: TestClient):
    body = error(client.post("/api/sessions", json={"preset": "nope"}), 422, "unknown_preset",
                 "preset")
    assert "xnor" in body["message"]  # lists the valid names


@pytest.mark.parametrize(("config", "field", "limit"), [
    ({"hidden_layers": [2] * 9}, "hidden_layers", "max_layers"),
    ({"hidden_layers": [4, 33]}, "hidden_layers[1]", "max_neurons"),
    ({"dataset": {"name": "circle", "n_points": 2001}}, "dataset.n_points", "max_points"),
])
def test_create_over_a_limit(client: TestClient, config: dict[str, Any], field: str, limit: str):
    body = error(client.post("/api/sessions", json={"config": config}), 422, "over_limit", field)
    assert limit in body["message"]


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"config": {"learning_rate": -1}}, 422, "validation_error", "config.learning_rate"),
    ({"config": {"hidden_activation": "gelu"}}, 422, "validation_error",
     "config.hidden_activation"),
    ({"config": {"typo": 1}}, 422, "validation_error", "config.typo"),
    ({"config": {"dataset": {"name": "nope"}}}, 422, "invalid_dataset", "dataset.name"),
    ({"config": {"output_activation": "softmax"}}, 422, "invalid_config", "output_activation"),
    ({"preset": "xnor", "extra": True}, 422, "validation_error", "extra"),
])
def test_create_refuses_bad_configurations(client: TestClient, body: dict[str, Any],
                                           status: int, code: str, field: str):
    error(client.post("/api/sessions", json=body), status, code, field)


@pytest.mark.parametrize(("content", "status"), [
    (b'{"preset": "xnor"', 422), (b"{bad", 422), (b'{"preset": "\xff"}', 400),
    (b"[" * 10_000 + b"]" * 10_000, 400),
])
def test_malformed_json(client: TestClient, content: bytes, status: int):
    r = client.post("/api/sessions", content=content,
                    headers={"Content-Type": "application/json"})
    body = error(r, status, "malformed_json")
    if status == 422:
        assert body["field"] == "body" and "invalid JSON at character" in body["message"]


@pytest.mark.parametrize("raw", [b'{"config": {"learning_rate": NaN}}',
                                 b'{"config": {"learning_rate": Infinity}}',
                                 b'{"config": {"learning_rate": -Infinity}}',
                                 b'{"config": {"learning_rate": 1e309}}'])
def test_non_finite_numbers(client: TestClient, raw: bytes):
    r = client.post("/api/sessions", content=raw, headers={"Content-Type": "application/json"})
    body = error(r, 422, "validation_error", "config.learning_rate")
    assert "finite" in body["message"]


def test_null_options_mean_unchanged(client: TestClient):
    r = client.post("/api/sessions", json={"preset": "xnor", "config": {
        "hidden_layers": None, "dataset": None, "learning_rate": None, "batch_size": None}})
    assert r.status_code == 201, r.text
    s = r.json()["session"]
    assert s["layers"] == [2, 2, 1] and s["spec"]["learning_rate"] == 1.0


# ----- read, change, delete ----------------------------------------------------------------
def test_get_the_summary(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 3)
    r = client.get(f"/api/sessions/{sid}")
    assert r.status_code == 200
    s = r.json()
    assert (s["id"], s["epoch"], s["status"]) == (sid, 3, "paused")
    assert s["watchers"] == 0 and s["created"] <= s["updated"]
    assert set(s["last"]) == {"train_loss", "test_loss", "accuracy", "test_accuracy"}
    assert isinstance(s["last"]["train_loss"], float) and s["last"]["test_loss"] is None


def test_a_live_change_keeps_the_weights(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 20)
    before = model(client, sid)
    r = client.patch(f"/api/sessions/{sid}", json={"learning_rate": 0.25, "batch_size": 2,
                                                    "optimizer": "momentum"}, headers=headers)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["reset"] is False and s["epoch"] == 20
    assert s["spec"]["learning_rate"] == 0.25 and s["network"]["optimizer"] == "momentum"
    after = model(client, sid)
    assert after["weights"] == before["weights"] and after["biases"] == before["biases"]
    assert after["epoch"] == 20 and after["config"]["learning_rate"] == 0.25


def test_a_resetting_change(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 10)
    r = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3],
                                                    "features": ["x1", "x2", "x1*x2"]},
                     headers=headers)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["reset"] is True and s["epoch"] == 0 and s["layers"] == [3, 3, 1]
    hist = client.get(f"/api/sessions/{sid}/history").json()
    assert hist["train_loss"] == []


def test_change_refuses_bad_values(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    error(client.patch(f"/api/sessions/{sid}", json={"momentum": 1.5}, headers=headers), 422,
          "validation_error", "momentum")
    error(client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [40]}, headers=headers),
          422, "over_limit", "hidden_layers[0]")
    error(client.patch(f"/api/sessions/{sid}", json={"loss": "cce"}, headers=headers), 422,
          "invalid_config")
    assert client.get(f"/api/sessions/{sid}").json()["version"] == 1  # nothing changed


def test_dead_relus_are_diagnosed_and_bias_init_resets(client: TestClient,
                                                       new_session: NewSession):
    sid, _, headers = new_session()
    r = client.patch(f"/api/sessions/{sid}", json={"hidden_activation": "relu", "seed": 0,
                                                    "hidden_layers": [4, 2],
                                                    "features": ["x1", "x2"],
                                                    "dataset": {"name": "circle"}},
                     headers=headers)
    d = r.json()["diagnostics"]
    assert [x["dead"] for x in d["layers"]] == [[], [0, 1], []]
    fix = d["findings"][0]["action"]["commands"][0]
    assert d["findings"][0]["kind"] == "dead" and fix["type"] == "set"
    after = client.patch(f"/api/sessions/{sid}", json=fix["changes"], headers=headers).json()
    assert after["reset"] is True
    assert [f for f in after["diagnostics"]["findings"] if f["kind"] == "dead"] == []
    r = client.patch(f"/api/sessions/{sid}", json={"bias_init": 0.1}, headers=headers)
    assert r.json()["reset"] is True and r.json()["network"]["bias_init"] == 0.1
    biases = model(client, sid)["biases"]
    assert all(v == [0.1] for b in biases for v in b)
    error(client.patch(f"/api/sessions/{sid}", json={"bias_init": 2}, headers=headers), 422,
          "validation_error", "bias_init")


def test_delete(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    r = client.delete(f"/api/sessions/{sid}", headers=headers)
    assert r.status_code == 204 and r.content == b""
    for path in ("", "/model", "/dataset", "/history"):
        r = client.get(f"/api/sessions/{sid}{path}")
        assert (r.status_code, r.json()) == (404, NOT_FOUND), path
    r = client.delete(f"/api/sessions/{sid}", headers=headers)
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


# ----- fork --------------------------------------------------------------------------------
def test_fork(client: TestClient, new_session: NewSession):
    sid, token, headers = new_session()
    train(client, sid, headers, 15)
    r = client.post(f"/api/sessions/{sid}/fork")  # anyone with the id may fork
    assert r.status_code == 201, r.text
    fork = r.json()
    assert fork["id"] != sid and fork["token"] != token
    assert fork["session"]["parent"] == sid and fork["session"]["epoch"] == 15
    original, copy = model(client, sid), model(client, fork["id"])
    assert copy["weights"] == original["weights"] and copy["biases"] == original["biases"]
    assert copy["epoch"] == 15
    hist = client.get(f"/api/sessions/{sid}/history").json()
    assert client.get(f"/api/sessions/{fork['id']}/history").json()["train_loss"] == \
        hist["train_loss"]
    # The original's token cannot change the fork, nor the fork's the original.
    error(client.post(f"/api/sessions/{fork['id']}/train", json={"epochs": 1}, headers=headers),
          403, "wrong_token")
    fork_headers = {"Authorization": f"Bearer {fork['token']}"}
    error(client.post(f"/api/sessions/{sid}/reset", headers=fork_headers), 403, "wrong_token")
    assert train(client, fork["id"], fork_headers, 5)["epoch"] == 20
    assert client.get(f"/api/sessions/{sid}").json()["epoch"] == 15


def test_fork_of_an_unknown_session(client: TestClient):
    r = client.post("/api/sessions/nosuchsession/fork")
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


# ----- train and reset ---------------------------------------------------------------------
def test_train_advances_exactly_n_epochs(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    s = train(client, sid, headers, 7)
    assert (s["epoch"], s["status"]) == (7, "paused")
    s = train(client, sid, headers, 13)
    assert s["epoch"] == 20
    hist = client.get(f"/api/sessions/{sid}/history").json()
    assert hist["first"] == 1 and len(hist["train_loss"]) == 20 and hist["epoch"] == 20


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"epochs": 20001}, "over_limit", "epochs"),
    ({"epochs": 0}, "validation_error", "epochs"),
    ({"epochs": 2.5}, "validation_error", "epochs"),
    ({}, "validation_error", "epochs"),
])
def test_train_refuses(client: TestClient, new_session: NewSession, body: dict[str, Any],
                       code: str, field: str):
    sid, _, headers = new_session()
    error(client.post(f"/api/sessions/{sid}/train", json=body, headers=headers), 422, code, field)
    assert client.get(f"/api/sessions/{sid}").json()["epoch"] == 0


def test_a_diverged_session_refuses_training_until_reset(client: TestClient,
                                                         new_session: NewSession):
    sid, _, headers = new_session(config={
        "hidden_layers": [8], "hidden_activation": "relu", "learning_rate": 1000,
        "dataset": {"name": "plane", "n_points": 100}})
    s = train(client, sid, headers, 500)
    assert s["status"] == "diverged" and s["message"]
    error(client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=headers), 409,
          "conflict")
    r = client.post(f"/api/sessions/{sid}/reset", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "idle"


BLOWS_UP = {"config": {"hidden_layers": [4, 2], "hidden_activation": "linear",
                       "output_activation": "linear", "learning_rate": 1000,
                       "dataset": {"name": "plane", "n_points": 40}}}


def strict(r: Any) -> Any:
    """The response's body parsed as ``JSON.parse`` would: NaN or Infinity is an error."""
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in {r.request.url}: not JSON")
    return json.loads(r.text, parse_constant=refuse)


def test_a_blown_up_session_answers_json_saying_its_numbers_are_not_finite(
        client: TestClient, new_session: NewSession):
    sid, _, headers = new_session(**BLOWS_UP)
    s = train(client, sid, headers, 50)
    assert s["status"] == "diverged"
    at, epoch = s["diagnostics"]["divergence"]["epoch"], s["epoch"]
    base = f"/api/sessions/{sid}"
    strict(client.get(base))
    now = strict(client.get(f"{base}/snapshot", params={"epoch": epoch}))
    assert (now["epoch"], now["finite"], now["diverged_at"]) == (epoch, False, at)
    assert now["boundary"] is None and now["neurons"] == []
    before = strict(client.get(f"{base}/snapshot", params={"epoch": epoch - 1}))
    assert (before["epoch"], before["finite"], before["diverged_at"]) == (epoch - 1, True, at)
    assert before["boundary"]["shape"] == [1, 40, 40]
    grid = strict(client.get(f"{base}/boundary", params={"resolution": 3}))
    bp = strict(client.post(f"{base}/backprop", json={}))
    assert grid["finite"] is False and bp["finite"] is False
    for r in (client.get(f"{base}/model"),
              client.post(f"{base}/predict", json={"inputs": [[0.5, 0.5]]})):
        body = error(r, 409, "conflict")
        assert "not finite" in body["message"] and f"diverged at epoch {at}" in body["message"]
    strict(client.get(f"{base}/history"))
    strict(client.get(f"{base}/timeline"))


def test_reset_restores_the_seeds_weights(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    initial = model(client, sid)
    train(client, sid, headers, 25)
    assert model(client, sid)["weights"] != initial["weights"]
    r = client.post(f"/api/sessions/{sid}/reset", headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["epoch"], r.json()["status"]) == (0, "idle")
    again = model(client, sid)
    assert again["weights"] == initial["weights"] and again["biases"] == initial["biases"]
    assert client.get(f"/api/sessions/{sid}/history").json()["train_loss"] == []


# ----- model -------------------------------------------------------------------------------
def test_model_round_trip_gives_bit_identical_predictions(client: TestClient,
                                                          new_session: NewSession):
    sid, _, headers = new_session(preset="xnor", config={"optimizer": "adam",
                                                          "learning_rate": 0.05})
    train(client, sid, headers, 40)
    exported = model(client, sid)
    assert set(exported) >= {"spec", "config", "epoch", "weights", "biases",
                             "optimizer_state", "rng_state"}
    other, _, other_headers = new_session(preset="xnor")
    r = client.put(f"/api/sessions/{other}/model", json=exported, headers=other_headers)
    assert r.status_code == 200, r.text
    assert r.json()["epoch"] == 40 and r.json()["network"]["optimizer"] == "adam"
    assert predict(client, other, GRID) == predict(client, sid, GRID)
    # Training on continues identically (same optimiser state).
    train(client, sid, headers, 5)
    train(client, other, other_headers, 5)
    assert model(client, other)["weights"] == model(client, sid)["weights"]


def test_model_import_refuses_bad_shapes(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    good = model(client, sid)
    bad = {**good, "weights": [[[1.0, 2.0, 3.0]], good["weights"][1]]}
    body = error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
                 "invalid_config", "weights")
    assert "weights[0]" in body["message"]
    bad = {**good, "biases": [[[1.0], [2.0], [3.0]], good["biases"][1]]}
    error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
          "invalid_config", "biases")
    bad = {**good, "biases": [[1.0, 2.0], good["biases"][1]]}  # b[l] is (n_l, 1)
    error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
          "validation_error", "biases[0][0]")
    bad = {**good, "weights": [[[1.0, "x"], [1.0, 2.0]], good["weights"][1]]}
    error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
          "validation_error", "weights[0][0][1]")
    bad = {**good, "weights": [[[1.0, 2.0], [1.0]], good["weights"][1]]}  # ragged rows
    body = error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
                 "invalid_config", "weights[0]")
    assert "one length per row" in body["message"]
    error(client.put(f"/api/sessions/{sid}/model", json={"weights": []}, headers=headers), 422,
          "validation_error", "config")
    assert model(client, sid)["weights"] == good["weights"]  # unchanged


def test_model_import_refuses_layers_that_do_not_fit_the_features(client: TestClient,
                                                                  new_session: NewSession):
    source, _, _ = new_session(preset="xnor")
    exported = model(client, source)
    del exported["spec"]  # without a spec, the model must fit the session as it is
    sid, _, headers = new_session(preset="xnor", config={"features": ["x1", "x2", "x1^2"]})
    body = error(client.put(f"/api/sessions/{sid}/model", json=exported, headers=headers), 422,
                 "invalid_config", "config.layers")
    assert "[2, 2, 1]" in body["message"] and "[3, 2, 1]" in body["message"]


def test_model_import_over_the_limits(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    good = model(client, sid)
    big = {**good, "config": {**good["config"], "layers": [2, 64, 1]}}
    error(client.put(f"/api/sessions/{sid}/model", json=big, headers=headers), 422, "over_limit",
          "config.layers")
    deep = {**good, "config": {**good["config"], "layers": [2, *[2] * 9, 1]}}
    error(client.put(f"/api/sessions/{sid}/model", json=deep, headers=headers), 422,
          "over_limit", "config.layers")
    points = {**good, "spec": {**good["spec"], "dataset": {"name": "xnor", "n_points": 5000}}}
    error(client.put(f"/api/sessions/{sid}/model", json=points, headers=headers), 422,
          "over_limit", "spec.dataset.n_points")


def test_model_import_refuses_parts_the_engine_cannot_read(client: TestClient,
                                                           new_session: NewSession):
    sid, _, headers = new_session(preset="xnor", config={"optimizer": "adam"})
    train(client, sid, headers, 2)
    good = model(client, sid)
    rng = good["rng_state"]
    for bad, field in [
        ({**good, "config": {**good["config"], "layers": None}}, None),
        ({**good, "optimizer_state": [True, None, "x"]}, None),
        ({**good, "rng_state": {**rng, "uinteger": -(10**30)}}, None),
        ({**good, "spec": {**good["spec"], "hidden_layers": None}}, None),
        ({**good, "weights": [{"a": 1}, 2]}, "weights[0]"),
        ({**good, "biases": [["a"], [1.0]]}, "biases[0][0]"),
    ]:
        r = client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] in ("invalid_config", "invalid_dataset", "validation_error")
        if field is not None:
            assert r.json()["field"] == field
    # An input or output layer is allocated too: it is limited like the hidden ones.
    for layers in ([2_000_000, 2, 1], [2, 2, 2_000_000]):
        error(client.put(f"/api/sessions/{sid}/model", headers=headers,
                         json={**good, "config": {**good["config"], "layers": layers}}),
              422, "over_limit", "config.layers")
    assert model(client, sid) == good


# ----- dataset -----------------------------------------------------------------------------
def test_get_the_dataset(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session(config={"dataset": {"name": "gaussians", "n_points": 50,
                                                "ratio": 0.8}})
    r = client.get(f"/api/sessions/{sid}/dataset")
    assert r.status_code == 200
    data = r.json()
    assert (data["name"], data["problem"], data["n_classes"], data["custom"]) == (
        "gaussians", "classification", 2, False)
    assert len(data["domain"]) == 4
    assert (len(data["train"]), len(data["test"])) == (40, 10)
    assert all(set(p) == {"x1", "x2", "label"} and p["label"] in (0, 1)
               for p in data["train"] + data["test"])


def test_replace_the_dataset(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 5)
    points = {"train": [{"x1": 0.1, "x2": 0.2, "label": 1}, {"x1": 0.9, "x2": 0.8, "label": 0},
                        {"x1": 0.5, "x2": 0.4, "label": 1}],
              "test": [{"x1": 0.3, "x2": 0.7, "label": 0}]}
    r = client.put(f"/api/sessions/{sid}/dataset", json=points, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["custom"] is True
    data = client.get(f"/api/sessions/{sid}/dataset").json()
    assert data["custom"] is True
    assert (data["train"], data["test"]) == (points["train"], points["test"])
    s = client.get(f"/api/sessions/{sid}").json()
    assert s["custom_data"] is True and s["epoch"] == 0  # the session reset
    # The custom points are what it trains on: a pass over the whole set sees m = 3.
    bp = client.post(f"/api/sessions/{sid}/backprop", json={}).json()
    assert bp["m"] == 3 and bp["x"] == [[0.1, 0.9, 0.5], [0.2, 0.8, 0.4]]
    assert bp["y"] == [[1.0, 0.0, 1.0]]


def test_replace_the_dataset_refuses_bad_points(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    before = client.get(f"/api/sessions/{sid}/dataset").json()
    bad = {"train": [{"x1": 0, "x2": 0, "label": 0}, {"x1": 1, "x2": 0, "label": 2}]}
    error(client.put(f"/api/sessions/{sid}/dataset", json=bad, headers=headers), 422,
          "invalid_dataset", "train[1].label")
    bad = {"train": [{"x1": 0, "x2": 0, "label": 1}], "test": [{"x1": 0, "x2": 0, "label": -1}]}
    error(client.put(f"/api/sessions/{sid}/dataset", json=bad, headers=headers), 422,
          "invalid_dataset", "test[0].label")
    error(client.put(f"/api/sessions/{sid}/dataset", json={"train": []}, headers=headers), 422,
          "validation_error", "train")
    bad = {"train": [{"x1": 0, "x2": "a", "label": 1}]}
    error(client.put(f"/api/sessions/{sid}/dataset", json=bad, headers=headers), 422,
          "validation_error", "train[0].x2")
    many = {"train": [{"x1": i / 2001, "x2": 0, "label": i % 2} for i in range(2001)]}
    error(client.put(f"/api/sessions/{sid}/dataset", json=many, headers=headers), 422,
          "over_limit", "train")
    assert client.get(f"/api/sessions/{sid}/dataset").json() == before


def test_replace_the_dataset_with_another_datasets_classes(client: TestClient,
                                                         new_session: NewSession):
    sid, _, headers = new_session()
    points = {"train": [{"x1": 0, "x2": 0, "label": 0}, {"x1": 1, "x2": 0, "label": 1},
                        {"x1": 0, "x2": 1, "label": 2}], "dataset": "blobs3"}
    r = client.put(f"/api/sessions/{sid}/dataset", json=points, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["n_classes"], r.json()["custom"]) == (3, True)
    s = client.get(f"/api/sessions/{sid}").json()
    assert (s["spec"]["dataset"]["name"], s["layers"][-1]) == ("blobs3", 3)
    before = client.get(f"/api/sessions/{sid}/dataset").json()
    error(client.put(f"/api/sessions/{sid}/dataset", json={**points, "dataset": "nope"},
                     headers=headers), 422, "invalid_dataset", "dataset.name")
    error(client.put(f"/api/sessions/{sid}/dataset", json={**points, "dataset": "circle"},
                     headers=headers), 422, "invalid_dataset", "train[2].label")
    assert client.get(f"/api/sessions/{sid}/dataset").json() == before


# ----- predict, boundary, backprop, history ------------------------------------------------
def test_predict_gives_classes_for_classification(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 10000)  # the preset's run
    out = predict(client, sid, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert len(out["outputs"]) == 4 and all(len(o) == 1 for o in out["outputs"])
    assert out["classes"] == [int(o[0] > 0.5) for o in out["outputs"]]
    assert out["classes"] == [0, 1, 1, 0]  # xnor's labels, learnt


def test_predict_has_no_classes_for_regression(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session(preset="sin_regression")
    out = predict(client, sid, [[0.5, 0.5]])
    assert len(out["outputs"]) == 1 and out.get("classes") is None


@pytest.mark.parametrize(("inputs", "field"), [
    ([], "inputs"), ([[1, 2, 3]], "inputs[0]"), ([[1]], "inputs[0]"), ([["a", 1]], "inputs[0][0]"),
])
def test_predict_refuses_bad_inputs(client: TestClient, new_session: NewSession,
                                    inputs: list[Any], field: str):
    sid, _, _ = new_session()
    error(client.post(f"/api/sessions/{sid}/predict", json={"inputs": inputs}), 422,
          "validation_error", field)


def test_boundary(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session(preset="xnor_deep")
    r = client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 7, "neurons": True})
    assert r.status_code == 200, r.text
    b = r.json()
    assert b["resolution"] == 7 and b["epoch"] == 0 and len(b["domain"]) == 4
    assert np.asarray(b["output"]).shape == (1, 7, 7)
    assert [np.asarray(n).shape for n in b["neurons"]] == [(4, 7, 7), (3, 7, 7), (1, 7, 7)]
    assert np.asarray(b["neurons"][-1]).tolist() == b["output"]
    plain = client.get(f"/api/sessions/{sid}/boundary").json()
    assert np.asarray(plain["output"]).shape == (1, 50, 50) and "neurons" not in plain


def test_boundary_limits(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    body = error(client.get(f"/api/sessions/{sid}/boundary?resolution=201"), 422, "over_limit",
                 "resolution")
    assert "max_resolution" in body["message"]
    error(client.get(f"/api/sessions/{sid}/boundary?resolution=1"), 422, "validation_error",
          "resolution")
    error(client.get(f"/api/sessions/{sid}/boundary?resolution=abc"), 422, "validation_error",
          "resolution")


def test_backprop_on_the_whole_training_set(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 2)
    r = client.post(f"/api/sessions/{sid}/backprop", json={})
    assert r.status_code == 200, r.text
    bp = r.json()
    assert bp["epoch"] == 2 and bp["m"] == 4 and bp["loss_name"] == "mse"
    assert [layer["l"] for layer in bp["layers"]] == [1, 2]
    sizes = [2, 2, 1]
    lr = bp["learning_rate"]
    for layer, n, n_prev in zip(bp["layers"], sizes[1:], sizes[:-1], strict=True):
        assert np.asarray(layer["W"]).shape == (n, n_prev)
        for key in ("z", "a", "delta"):
            assert np.asarray(layer[key]).shape == (n, 4), key
        W, dW = np.asarray(layer["W"]), np.asarray(layer["dW"])
        assert np.allclose(layer["W_next"], W - lr * dW, rtol=0, atol=1e-15)
        assert np.allclose(layer["b_next"], np.asarray(layer["b"]) - lr * np.asarray(layer["db"]),
                           rtol=0, atol=1e-15)
    current = model(client, sid)
    assert bp["layers"][0]["W"] == current["weights"][0]
    assert client.get(f"/api/sessions/{sid}").json()["epoch"] == 2  # a pass, not a step


def test_backprop_on_one_point_and_on_given_points(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    bp = client.post(f"/api/sessions/{sid}/backprop", json={"index": 2}).json()
    assert bp["m"] == 1 and bp["x"] == [[1.0], [0.0]] and bp["y"] == [[1.0]]
    points = [{"x1": 0.25, "x2": 0.75, "label": 1}, {"x1": 0.5, "x2": 0.5, "label": 0}]
    bp = client.post(f"/api/sessions/{sid}/backprop", json={"points": points}).json()
    assert bp["m"] == 2 and bp["x"] == [[0.25, 0.5], [0.75, 0.5]] and bp["y"] == [[1.0, 0.0]]


def test_backprop_gradient_check(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session(preset="xnor_deep")
    train(client, sid, headers, 10)
    r = client.post(f"/api/sessions/{sid}/backprop", json={"check": True})
    assert r.status_code == 200, r.text
    check = r.json()["gradient_check"]
    assert check["relative_error"] < 1e-6
    assert len(check["layer_errors"]) == 3 and all(e < 1e-6 for e in check["layer_errors"])
    for numeric, layer in zip(check["dW"], r.json()["layers"], strict=True):
        assert np.allclose(numeric, layer["dW"], rtol=1e-5, atol=1e-8)
    assert "gradient_check" not in client.post(f"/api/sessions/{sid}/backprop", json={}).json()


def test_backprop_refuses(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    body = error(client.post(f"/api/sessions/{sid}/backprop", json={"index": 4}), 409,
                 "conflict", "index")  # well-formed, but this session has 4 points
    assert "0..3" in body["message"]
    error(client.post(f"/api/sessions/{sid}/backprop", json={"index": -1}), 422,
          "validation_error", "index")
    error(client.post(f"/api/sessions/{sid}/backprop", json={"points": []}), 422,
          "validation_error", "points")
    error(client.post(f"/api/sessions/{sid}/backprop",
                      json={"points": [{"x1": 0, "x2": 0, "label": 3}]}), 422,
          "invalid_dataset", "train[0].label")
    big, _, _ = new_session(config={"hidden_layers": [32] * 4})
    error(client.post(f"/api/sessions/{big}/backprop", json={"check": True}), 422,
          "invalid_config", "check")


def test_history_since(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    train(client, sid, headers, 12)
    full = client.get(f"/api/sessions/{sid}/history").json()
    assert (full["epoch"], full["first"], full["status"]) == (12, 1, "paused")
    assert all(len(full[k]) == 12 for k in ("train_loss", "test_loss", "accuracy",
                                            "test_accuracy"))
    assert full["test_loss"] == [None] * 12  # xnor has no test set
    part = client.get(f"/api/sessions/{sid}/history", params={"since": 9}).json()
    assert part["first"] == 10 and part["train_loss"] == full["train_loss"][9:]
    done = client.get(f"/api/sessions/{sid}/history", params={"since": 12}).json()
    assert done["first"] == 13 and done["train_loss"] == []
    error(client.get(f"/api/sessions/{sid}/history", params={"since": -1}), 422,
          "validation_error", "since")


# ----- access ------------------------------------------------------------------------------
CHANGES = [
    ("PATCH", "", {"learning_rate": 0.5}),
    ("DELETE", "", None),
    ("POST", "/train", {"epochs": 1}),
    ("POST", "/reset", None),
    ("PUT", "/model", {"config": {}, "weights": [], "biases": []}),
    ("PUT", "/dataset", {"train": [{"x1": 0, "x2": 0, "label": 0}]}),
]


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_a_change_without_a_token(client: TestClient, new_session: NewSession, method: str,
                                  path: str, body: Any):
    sid, _, _ = new_session()
    r = client.request(method, f"/api/sessions/{sid}{path}", json=body)
    error(r, 401, "missing_token", "Authorization")
    assert r.headers["www-authenticate"] == "Bearer"
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token"):
        r = client.request(method, f"/api/sessions/{sid}{path}", json=body,
                           headers={"Authorization": header})
        error(r, 401, "missing_token")
    assert client.get(f"/api/sessions/{sid}").json()["version"] == 1


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_a_change_with_a_wrong_token(client: TestClient, new_session: NewSession, method: str,
                                     path: str, body: Any):
    sid, token, _ = new_session()
    _, other_token, _ = new_session()
    for wrong in (other_token, token[:-1], token + "x", token.upper()):
        r = client.request(method, f"/api/sessions/{sid}{path}", json=body,
                           headers={"Authorization": f"Bearer {wrong}"})
        error(r, 403, "wrong_token", "Authorization")
    assert client.get(f"/api/sessions/{sid}").json()["version"] == 1


@pytest.mark.parametrize(("method", "path", "body"), [
    *CHANGES, ("GET", "", None), ("GET", "/model", None), ("GET", "/dataset", None),
    ("GET", "/history", None), ("GET", "/boundary", None), ("POST", "/fork", None),
    ("POST", "/predict", {"inputs": [[0, 0]]}), ("POST", "/backprop", {}),
])
def test_an_unknown_id_reveals_nothing(client: TestClient, new_session: NewSession, method: str,
                                       path: str, body: Any):
    _, token, _ = new_session()
    for headers in ({}, {"Authorization": f"Bearer {token}"}, {"Authorization": "Bearer x"}):
        r = client.request(method, f"/api/sessions/AAAAAAAAAAAAAAAA{path}", json=body,
                           headers=headers)
        if not headers and (method, path, body) in CHANGES:
            # a change without a token is 401 before the id is looked up, as for a real id
            assert (r.status_code, r.json()["code"]) == (401, "missing_token")
        else:
            assert (r.status_code, r.json()) == (404, NOT_FOUND)


def test_reading_needs_no_token(client: TestClient, new_session: NewSession):
    sid, _, _ = new_session()
    for path in ("", "/model", "/dataset", "/history", "/boundary?resolution=4"):
        assert client.get(f"/api/sessions/{sid}{path}").status_code == 200, path
    assert client.post(f"/api/sessions/{sid}/predict", json={"inputs": [[0, 0]]}).status_code \
        == 200
    assert client.post(f"/api/sessions/{sid}/backprop", json={}).status_code == 200


@pytest.mark.parametrize("value", [True, False, "5", "0.5"])
@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("post", "/train", lambda v: {"epochs": v}, "epochs"),
    ("patch", "", lambda v: {"learning_rate": v}, "learning_rate"),
    ("patch", "", lambda v: {"hidden_layers": [2, v]}, "hidden_layers[1]"),
    ("patch", "", lambda v: {"batch_size": v}, "batch_size"),
    ("patch", "", lambda v: {"dataset": {"noise": v}}, "dataset.noise"),
    ("patch", "", lambda v: {"seed": v}, "seed"),
    ("post", "/predict", lambda v: {"inputs": [[0, v]]}, "inputs[0][1]"),
    ("put", "/dataset", lambda v: {"train": [{"x1": v, "x2": 0, "label": 1}]}, "train[0].x1"),
    ("post", "/backprop", lambda v: {"index": v}, "index"),
])
def test_booleans_and_numeric_strings_are_not_numbers(
        client: TestClient, new_session: NewSession, method: str, path: str,
        body: Callable[[Any], dict[str, Any]], field: str, value: Any):
    """``"epochs": true`` once trained one epoch: every numeric field is strict."""
    sid, _, headers = new_session()
    before = client.get(f"/api/sessions/{sid}").json()
    r = client.request(method.upper(), f"/api/sessions/{sid}{path}", json=body(value),
                       headers=headers)
    error(r, 422, "validation_error", field)
    after = client.get(f"/api/sessions/{sid}").json()
    assert (after["epoch"], after["version"]) == (before["epoch"], before["version"])


def test_a_model_with_a_boolean_weight_is_refused(client: TestClient, new_session: NewSession):
    sid, _, headers = new_session()
    good = model(client, sid)
    bad = {**good, "weights": [[[True, 0.5], [0.5, 0.5]], good["weights"][1]]}
    error(client.put(f"/api/sessions/{sid}/model", json=bad, headers=headers), 422,
          "validation_error", "weights[0][0][0]")
    error(client.put(f"/api/sessions/{sid}/model", json={**good, "epoch": True},
                     headers=headers), 422, "validation_error", "epoch")
