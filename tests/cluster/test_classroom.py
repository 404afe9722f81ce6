"""The class's dashboard and challenges across two replicas sharing a real ``redis-server``:
forks made through either replica are listed by both, with the figures their owner (whichever
replica trains them) last sent; the class's membership and rows live in Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nnplayground.api.app import create_app
from tests.api.test_classroom import bearer, fork, rows_of, train
from tests.conftest import make_settings


@pytest.fixture
def replicas(redis_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(make_settings(store=redis_url))) as a, \
            TestClient(create_app(make_settings(store=redis_url))) as b:
        yield a, b


def test_both_replicas_list_the_class_with_its_figures(
        replicas: tuple[TestClient, TestClient], redis_url: str) -> None:
    a, b = replicas
    r = a.post("/api/sessions", json={"preset": "lesson_or"})
    sid, owner = r.json()["id"], bearer(r.json()["token"])
    ada, ada_h = fork(a, sid, "Ada")
    bob, bob_h = fork(b, sid, "Bob")
    b.patch(f"/api/sessions/{ada}", json={"hidden_layers": []}, headers=ada_h)
    train(b, ada, ada_h, 400)  # (through the replica that does not own it)
    train(a, bob, bob_h, 7)
    for replica in (a, b):
        rows = rows_of(replica, sid, owner)
        assert set(rows) == {ada, bob}
        assert (rows[ada]["nickname"], rows[ada]["epoch"], rows[ada]["hidden_layers"]) == \
            ("Ada", 400, [])
        assert rows[ada]["challenge"]["met"] is True and rows[bob]["challenge"]["met"] is False
        assert rows[ada]["last"] == {k: v for k, v in
                                     replica.get(f"/api/sessions/{ada}").json()["last"].items()
                                     if k in rows[ada]["last"]}
        assert rows[bob]["epoch"] == 7
        assert replica.get(f"/api/sessions/{sid}/forks", headers=bob_h).status_code == 403
    assert b.get(f"/api/sessions/{ada}/challenge").json()["met_at"]["epoch"] == \
        a.get(f"/api/sessions/{ada}/challenge").json()["met_at"]["epoch"]
    import redis

    raw = redis.Redis.from_url(redis_url)
    try:
        assert {m.decode() for m in raw.smembers(f"nnp:members:class:{sid}")} == {ada, bob}
        assert raw.hexists("nnp:rows", ada)
        a.delete(f"/api/sessions/{bob}", headers=bob_h)
        assert set(rows_of(b, sid, owner)) == {ada}
        assert not raw.sismember(f"nnp:members:class:{sid}", bob)
    finally:
        raw.close()
