"""What only the redis store does: histories appended to a stream, compaction, a stale view
detected, fencing by lease, an unreachable server (the contract it shares with the other stores
is in ``tests/sessions/test_store_contract.py``)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import pytest
from tools.launcher import free_port

from nnplayground.sessions.errors import UnavailableError
from nnplayground.sessions.session import Session
from tests.sessions.test_store_contract import session, state


@pytest.fixture
def raw(redis_url: str) -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_redis_appends_only_new_epochs_to_a_stream(redis_url: str, raw: Any) -> None:
    from nnplayground.cluster.store import RedisStore

    store = RedisStore(redis_url)
    s = session()
    s.train(100)
    store.save(s.to_state())
    s.train(50)
    store.save(s.to_state())
    entries = raw.xrange(f"nnp:hist:{s.id}")
    assert len(entries) == 2
    assert [len(e[1][b"train_loss"]) for e in entries] == [800, 400]  # float64 bytes
    tail = array("d", entries[1][1][b"train_loss"])
    assert list(tail) == list(s.history["train_loss"][100:])
    store.save(s.to_state())  # nothing new: no entry
    assert raw.xlen(f"nnp:hist:{s.id}") == 2
    head = raw.hget(f"nnp:state:{s.id}", "state")
    assert b'"history":' not in head and len(head) < 4000  # the hash holds no history
    s.reset()
    s.train(7)
    store.save(s.to_state())
    assert raw.xlen(f"nnp:hist:{s.id}") == 1  # rewritten
    fresh = RedisStore(redis_url)  # another process appends after loading
    assert fresh.load(s.id) == s.to_state()
    s.train(3)
    fresh.save(s.to_state())
    assert raw.xlen(f"nnp:hist:{s.id}") == 2
    assert store.load(s.id) == s.to_state()
    store.close()
    fresh.close()


def test_redis_stream_is_capped_by_compaction(redis_url: str, raw: Any) -> None:
    from nnplayground.cluster.store import MAX_ENTRIES, RedisStore

    store = RedisStore(redis_url)
    s = session()
    lengths = []
    for _ in range(MAX_ENTRIES + 5):
        s.train(1)
        store.save(s.to_state())
        lengths.append(raw.xlen(f"nnp:hist:{s.id}"))
    assert max(lengths) == MAX_ENTRIES
    assert lengths[-1] < MAX_ENTRIES
    assert store.load(s.id) == s.to_state()
    store.close()


def test_redis_stale_cache_falls_back_to_a_rewrite(redis_url: str) -> None:
    """Two writers without leases (no fencing): the second's stale view is detected."""
    from nnplayground.cluster.store import RedisStore

    one, two = RedisStore(redis_url), RedisStore(redis_url)
    s = session()
    s.train(10)
    one.save(s.to_state())
    assert two.load(s.id) == s.to_state()
    s.reset()
    s.train(20)
    one.save(s.to_state())  # one rewrote the history...
    t = Session.from_state(s.to_state())
    t.train(5)
    two.save(t.to_state())  # ... which two, appending to what it loaded, must notice
    assert one.load(s.id) == t.to_state()
    one.close()
    two.close()


def test_redis_fencing_by_lease(redis_url: str, raw: Any) -> None:
    from nnplayground.cluster.store import LeaseLostError, RedisStore

    store = RedisStore(redis_url, fence="replica-a")
    s = session()
    with pytest.raises(LeaseLostError):  # nobody holds the lease
        store.save(s.to_state())
    assert store.load(s.id) is None
    raw.set(f"nnp:lease:{s.id}", "replica-a", px=10_000)
    store.save(s.to_state())
    s.train(3)
    raw.set(f"nnp:lease:{s.id}", "replica-b", px=10_000)  # another replica took it over
    with pytest.raises(LeaseLostError):
        store.save(s.to_state())
    loaded = store.load(s.id)
    assert loaded is not None and loaded["model"]["epoch"] == 0  # the old owner wrote nothing
    store.close()


def test_redis_unreachable_is_unavailable() -> None:
    from nnplayground.cluster.store import RedisStore

    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    try:
        for action in (lambda: store.load("a"), lambda: store.save(state("a")), store.index,
                       lambda: store.delete("a")):
            with pytest.raises(UnavailableError, match="unreachable"):
                action()
    finally:
        store.close()
