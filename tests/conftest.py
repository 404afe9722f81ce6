"""Shared fixtures: an app on the real worker pool (memory store) driven by TestClient, and a
real ``redis-server``.

``client`` is module-scoped (starting a worker process takes about a second); ``new_session``
creates a session and returns ``(id, token, headers)``; ``redis_url`` is an emptied database
of one ``redis-server`` on a free port for the whole run. Tools a test needs but the machine
lacks make it skip locally and fail in CI (``CI=true``): see ``require``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tools.devcluster import RedisServer

from nnplayground.api.app import create_app
from nnplayground.config import Settings


def require(tool: str) -> str:
    """The path of ``tool``; skip without it locally, fail without it in CI."""
    path = shutil.which(tool) or (tool if os.path.exists(tool) else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI but missing")
        pytest.skip(f"{tool} is not installed")
    return path


def make_settings(**overrides: Any) -> Settings:
    return Settings(store="memory", workers=1, _env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings())) as c:
        yield c


Session = tuple[str, str, dict[str, str]]


@pytest.fixture
def new_session(client: TestClient) -> Callable[..., Session]:
    def make(**body: Any) -> Session:
        r = client.post("/api/sessions", json=body or {"preset": "xnor"})
        assert r.status_code == 201, r.text
        data = r.json()
        return data["id"], data["token"], {"Authorization": f"Bearer {data['token']}"}

    return make


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"),
                         executable=require("redis-server")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """A Redis database emptied for the test."""
    assert redis_server.command("FLUSHALL") == "+OK"
    return redis_server.url()
