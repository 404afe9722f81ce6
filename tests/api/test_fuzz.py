"""Property-based fuzz of the REST API from its own OpenAPI document (schemathesis): no 5xx.

schemathesis generates valid and invalid requests for every operation of ``/openapi.json``;
each is sent through one TestClient on a real app (one worker process, memory store) and must
not get a server error. Session paths get a real id and changes a real token (unless that
part of the request is the deliberately invalid one), so the fuzzer reaches the handlers and
the worker, not just 404s and 401s. Limits are lowered so no request can train for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation

from nnplayground.main import create_app

from ..conftest import make_settings

pytestmark = pytest.mark.slow

SETTINGS = make_settings(max_layers=3, max_neurons=8, max_points=300, max_epochs_per_call=300,
                         max_resolution=64, max_sessions=100_000, call_timeout_seconds=120)
APP = create_app(SETTINGS)
schema = schemathesis.openapi.from_dict(APP.openapi())


class Target:
    """The running app and one session the fuzzer may change (re-created when deleted)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.sid, self.token = self.create()

    def create(self) -> tuple[str, str]:
        r = self.client.post("/api/sessions", json={"preset": "xnor"})
        assert r.status_code == 201, r.text
        return r.json()["id"], r.json()["token"]

    def prepare(self, case: Any) -> None:
        meta = case.meta
        if "id" in (case.path_parameters or {}) and not (
            meta is not None and meta.is_negative_at(ParameterLocation.PATH)
        ):
            if self.client.get(f"/api/sessions/{self.sid}").status_code == 404:
                self.sid, self.token = self.create()
            if case.method.upper() == "DELETE":
                sid, token = self.create()  # a throwaway: keep the shared session alive
            else:
                sid, token = self.sid, self.token
            case.path_parameters = {**case.path_parameters, "id": sid}
            if not (meta is not None and meta.is_negative_at(ParameterLocation.HEADER)):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with TestClient(APP) as client:
        assert client.get("/openapi.json").json() == APP.openapi()
        yield Target(client)


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, target: Target) -> None:
    target.prepare(case)
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    cookies = kwargs.pop("cookies", None)  # per-request cookies are deprecated in httpx
    if cookies:
        kwargs["headers"] = {**(kwargs.get("headers") or {}),
                             "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if isinstance(kwargs.get("data"), bytes | str):  # raw bodies: httpx wants content=
        kwargs["content"] = kwargs.pop("data")
    response = target.client.request(**kwargs)
    import os
    if os.environ.get("FUZZ_LOG"):
        with open(os.environ["FUZZ_LOG"], "a") as f:
            f.write(f"{case.method} {case.path} {response.status_code} {response.text[:80]!r}\n")
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, response.text
