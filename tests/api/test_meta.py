"""REST tests of the server-wide routes and the app's envelope on a real app.

``/api/datasets``, ``/api/presets``, ``/api/health``; the page's security headers; ``/docs``
served offline (every script and stylesheet same-origin); ``/openapi.json`` with examples;
errors as JSON for unknown paths and methods; the request body limit (413, also for a chunked
body without ``Content-Length``); no CORS wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nnplayground import __version__
from nnplayground.api.app import create_app
from nnplayground.datasets import DATASETS
from nnplayground.engine import FEATURES, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from nnplayground.presets import PRESETS

from ..conftest import make_settings


def test_datasets(client: TestClient):
    r = client.get("/api/datasets")
    assert r.status_code == 200
    data = {d["name"]: d for d in r.json()}
    assert set(data) == set(DATASETS)
    circle = data["circle"]
    assert (circle["problem"], circle["n_classes"], circle["default_points"]) == (
        "classification", 2, 200)
    assert len(circle["domain"]) == 4 and circle["title"] and circle["description"]
    assert data["xnor"]["fixed_points"] is True
    assert data["sin_regression"]["problem"] == "regression"


def test_presets(client: TestClient):
    r = client.get("/api/presets")
    assert r.status_code == 200
    presets = {p["name"]: p for p in r.json()}
    assert set(presets) == set(PRESETS) and {"xnor", "worked_example"} <= set(presets)
    xnor = presets["xnor"]
    assert xnor["spec"]["hidden_layers"] == [2] and xnor["spec"]["dataset"]["name"] == "xnor"
    # Every listed preset can be created.
    for name in presets:
        r = client.post("/api/sessions", json={"preset": name})
        assert r.status_code == 201, (name, r.text)


def test_limits_carry_the_engines_features_and_activations(client: TestClient):
    r = client.get("/api/limits")
    assert r.status_code == 200
    body = r.json()
    assert body["max_epochs_per_call"] == make_settings().max_epochs_per_call
    assert [f["name"] for f in body["features"]] == list(FEATURES)
    labels = {f["name"]: f["label"] for f in body["features"]}
    assert (labels["x1"], labels["x2^2"], labels["x1*x2"], labels["sin_x1"]) == (
        "x₁", "x₂²", "x₁x₂", "sin(x₁)")
    assert body["activations"] == {"hidden": list(HIDDEN_ACTIVATIONS),
                                   "output": list(OUTPUT_ACTIVATIONS)}


def test_health(client: TestClient):
    before = client.get("/api/health").json()
    assert before == {"status": "ok", "workers": 1, "workers_alive": 1,
                      "sessions": before["sessions"], "store": "memory", "version": __version__}
    client.post("/api/sessions", json={"preset": "or"})
    assert client.get("/api/health").json()["sessions"] == before["sessions"] + 1


@pytest.mark.parametrize("path", ["/", "/api/health", "/docs"])
def test_security_headers(client: TestClient, path: str):
    r = client.get(path)
    assert r.status_code == 200
    csp = dict(part.strip().split(" ", 1) for part in
               r.headers["content-security-policy"].split(";") if part.strip())
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    if path != "/docs":  # Swagger UI's page needs its inline bootstrap script
        assert csp["script-src"] == "'self'"
    assert "http" not in csp["script-src"] and "*" not in csp["script-src"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_api_answers_are_not_cached(client: TestClient):
    assert client.get("/api/presets").headers["cache-control"] == "no-store"


def test_no_cors_wildcard(client: TestClient):
    r = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert r.headers.get("access-control-allow-origin") in (None, "null")
    r = client.options("/api/sessions", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") != "*"
    assert r.headers.get("access-control-allow-credentials") != "true"


def test_docs_work_offline(client: TestClient):
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    urls = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    urls += re.findall(r"url: '([^']+)'", r.text)
    assert any(u.endswith(".js") for u in urls) and any(u.endswith(".css") for u in urls)
    assert "/openapi.json" in urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url  # same origin
        assert client.get(url).status_code == 200, url
    assert "cdn" not in r.text.lower()


def test_openapi_document_has_examples(client: TestClient):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    schemas = doc["components"]["schemas"]
    assert schemas["SessionCreate"]["examples"][0] == {"preset": "xnor"}
    assert schemas["ConfigIn"]["properties"]["hidden_layers"]["examples"] == [[4, 2]]
    assert schemas["TrainIn"]["properties"]["epochs"]["examples"] == [1000]
    assert schemas["PredictIn"]["properties"]["inputs"]["examples"]
    paths = doc["paths"]
    for path in ("/api/sessions", "/api/sessions/{id}", "/api/sessions/{id}/fork",
                 "/api/sessions/{id}/train", "/api/sessions/{id}/reset",
                 "/api/sessions/{id}/model", "/api/sessions/{id}/dataset",
                 "/api/sessions/{id}/predict", "/api/sessions/{id}/boundary",
                 "/api/sessions/{id}/backprop", "/api/sessions/{id}/history",
                 "/api/datasets", "/api/presets", "/api/health"):
        assert path in paths, path
    assert set(paths["/api/sessions/{id}"]) == {"get", "patch", "delete"}


def test_unknown_paths_and_methods_are_json_errors(client: TestClient):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.put("/api/health")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    r = client.get("/no/such/page.html")
    assert r.status_code == 404


# ----- body limit --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(max_body_bytes=2048))) as c:
        yield c


def test_a_body_over_the_limit_gets_413(small_client: TestClient):
    body = {"preset": "xnor", "config": {"hidden_layers": [1] * 1500}}
    r = small_client.post("/api/sessions", json=body)
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "field": "body",
                        "message": "request bodies are limited to 2048 bytes"}
    assert small_client.post("/api/sessions", json={"preset": "xnor"}).status_code == 201


def test_a_chunked_body_over_the_limit_gets_413(small_client: TestClient):
    def chunks() -> Iterator[bytes]:
        yield b'{"preset": "xnor", "pad": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    r = small_client.post("/api/sessions", content=chunks(),
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"

    def small() -> Iterator[bytes]:
        yield b'{"preset": '
        yield b'"xnor"}'

    r = small_client.post("/api/sessions", content=small(),
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text


def test_a_lying_content_length_gets_413(small_client: TestClient):
    r = small_client.post("/api/sessions", content=b"{}",
                          headers={"Content-Type": "application/json", "Content-Length": "1e9"})
    assert r.status_code == 413
