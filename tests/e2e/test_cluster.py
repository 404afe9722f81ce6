"""Two server processes sharing sessions through a real ``redis-server``: any replica serves any
session, watchers anywhere see every epoch once, a killed owner's sessions resume elsewhere with
identical losses, and a Redis outage is a 503 that ends when Redis is back.

Every test starts its own ``redis-server`` (skipped without it locally, failing in CI) and
replicas with a 1 s lease. Waits are bounded by deadlines; nothing sleeps to synchronise.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tools.devcluster import RedisServer
from tools.launcher import Server
from websockets.sync.client import ClientConnection, connect

from nnplayground.presets import PRESETS
from nnplayground.sessions.session import Session
from tests.conftest import require

from .test_service import Epochs, create, receive

pytestmark = pytest.mark.e2e
WAIT = 60.0


class Cluster:
    """redis-server and replicas ``a`` and ``b`` in one temporary directory."""

    def __init__(self, root: Path, checkpoint_seconds: float = 10.0) -> None:
        self.root = root
        self.redis = RedisServer(root / "redis", executable=require("redis-server")).start()
        env = {"NNP_LEASE_SECONDS": "1.0", "NNP_CHECKPOINT_SECONDS": str(checkpoint_seconds)}
        self.a = Server(root / "a", store=self.redis.url(), **env).start()
        self.b = Server(root / "b", store=self.redis.url(), **env).start()

    def stop(self) -> None:
        for s in (self.a, self.b):
            if s.proc is not None and s.proc.poll() is None:
                s.stop()
        self.redis.stop()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(tmp_path)
    yield c
    c.stop()


def until(condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling interval


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the replica's training workers and helpers)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def reference(preset: str, epochs: int) -> list[float]:
    """The losses of an uninterrupted run of the same preset and seed, in this process."""
    p = PRESETS[preset]
    s = Session("ref", "hash", p.spec)
    if p.weights is not None:
        s.net.weights, s.net.biases = p.weights, p.biases
    s.train(epochs)
    return list(s.history["train_loss"])


def read_until_paused(ws: ClientConnection, epochs: Epochs) -> dict[str, Any]:
    """After a ``pause``: read until both its ``ack`` and the ``paused`` status arrived."""
    ack: dict[str, Any] | None = None
    paused = False
    while ack is None or not paused:
        msg = epochs.until(ws, lambda m: m["type"] in ("ack", "status"), timeout=WAIT)
        if msg["type"] == "ack" and msg["command"] == "pause":
            ack = msg
        elif msg["type"] == "status" and msg["status"] == "paused":
            paused = True
    return ack


def test_any_replica_serves_any_session(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    sid, token, headers = create(a.url)  # created on A, which trains it
    summary = httpx.get(f"{b.url}/api/sessions/{sid}", timeout=30)  # known on B at once
    assert summary.status_code == 200 and summary.json()["epoch"] == 0
    assert httpx.post(f"{b.url}/api/sessions/{sid}/reset", timeout=30).status_code == 401
    assert httpx.post(f"{b.url}/api/sessions/{sid}/reset", timeout=30, headers={
        "Authorization": "Bearer nope"}).status_code == 403

    watched = Epochs()
    with connect(f"{b.ws_url}/api/sessions/{sid}/stream") as watcher:  # watched through B
        assert receive(watcher, "hello")["role"] == "watcher"
        r = httpx.post(f"{a.url}/api/sessions/{sid}/train", json={"epochs": 300},
                       headers=headers, timeout=60)  # trained through A
        assert r.json()["epoch"] == 300
        watched.until(watcher, lambda m: len(watched.losses) >= 300)

        # The viewer count spans replicas: a second watcher on A makes two everywhere.
        with connect(f"{a.ws_url}/api/sessions/{sid}/stream") as other:
            receive(other, "hello")
            for srv in (a, b):
                until(lambda srv=srv: httpx.get(f"{srv.url}/api/sessions/{sid}", timeout=30)
                      .json()["watchers"] == 2, "two watchers")
            assert receive(watcher, "watchers", timeout=WAIT)["count"] >= 1

        # The owner's page is on B: start there, pause there; A trains.
        owned = Epochs()
        owned.losses = list(watched.losses)
        with connect(f"{b.ws_url}/api/sessions/{sid}/stream?since=300&token={token}") as ws:
            assert receive(ws, "hello")["role"] == "owner"
            ws.send(json.dumps({"type": "start"}))
            owned.until(ws, lambda m: len(owned.losses) >= 2000)
            t0 = time.perf_counter()
            ws.send(json.dumps({"type": "pause"}))
            ack = read_until_paused(ws, owned)
            pause_ms = (time.perf_counter() - t0) * 1000
            assert ack["status"] == "paused"
            assert ack["epoch"] == len(owned.losses)  # every epoch before the pause, once
        print(f"pause through B while A trains: ack after {pause_ms:.0f} ms")
        watched.until(watcher, lambda m: len(watched.losses) >= ack["epoch"])
        assert watched.losses == owned.losses

    history = httpx.get(f"{b.url}/api/sessions/{sid}/history", timeout=30).json()
    assert history["train_loss"] == watched.losses
    model_b = httpx.get(f"{b.url}/api/sessions/{sid}/model", timeout=30).json()  # via B
    model_a = httpx.get(f"{a.url}/api/sessions/{sid}/model", timeout=30).json()
    assert model_b == model_a and model_b["epoch"] == ack["epoch"]
    assert watched.losses == reference("xnor", ack["epoch"])

    fork = httpx.post(f"{b.url}/api/sessions/{sid}/fork", timeout=30).json()
    assert httpx.get(f"{a.url}/api/sessions/{fork['id']}", timeout=30).json()["epoch"] == \
        ack["epoch"]
    assert httpx.delete(f"{b.url}/api/sessions/{sid}", headers=headers,
                        timeout=30).status_code == 204
    assert httpx.get(f"{a.url}/api/sessions/{sid}", timeout=30).status_code == 404
    assert httpx.get(f"{b.url}/api/health", timeout=30).json()["sessions"] == 1


def stop_process_tree(pid: int) -> list[int]:
    """Freeze a replica and all its processes, then kill them together (a machine dying)."""
    kids = children(pid)
    for p in [pid, *kids]:
        os.kill(p, signal.SIGSTOP)
    for p in [pid, *kids]:
        os.kill(p, signal.SIGKILL)
    return kids


@pytest.mark.parametrize("how", ["machine", "process"])
def test_failover_when_the_owner_is_killed(tmp_path: Path, how: str) -> None:
    """``machine``: the owner and its workers die at once, so the new owner replays from the
    last checkpoint; ``process``: only the API process dies and its orphaned worker notices,
    checkpoints and exits."""
    c = Cluster(tmp_path, checkpoint_seconds=1.0)
    try:
        a, b = c.a, c.b
        assert a.proc is not None
        # the default network, with no stop_at: it must run on through the failover
        sid, token, _ = create(a.url, preset="playground", config={"stop_at": None})
        seen = Epochs()
        statuses: list[dict[str, Any]] = []

        def record(m: dict[str, Any]) -> bool:
            if m["type"] == "status":
                statuses.append(m)
            return False

        with connect(f"{b.ws_url}/api/sessions/{sid}/stream") as watcher:
            receive(watcher, "hello")
            with connect(f"{a.ws_url}/api/sessions/{sid}/stream?token={token}") as owner:
                receive(owner, "hello")
                owner.send(json.dumps({"type": "start"}))
                t0 = time.monotonic()
                seen.until(watcher, lambda m: record(m) or time.monotonic() - t0 > 2.5)
                workers = children(a.proc.pid)
                if how == "machine":
                    stop_process_tree(a.proc.pid)
                else:
                    os.kill(a.proc.pid, signal.SIGKILL)
                killed_at = len(seen.losses)
            # B's watcher carries on: the session resumes there once A's lease runs out.
            seen.until(watcher, lambda m: record(m) or len(seen.losses) >= killed_at + 1500)
            resumed = [s for s in statuses if s["status"] == "running"]
            assert len(resumed) == 2  # the start on A, the resumption on B
            if how == "machine":
                assert 0 < resumed[1]["epoch"] <= killed_at  # replayed from a checkpoint
            print(f"{how}: killed after epoch {killed_at}, resumed from {resumed[1]['epoch']}")
            # The owner reconnects (to B) with since=<its last epoch> and pauses.
            with connect(f"{b.ws_url}/api/sessions/{sid}/stream?token={token}"
                         f"&since={len(seen.losses)}") as owner:
                assert receive(owner, "hello")["role"] == "owner"
                mine = Epochs()
                mine.losses = list(seen.losses)
                owner.send(json.dumps({"type": "pause"}))
                ack = read_until_paused(owner, mine)
            seen.until(watcher, lambda m: len(seen.losses) >= ack["epoch"])
        assert mine.losses == seen.losses and len(seen.losses) == ack["epoch"]
        history = httpx.get(f"{b.url}/api/sessions/{sid}/history", timeout=30).json()
        assert history["epoch"] == ack["epoch"]
        assert history["train_loss"] == seen.losses  # no gap, no duplicate
        assert seen.losses == reference("playground", ack["epoch"])  # as if uninterrupted
        until(lambda: not any(alive(p) for p in workers), "the killed replica's workers to exit",
              timeout=10)
    finally:
        c.stop()


def test_a_redis_outage_is_a_503_and_service_resumes(tmp_path: Path) -> None:
    c = Cluster(tmp_path)
    try:
        a, b = c.a, c.b
        sid, _, headers = create(a.url)
        r = httpx.post(f"{b.url}/api/sessions/{sid}/train", json={"epochs": 50},
                       headers=headers, timeout=60)
        assert r.json()["epoch"] == 50
        before = httpx.get(f"{a.url}/api/sessions/{sid}/history", timeout=30).json()
        c.redis.save()  # what a persistent Redis keeps across its restart
        c.redis.stop()

        for srv in (a, b):
            for method, path, body in (("GET", f"/api/sessions/{sid}", None),
                                       ("POST", "/api/sessions", {"preset": "or"}),
                                       ("GET", "/api/health", None)):
                r = httpx.request(method, srv.url + path, json=body, timeout=30)
                assert r.status_code == 503, (path, r.text)
                assert r.json()["code"] == "unavailable"
            with connect(f"{srv.ws_url}/api/sessions/{sid}/stream") as ws:
                assert receive(ws, "error")["code"] == "unavailable"
        assert a.proc is not None and a.proc.poll() is None
        assert b.proc is not None and b.proc.poll() is None

        c.redis = RedisServer(c.redis.directory, port=c.redis.port,
                              executable=c.redis.executable).start()
        until(lambda: httpx.get(f"{b.url}/api/sessions/{sid}", timeout=30).status_code == 200,
              "the service to resume")
        seen = Epochs()
        seen.losses = before["train_loss"]
        with connect(f"{a.ws_url}/api/sessions/{sid}/stream?since=50") as watcher:
            assert receive(watcher, "hello")["session"]["epoch"] == 50
            r = httpx.post(f"{b.url}/api/sessions/{sid}/train", json={"epochs": 70},
                           headers=headers, timeout=60)
            assert r.status_code == 200 and r.json()["epoch"] == 120
            seen.until(watcher, lambda m: len(seen.losses) >= 120)
        history = httpx.get(f"{a.url}/api/sessions/{sid}/history", timeout=30).json()
        assert history["train_loss"] == seen.losses == reference("xnor", 120)
        assert httpx.post(f"{a.url}/api/sessions", json={"preset": "or"},
                          timeout=30).status_code == 201
    finally:
        c.stop()
