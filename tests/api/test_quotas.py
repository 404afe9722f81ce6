"""Quotas per client, a class of forks behind one address, and room by eviction at the cap.

TestClient's peer is always ``testclient``; with ``trusted_proxies="testclient"`` the
``X-Forwarded-For`` header names the client, as behind the compose set-up's nginx.
"""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from limits.aio.storage import MemoryStorage

from nnplayground.api.app import create_app
from nnplayground.api.errors import ApiError
from nnplayground.api.quotas import Quotas
from nnplayground.training.registry import LocalRegistry
from tests.api.helpers import receive
from tests.conftest import make_settings


def who(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def create(client: TestClient, address: str, **body: object) -> dict[str, object]:
    r = client.post("/api/sessions", json=body or {"preset": "xnor"}, headers=who(address))
    return {"status": r.status_code, "headers": r.headers, **r.json()}


def test_a_hostile_client_is_rate_limited_while_another_creates_and_trains():
    settings = make_settings(quotas=True, trusted_proxies="testclient", sessions_per_minute=5,
                             max_sessions_per_client=100)
    with TestClient(create_app(settings)) as client:
        answers = [create(client, "203.0.113.6") for _ in range(12)]
        assert [a["status"] for a in answers[:5]] == [201] * 5
        limited = answers[5:]
        assert {a["status"] for a in limited} == {429}
        assert {a["code"] for a in limited} == {"rate_limited"}
        assert all(1 <= int(a["headers"]["retry-after"]) <= 60 for a in limited)
        visitor = create(client, "198.51.100.7")
        assert visitor["status"] == 201
        r = client.post(f"/api/sessions/{visitor['id']}/train", json={"epochs": 50},
                        headers={"Authorization": f"Bearer {visitor['token']}",
                                 **who("198.51.100.7")})
        assert r.status_code == 200 and r.json()["epoch"] == 50
        assert client.get("/api/health").json()["sessions"] == 6


def test_a_client_holds_at_most_its_sessions():
    settings = make_settings(quotas=True, max_sessions_per_client=3)
    with TestClient(create_app(settings)) as client:
        ids = [create(client, "ignored") for _ in range(3)]
        over = create(client, "ignored")
        assert over["status"] == 429 and over["code"] == "too_many_sessions"
        assert "retry-after" in over["headers"]
        first = ids[0]
        client.delete(f"/api/sessions/{first['id']}",
                      headers={"Authorization": f"Bearer {first['token']}"})
        assert create(client, "ignored")["status"] == 201


def test_an_untrusted_forwarded_header_does_not_change_the_client():
    settings = make_settings(quotas=True, max_sessions_per_client=2)  # no trusted proxy
    with TestClient(create_app(settings)) as client:
        statuses = [create(client, f"192.0.2.{i}")["status"] for i in range(3)]
        assert statuses == [201, 201, 429]


def test_a_class_of_200_forks_from_one_address():
    settings = make_settings(quotas=True, sessions_per_minute=2, max_sessions_per_client=2,
                             max_class_sessions=200, max_streams_per_client=1)
    with TestClient(create_app(settings)) as client:
        teacher = create(client, "school")
        assert teacher["status"] == 201
        forks = [client.post(f"/api/sessions/{teacher['id']}/fork") for _ in range(200)]
        assert [r.status_code for r in forks] == [201] * 200
        assert len({r.json()["id"] for r in forks}) == 200
        # a fork of a fork joins the same class, which is full now
        again = client.post(f"/api/sessions/{forks[0].json()['id']}/fork")
        assert again.status_code == 429 and again.json()["code"] == "too_many_sessions"
        # the address's own allowance is untouched by the class
        assert create(client, "school")["status"] == 201
        # every student trains and watches their own fork, despite one stream per address
        student = forks[-1].json()
        r = client.post(f"/api/sessions/{student['id']}/train", json={"epochs": 10},
                        headers={"Authorization": f"Bearer {student['token']}"})
        assert r.status_code == 200 and r.json()["epoch"] == 10
        with client.websocket_connect(f"/api/sessions/{forks[1].json()['id']}/stream") as a, \
                client.websocket_connect(f"/api/sessions/{forks[2].json()['id']}/stream") as b:
            assert receive(a)["type"] == "hello" and receive(b)["type"] == "hello"


def test_streams_past_the_quota_get_429_in_the_stream():
    settings = make_settings(quotas=True, max_streams_per_client=1)
    with TestClient(create_app(settings)) as client:
        s = create(client, "x")
        with client.websocket_connect(f"/api/sessions/{s['id']}/stream") as first:
            assert receive(first)["type"] == "hello"
            with client.websocket_connect(f"/api/sessions/{s['id']}/stream") as second:
                msg = receive(second)
                assert msg["type"] == "error" and msg["code"] == "too_many_streams"
                assert msg["retry_after"] >= 1


def test_concurrent_trains_are_limited_per_client():
    async def run() -> None:
        quotas = Quotas(make_settings(quotas=True, max_trains_per_client=2), LocalRegistry(),
                        MemoryStorage())
        async with quotas.hold("train", "a"), quotas.hold("train", "a"):
            with pytest.raises(ApiError) as refused:
                async with quotas.hold("train", "a"):
                    pass
            assert refused.value.status == 429 and refused.value.code == "too_many_trains"
            async with quotas.hold("train", "b"):  # another client is not held up
                pass
        async with quotas.hold("train", "a"):  # released: room again
            pass

    asyncio.run(run())


def test_at_the_cap_a_new_visitor_evicts_the_oldest_idle_session():
    with TestClient(create_app(make_settings(max_sessions=3))) as client:
        oldest, watched, newest = (create(client, "x") for _ in range(3))
        client.get(f"/api/sessions/{newest['id']}")  # used since: not the least recent
        with client.websocket_connect(f"/api/sessions/{watched['id']}/stream") as ws:
            assert receive(ws)["type"] == "hello"
            visitor = create(client, "y")
            assert visitor["status"] == 201
            gone = client.get(f"/api/sessions/{oldest['id']}")
            assert gone.status_code == 404 and gone.json()["code"] == "expired"
            assert client.get(f"/api/sessions/{watched['id']}").status_code == 200
            # the page of the watched session is open: the next one evicts the newest
            assert create(client, "z")["status"] == 201
            assert client.get(f"/api/sessions/{newest['id']}").json()["code"] == "expired"
            assert client.get(f"/api/sessions/{watched['id']}").status_code == 200


def test_a_kept_session_is_not_evicted_and_503_only_when_none_can_go():
    with TestClient(create_app(make_settings(max_sessions=2, max_kept_sessions=1))) as client:
        kept, other = create(client, "x"), create(client, "x")
        auth = {"Authorization": f"Bearer {kept['token']}"}
        assert client.post(f"/api/sessions/{kept['id']}/keep", headers=auth).status_code == 200
        refused = client.post(f"/api/sessions/{other['id']}/keep",
                              headers={"Authorization": f"Bearer {other['token']}"})
        assert refused.status_code == 409 and refused.json()["code"] == "keep_limit"
        third = create(client, "y")
        assert third["status"] == 201
        assert client.get(f"/api/sessions/{other['id']}").json()["code"] == "expired"
        assert client.get(f"/api/sessions/{kept['id']}").status_code == 200
        with client.websocket_connect(f"/api/sessions/{third['id']}/stream") as ws:
            assert receive(ws)["type"] == "hello"
            full = create(client, "z")
            assert full["status"] == 503 and full["code"] == "session_limit"
        with client.websocket_connect(f"/api/sessions/{other['id']}/stream") as ws:
            msg = receive(ws)
            assert msg["type"] == "error" and msg["code"] == "expired"


def test_a_client_runs_at_most_its_sessions_at_once():
    settings = make_settings(quotas=True, max_running_per_client=1)
    with TestClient(create_app(settings)) as client:
        a, b = create(client, "x", preset="xnor", config={"stop_at": None}), create(client, "x")
        with client.websocket_connect(f"/api/sessions/{a['id']}/stream?token={a['token']}") as wa, \
                client.websocket_connect(
                    f"/api/sessions/{b['id']}/stream?token={b['token']}") as wb:
            assert receive(wa)["type"] == "hello" and receive(wb)["type"] == "hello"
            wa.send_json({"type": "start"})
            while (msg := receive(wa))["type"] != "ack":
                pass
            assert msg["status"] == "running"
            wb.send_json({"type": "start"})
            while (msg := receive(wb))["type"] not in ("ack", "error"):
                pass
            assert msg["type"] == "error" and msg["code"] == "too_many_running"
            wa.send_json({"type": "pause"})
            while (msg := receive(wa))["type"] != "ack":
                pass
            wb.send_json({"type": "start"})  # room again
            while (msg := receive(wb))["type"] not in ("ack", "error"):
                pass
            assert msg["type"] == "ack" and msg["status"] == "running"
            wb.send_json({"type": "pause"})


def test_one_address_forking_into_many_classes_is_rate_limited():
    settings = make_settings(quotas=True, trusted_proxies="testclient", max_class_sessions=3)
    with TestClient(create_app(settings)) as client:
        teachers = [create(client, "teacher") for _ in range(2)]
        forks = [client.post(f"/api/sessions/{t['id']}/fork", headers=who("forker"))
                 for t in teachers for _ in range(2)]
        assert [r.status_code for r in forks] == [201, 201, 201, 429]
        assert forks[-1].json()["code"] == "rate_limited" and "retry-after" in forks[-1].headers
        # another address still joins the second class
        r = client.post(f"/api/sessions/{teachers[1]['id']}/fork", headers=who("student"))
        assert r.status_code == 201


def test_the_window_holds_across_replicas_with_redis(redis_url: str):
    from nnplayground.api.backends import rate_storage

    async def run() -> None:
        settings = make_settings(quotas=True, store=redis_url, sessions_per_minute=2)
        a = Quotas(settings, LocalRegistry(), rate_storage(settings))  # two replicas
        b = Quotas(settings, LocalRegistry(), rate_storage(settings))
        await a.create("203.0.113.6")
        await b.create("203.0.113.6")
        with pytest.raises(ApiError) as refused:
            await a.create("203.0.113.6")
        assert refused.value.status == 429 and refused.value.code == "rate_limited"
        assert 1 <= int((refused.value.headers or {})["Retry-After"]) <= 60
        await b.create("198.51.100.7")  # another client has its own window
        await a.close()
        await b.close()

    asyncio.run(run())


def test_an_unreachable_redis_is_unavailable_not_a_500():
    from tools.launcher import free_port

    from nnplayground.api.backends import rate_storage
    from nnplayground.sessions.errors import UnavailableError

    async def run() -> None:
        settings = make_settings(quotas=True, store=f"redis://127.0.0.1:{free_port()}/0")
        quotas = Quotas(settings, LocalRegistry(), rate_storage(settings))
        with pytest.raises(UnavailableError):
            await quotas.create("203.0.113.6")
        await quotas.close()

    asyncio.run(run())
