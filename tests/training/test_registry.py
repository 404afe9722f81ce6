"""LocalRegistry: this process's index of session ids, token hashes, activity and running flags
(its contract with the Redis registry is in ``tests/sessions/test_registry_contract.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from nnplayground.sessions.tokens import hash_token
from nnplayground.training.registry import LocalRegistry


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def registry(*sids: str, clock: Clock | None = None) -> LocalRegistry:
    r = LocalRegistry(clock or Clock())
    for sid in sids:
        run(r.add(sid, hash_token("token-" + sid)))
    return r


def test_add_exists_count() -> None:
    r = registry("a", "b")
    assert run(r.count()) == 2
    assert run(r.exists("a")) and run(r.exists("b")) and not run(r.exists("c"))


def test_allows_only_the_right_token() -> None:
    r = registry("a", "b")
    assert run(r.allows("a", "token-a"))
    assert not run(r.allows("a", "token-b"))
    assert not run(r.allows("a", ""))
    assert not run(r.allows("nobody", "token-a"))


def test_remove() -> None:
    r = registry("a", "b")
    run(r.remove("a"))
    run(r.remove("a"))  # twice is harmless
    run(r.remove("never"))
    assert not run(r.exists("a")) and run(r.count()) == 1
    assert not run(r.allows("a", "token-a"))
    assert run(r.allows("b", "token-b"))


def test_idle_after_the_ttl() -> None:
    clock = Clock()
    r = registry("a", "b", clock=clock)
    assert run(r.idle(60)) == []
    clock.now += 61
    assert sorted(run(r.idle(60))) == ["a", "b"]


def test_touch_refreshes_activity() -> None:
    clock = Clock(5000.0)
    r = LocalRegistry(clock)
    run(r.load([("a", "h", 1000.0), ("b", "h", 1000.0)]))
    run(r.touch("a"))
    run(r.touch("unknown"))  # ignored, not added
    assert not run(r.exists("unknown")) and run(r.count()) == 2
    assert run(r.idle(60)) == ["b"]
    clock.now += 61
    assert sorted(run(r.idle(60))) == ["a", "b"]


def test_running_sessions_are_never_idle() -> None:
    clock = Clock()
    r = LocalRegistry(clock)
    run(r.load([("a", "h", 0.0), ("b", "h", 0.0)]))
    run(r.touch("a", running=True))
    clock.now += 10**6
    assert run(r.idle(1)) == ["b"]
    run(r.touch("a", running=False))
    clock.now += 10
    assert sorted(run(r.idle(1))) == ["a", "b"]
    run(r.touch("a"))  # running=None keeps the flag as it is
    run(r.touch("a", running=True))
    run(r.touch("a"))
    clock.now += 10
    assert run(r.idle(1)) == ["b"]


def test_load_from_a_store_index() -> None:
    clock = Clock()
    r = LocalRegistry(clock)
    run(r.load([("a", hash_token("ta"), 100.0), ("b", hash_token("tb"), 200.0)]))
    assert run(r.count()) == 2
    assert run(r.allows("a", "ta")) and run(r.allows("b", "tb")) and not run(r.allows("a", "tb"))
    # last activity is the stored "updated" time
    clock.now = 160.0
    assert run(r.idle(50)) == ["a"]
    clock.now = 260.0
    assert sorted(run(r.idle(50))) == ["a", "b"]
    clock.now = 140.0
    assert run(r.idle(50)) == []


def test_add_replaces_an_entry() -> None:
    r = registry("a")
    run(r.add("a", hash_token("new")))
    assert run(r.allows("a", "new")) and not run(r.allows("a", "token-a"))
    assert run(r.count()) == 1
