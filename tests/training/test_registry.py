"""Registry: the API's index of session ids, token hashes, activity and running flags."""

from __future__ import annotations

import time

from nnplayground.sessions.session import hash_token
from nnplayground.training.registry import Registry


def registry(*sids: str) -> Registry:
    r = Registry()
    for sid in sids:
        r.add(sid, hash_token("token-" + sid))
    return r


def test_add_contains_len() -> None:
    r = registry("a", "b")
    assert len(r) == 2
    assert "a" in r and "b" in r and "c" not in r


def test_allows_only_the_right_token() -> None:
    r = registry("a", "b")
    assert r.allows("a", "token-a")
    assert not r.allows("a", "token-b")
    assert not r.allows("a", "")
    assert not r.allows("nobody", "token-a")


def test_remove() -> None:
    r = registry("a", "b")
    r.remove("a")
    r.remove("a")  # twice is harmless
    r.remove("never")
    assert "a" not in r and len(r) == 1
    assert not r.allows("a", "token-a")
    assert r.allows("b", "token-b")


def test_idle_after_the_ttl() -> None:
    r = registry("a", "b")
    now = time.time()
    assert r.idle(60, now=now) == []
    assert sorted(r.idle(60, now=now + 61)) == ["a", "b"]


def test_touch_refreshes_activity() -> None:
    r = Registry()
    r.load([("a", "h", 1000.0), ("b", "h", 1000.0)])
    r.touch("a")
    r.touch("unknown")  # ignored, not added
    assert "unknown" not in r and len(r) == 2
    now = time.time()
    assert r.idle(60, now=now) == ["b"]
    assert sorted(r.idle(60, now=now + 61)) == ["a", "b"]


def test_running_sessions_are_never_idle() -> None:
    r = Registry()
    r.load([("a", "h", 0.0), ("b", "h", 0.0)])
    r.touch("a", running=True)
    far = time.time() + 10**6
    assert r.idle(1, now=far) == ["b"]
    r.touch("a", running=False)
    assert sorted(r.idle(1, now=far)) == ["a", "b"]
    r.touch("a")  # running=None keeps the flag as it is
    r.touch("a", running=True)
    r.touch("a")
    assert r.idle(1, now=far) == ["b"]


def test_load_from_a_store_index() -> None:
    r = Registry()
    r.load([("a", hash_token("ta"), 100.0), ("b", hash_token("tb"), 200.0)])
    assert len(r) == 2
    assert r.allows("a", "ta") and r.allows("b", "tb") and not r.allows("a", "tb")
    # last activity is the stored "updated" time
    assert r.idle(50, now=160.0) == ["a"]
    assert sorted(r.idle(50, now=260.0)) == ["a", "b"]
    assert r.idle(50, now=140.0) == []


def test_add_replaces_an_entry() -> None:
    r = registry("a")
    r.add("a", hash_token("new"))
    assert r.allows("a", "new") and not r.allows("a", "token-a")
    assert len(r) == 1
