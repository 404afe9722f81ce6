"""Property-based fuzz of the REST API from its own OpenAPI document (schemathesis): no 5xx.

schemathesis generates valid and invalid requests (positive and negative modes) for every
operation of ``/openapi.json``; each is sent through one TestClient on a real app (one worker
process, memory store) and must not get a server error (``not_a_server_error``). Session
paths get a real id and changes a real token, and QR codes a URL of this server, unless that
part of the request is the one made invalid on purpose, so the fuzzer reaches the handlers
and the worker, not just 404s and 401s; ``DELETE`` gets a throwaway session. A model import
cannot be generated from its loose schema, so a Hypothesis test mutates a real exported model
instead. Limits are lowered so no generated request trains for long; examples are bounded
(about a minute in all).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation

from nnplayground.api.app import create_app

from ..conftest import make_settings

pytestmark = pytest.mark.slow

SETTINGS = make_settings(max_layers=3, max_neurons=8, max_points=300, max_epochs_per_call=300,
                         max_resolution=64, max_sessions=100_000, call_timeout_seconds=120)
APP = create_app(SETTINGS)
# The document /openapi.json serves (the fixture checks they are the same).
schema = schemathesis.openapi.from_dict(APP.openapi())
FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


class Target:
    """The running app, one session the fuzzer may change (re-created if it is deleted), and
    the statuses seen per operation."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.sid, self.token = self.create()
        self.statuses: dict[str, list[int]] = defaultdict(list)

    def create(self) -> tuple[str, str]:
        """The tutorial's XNOR, as the lesson with a challenge (so that GET /challenge has one)."""
        r = self.client.post("/api/sessions", json={"preset": "lesson_xnor"})
        assert r.status_code == 201, r.text
        return r.json()["id"], r.json()["token"]

    def prepare(self, case: Any) -> None:
        """A real id (and token) unless the path (or header) is the invalid part; a URL of
        this server for a QR code unless the query is."""
        meta = case.meta
        if case.operation.path == "/api/qr.svg" and not (
                meta is not None and meta.is_negative_at(ParameterLocation.QUERY)):
            own = f"http://testserver/watch.html#id={self.sid}"
            case.query = {**(case.query or {}), "url": own}
        if "id" not in (case.path_parameters or {}) or (
                meta is not None and meta.is_negative_at(ParameterLocation.PATH)):
            return
        if self.client.get(f"/api/sessions/{self.sid}").status_code == 404:
            self.sid, self.token = self.create()
        sid, token = self.create() if case.method.upper() == "DELETE" else (self.sid, self.token)
        case.path_parameters = {**case.path_parameters, "id": sid}
        if not (meta is not None and meta.is_negative_at(ParameterLocation.HEADER)):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    def send(self, case: Any) -> Any:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        cookies = kwargs.pop("cookies", None)  # per-request cookies are deprecated in httpx
        if cookies:
            kwargs["headers"] = {**(kwargs.get("headers") or {}),
                                 "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if isinstance(kwargs.get("data"), bytes | str):  # raw bodies: httpx wants content=
            kwargs["content"] = kwargs.pop("data")
        response = self.client.request(**kwargs)
        self.statuses[case.operation.label].append(response.status_code)
        return response


TARGET: list[Target] = []  # the module's target, for the coverage check at the end


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with TestClient(APP) as client:
        assert client.get("/openapi.json").json() == APP.openapi()
        t = Target(client)
        TARGET.append(t)
        yield t


@schema.parametrize()
@FUZZ
def test_no_server_error(case: Any, target: Target) -> None:
    target.prepare(case)
    response = target.send(case)
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, response.text


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=12)


def mutate(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the leaf or branch that ``path`` leads to replaced by ``new``."""
    if not path or not isinstance(value, list | dict) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = mutate(value[key], path[1:], new)  # type: ignore[index]
    return copy


@FUZZ
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=5), new=JSON)
def test_model_import_with_one_part_replaced(target: Target, path: list[int], new: Any) -> None:
    exported = target.client.get(f"/api/sessions/{target.sid}/model").json()
    body = mutate(exported, path, new)
    r = target.client.put(f"/api/sessions/{target.sid}/model", json=body,
                          headers={"Authorization": f"Bearer {target.token}"})
    assert r.status_code < 500, r.text
    target.statuses["PUT /api/sessions/{id}/model (mutated)"].append(r.status_code)


def test_the_fuzzer_reached_the_handlers() -> None:
    """Each operation got at least one success: the generated requests were not all refused
    at the door (404 for a made-up id, 401 without a token)."""
    if not TARGET or not TARGET[0].statuses:
        pytest.skip("the fuzz tests did not run in this session")
    statuses = TARGET[0].statuses
    assert len(statuses) >= 15
    refused = [op for op, seen in statuses.items() if not any(s < 300 for s in seen)]
    assert refused == ["PUT /api/sessions/{id}/model"] or not refused, refused
