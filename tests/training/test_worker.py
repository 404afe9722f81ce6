"""The training worker, driven in-process: commands in, replies and events out, chunk by chunk.

No process and no sleeping: each test calls ``Worker.handle`` directly (or queues commands for
``drain``/``loop``) and runs training one chunk at a time, as the worker's loop would.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.presets import PRESETS
from nnplayground.sessions.errors import UnavailableError
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.store import MemoryStore
from nnplayground.sessions.tokens import hash_token
from nnplayground.training import payloads
from nnplayground.training.owned import Owned
from nnplayground.training.worker import Worker
from tests.conftest import make_settings

SPEC = SessionSpec(dataset=DatasetSpec("circle", n_points=40))
# relu + linear at this rate: the loss overflows after ~160 epochs, the weights stay finite
DIVERGING = SessionSpec(hidden_activation="relu", output_activation="linear", learning_rate=10.0,
                        dataset=DatasetSpec("plane", n_points=40))


@dataclass
class Event:
    sid: str
    kind: str
    msg: dict[str, Any] | None  # None: made for display clients only
    first: int
    last: int
    cache: dict[str, Any]


class Harness:
    """A worker with in-memory queues and store, and helpers to talk to it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, worker: type[Worker] = Worker,
                 store: MemoryStore | None = None, **settings: Any) -> None:
        self.settings = make_settings(**settings)
        self.commands: queue.Queue[Any] = queue.Queue()
        self.events: queue.Queue[Any] = queue.Queue()
        self.store = store or MemoryStore()
        self.worker = worker(self.settings, self.commands, self.events, self.store, clock=clock)
        self.req = 0
        self.replies: dict[int, tuple[bool, Any]] = {}
        self.log: list[Event] = []
        self.notices: list[tuple[str, str, dict[str, Any]]] = []

    def pump(self) -> None:
        """Move everything the worker published into ``replies`` and ``log``."""
        while True:
            try:
                batch = self.events.get_nowait()
            except queue.Empty:
                return
            for msg in batch:
                self.record(msg)

    def record(self, msg: tuple[Any, ...]) -> None:
        """One message of a batch (``Worker.flush``)."""
        if msg[0] == "reply":
            _, req, ok, result = msg
            assert req not in self.replies, f"request {req} answered twice"
            self.replies[req] = (ok, result)
        elif msg[0] == "notice":
            self.notices.append(msg[1:])
        else:
            tag, sid, kind, text, first, last, cache = msg
            assert tag == "event"
            self.log.append(Event(sid, kind, json.loads(text) if text else None, first,
                                  last, cache))

    def send(self, op: str, sid: str, payload: dict[str, Any] | None = None) -> int:
        self.req += 1
        self.worker.handle(self.req, op, sid, payload or {})
        self.worker.flush()
        self.pump()
        return self.req

    def answer(self, req: int) -> tuple[bool, Any]:
        assert req in self.replies, f"request {req} has no answer"
        return self.replies.pop(req)

    def call(self, op: str, sid: str, payload: dict[str, Any] | None = None) -> Any:
        ok, result = self.answer(self.send(op, sid, payload))
        assert ok, result
        return result

    def fail(self, op: str, sid: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        ok, result = self.answer(self.send(op, sid, payload))
        assert not ok, result
        return dict(result)

    def create(self, sid: str = "s1", spec: SessionSpec = SPEC, **extra: Any) -> dict[str, Any]:
        return dict(self.call("create", sid, {"token_hash": hash_token("t-" + sid),
                                              "spec": spec.to_dict(), **extra}))

    def chunk(self) -> str | None:
        """One turn of the worker's loop without blocking; the session trained, if any."""
        sid = self.worker.turn()
        self.pump()
        return sid

    def run(self, limit: int = 20_000) -> int:
        """Chunks until nothing runs; how many it took."""
        for n in range(limit):
            if self.chunk() is None:
                return n
        raise AssertionError(f"still running after {limit} chunks")

    def take(self, kind: str | None = None, sid: str | None = None) -> list[Event]:
        """The events logged so far of ``kind`` (and ``sid``); they leave the log."""
        hit = [e for e in self.log if (kind is None or e.kind == kind)
               and (sid is None or e.sid == sid)]
        self.log = [e for e in self.log if e not in hit]
        return hit

    def session(self, sid: str = "s1") -> Session:
        return self.worker.owned[sid].session

    def owned(self, sid: str = "s1") -> Owned:
        return self.worker.owned[sid]

    def running(self) -> set[str]:
        return {o.id for o in self.worker.scheduler.running}


def epochs_of(events: list[Event]) -> list[int]:
    """The epoch numbers the epoch events carry, in order, checking each event's bounds."""
    out: list[int] = []
    for e in events:
        n = len(e.msg["train_loss"])
        assert e.msg["type"] == "epoch" and n > 0
        assert e.first == e.msg["first"] and e.last == e.first + n - 1
        for series in ("test_loss", "accuracy", "test_accuracy"):
            assert len(e.msg[series]) == n
        out.extend(range(e.first, e.last + 1))
    return out


def decode(grid: dict[str, Any]) -> np.ndarray:
    q = np.frombuffer(base64.b64decode(grid["data"]), dtype=np.uint8).reshape(grid["shape"])
    lo, hi = grid["min"], grid["max"]
    return lo + q.astype(np.float64) * ((hi - lo) / 255.0)


@pytest.fixture
def h() -> Harness:
    return Harness()


# ----- create and read ---------------------------------------------------------------------
def test_create_replies_with_a_summary_and_checkpoints(h: Harness) -> None:
    summary = h.create()
    assert summary["id"] == "s1" and summary["status"] == "idle" and summary["epoch"] == 0
    assert summary["layers"] == [2, 4, 2, 1] and summary["spec"] == SPEC.to_dict()
    stored = h.store.load("s1")
    assert stored is not None and stored["token_hash"] == hash_token("t-s1")
    assert h.call("summary", "s1") == summary
    assert h.log == []  # nobody watches: nothing published


def test_create_with_given_weights() -> None:
    h = Harness()
    preset = PRESETS["worked_example"]
    h.create(spec=preset.spec, weights=preset.weights, biases=preset.biases)
    net = h.session().net
    assert net.weights[0].tolist() == [[0.15, 0.20], [0.25, 0.30]]
    assert net.biases[1].ravel().tolist() == [0.60, 0.60]


def test_sessions_load_from_the_store(h: Harness) -> None:
    s = Session("old", hash_token("x"), SPEC)
    s.train(3)
    s.status = "running"
    h.store.save(s.to_state())
    summary = h.call("summary", "old")
    assert summary["epoch"] == 3 and summary["status"] == "paused"
    assert "old" in h.worker.owned


def test_read_operations(h: Harness) -> None:
    h.create()
    data = h.call("dataset", "s1")
    assert data["name"] == "circle" and data["problem"] == "classification"
    assert len(data["train"]) == 20 and len(data["test"]) == 20 and data["custom"] is False
    pred = h.call("predict", "s1", {"inputs": [[0.0, 0.0], [1.0, 1.0]]})
    assert np.asarray(pred["outputs"]).shape == (2, 1) and len(pred["classes"]) == 2
    grid = h.call("boundary", "s1", {"resolution": 5, "neurons": True})
    assert np.asarray(grid["output"]).shape == (1, 5, 5)
    assert [np.asarray(n).shape for n in grid["neurons"]] == [(4, 5, 5), (2, 5, 5), (1, 5, 5)]
    model = h.call("model", "s1")
    assert model["spec"] == SPEC.to_dict() and len(model["weights"]) == 3
    json.dumps([data, pred, grid, model], allow_nan=False)


# ----- stepping and events -----------------------------------------------------------------
def test_step_with_wait_answers_only_at_the_target_and_events_cover_every_epoch() -> None:
    h = Harness(chunk_seconds=1e-5)  # chunks of a few epochs: many of them
    h.create()
    assert h.call("watch", "s1", {"delta": 1}) == {"watchers": 1}
    req = h.send("step", "s1", {"epochs": 150, "wait": True})
    assert req not in h.replies
    [status] = h.take("status")
    assert status.msg["status"] == "running" and status.msg["epoch"] == 0
    chunks = 0
    while h.chunk() is not None:
        chunks += 1
        if h.session().epoch < 150:
            assert req not in h.replies, f"answered early, at epoch {h.session().epoch}"
    assert chunks > 5
    ok, summary = h.answer(req)
    assert ok and summary["epoch"] == 150 and summary["status"] == "paused"
    events = h.take("epoch")
    assert epochs_of(events) == list(range(1, 151))
    times = [e.msg["t"] for e in events]  # wall-clock time of each chunk's end
    assert times == sorted(times) and abs(times[-1] - time.time()) < 60
    final = h.take("status")[-1].msg
    assert final["status"] == "paused" and final["epoch"] == 150
    assert h.store.load("s1")["model"]["epoch"] == 150  # type: ignore[index]
    # the events' losses are the session's history
    assert h.call("history", "s1")["train_loss"] == list(h.session().history["train_loss"])


class FakeClock:
    """A monotonic clock that moves only when told to, from any origin."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("origin", [0.0, 30.0, 1e9])
def test_nothing_waits_for_the_clock_to_grow(origin: float) -> None:
    """A freshly booted machine's clock reads a few seconds: the first epochs and the first
    snapshot go out at once, and the rate limits then count from them, not from zero."""
    clock = FakeClock(origin)
    h = Harness(clock=clock, epoch_messages_per_second=1.0, snapshot_fps=1.0, chunk_seconds=1e-4)
    h.create()
    h.call("watch", "s1")
    h.call("start", "s1")
    assert [e.msg["epoch"] for e in h.take("snapshot")] == [0]  # with the "running" status
    h.log.clear()
    h.chunk()
    [first] = h.take("epoch")
    assert first.first == 1
    h.chunk()  # the clock has not moved: both limits hold
    assert h.take("epoch") == [] and h.take("snapshot") == []
    clock.now += 1.0
    h.chunk()
    [second] = h.take("epoch")
    assert second.first == first.last + 1 and second.last == h.session().epoch
    assert len(h.take("snapshot")) == 1


def test_epochs_of_several_chunks_travel_together_and_before_the_status() -> None:
    """At most ``epoch_messages_per_second`` epoch messages: here the first chunk's epochs at
    once, then nothing until the pause, which sends every epoch since before its status."""
    h = Harness(chunk_seconds=1e-5, epoch_messages_per_second=1e-3)
    h.create()
    h.call("watch", "s1")
    h.call("start", "s1")
    h.log.clear()
    for _ in range(6):
        h.chunk()
    first = h.take("epoch")
    assert len(first) == 1 and first[0].first == 1
    assert h.session().epoch > first[0].last  # five chunks' epochs wait
    h.call("pause", "s1")
    assert [e.kind for e in h.log][:2] == ["epoch", "status"]
    assert epochs_of(first + h.take("epoch")) == list(range(1, h.session().epoch + 1))
    # a new watcher's history starts after what the others were sent: nothing waits
    h.call("start", "s1")
    h.chunk()
    h.chunk()
    h.log.clear()
    got = h.call("watch", "s1", {"since": 0})
    sent = h.take("epoch")
    assert len(sent) == 1 and sent[0].last == got["epoch"] == h.session().epoch


def test_steps_add_up_while_running() -> None:
    h = Harness(chunk_seconds=1e-5)
    h.create()
    h.call("watch", "s1")
    h.call("step", "s1", {"epochs": 10})
    h.chunk()
    waiting = h.send("step", "s1", {"epochs": 5, "wait": True})
    h.run()
    ok, summary = h.answer(waiting)
    assert ok and summary["epoch"] == 15
    assert epochs_of(h.take("epoch")) == list(range(1, 16))
    # a new step after a pause counts from where the session is
    h.call("step", "s1", {"epochs": 3})
    h.run()
    assert h.session().epoch == 18
    assert epochs_of(h.take("epoch")) == [16, 17, 18]


def test_step_of_zero_epochs_answers_at_once(h: Harness) -> None:
    h.create()
    req = h.send("step", "s1", {"epochs": 0, "wait": True})
    h.run()
    ok, summary = h.answer(req)
    assert ok and summary["epoch"] == 0 and summary["status"] == "idle"


def test_no_epoch_events_or_snapshots_without_watchers(h: Harness) -> None:
    h.create()
    req = h.send("step", "s1", {"epochs": 40, "wait": True})
    h.run()
    assert h.answer(req)[0]
    assert h.take("epoch") == [] and h.take("snapshot") == []
    assert [e.msg["status"] for e in h.take("status")] == ["running", "paused"]


def test_unwatching_stops_the_events() -> None:
    h = Harness(chunk_seconds=1e-5)
    h.create()
    h.call("watch", "s1", {"delta": 1})
    h.call("watch", "s1", {"delta": 1})
    assert h.call("watch", "s1", {"delta": -2}) == {"watchers": 0}
    assert h.call("watch", "s1", {"delta": -1}) == {"watchers": 0}  # never negative
    h.call("step", "s1", {"epochs": 20})
    h.run()
    assert h.take("epoch") == []


def test_watch_with_since_returns_the_missed_history(h: Harness) -> None:
    h.create()
    h.call("step", "s1", {"epochs": 12})
    h.run()
    got = h.call("watch", "s1", {"delta": 1, "since": 8})
    assert got["first"] == 9 and got["epoch"] == 12
    assert got["train_loss"] == list(h.session().history["train_loss"][8:])
    assert got["summary"]["epoch"] == 12 and got["status"] == "paused"
    assert h.owned().watchers == 1


def test_start_and_pause(h: Harness) -> None:
    h.create()
    assert h.call("start", "s1")["status"] == "running"
    assert "s1" in h.running()
    for _ in range(3):
        assert h.chunk() == "s1"
    epoch = h.session().epoch
    assert epoch > 0
    summary = h.call("pause", "s1")
    assert summary["status"] == "paused" and summary["epoch"] == epoch
    assert "s1" not in h.running()
    assert h.chunk() is None and h.session().epoch == epoch
    assert h.store.load("s1")["model"]["epoch"] == epoch  # type: ignore[index]
    assert [e.msg["status"] for e in h.take("status")] == ["running", "paused"]


def test_pausing_an_untrained_session_leaves_it_idle(h: Harness) -> None:
    h.create()
    assert h.call("pause", "s1")["status"] == "idle"


def test_start_answers_a_waiting_step(h: Harness) -> None:
    h.create()
    waiting = h.send("step", "s1", {"epochs": 10**6, "wait": True})
    h.chunk()
    assert waiting not in h.replies
    assert h.call("start", "s1")["status"] == "running"
    ok, _ = h.answer(waiting)  # not left hanging until the call times out
    assert ok
    assert h.owned().target is None and "s1" in h.running()


def test_sessions_share_the_worker() -> None:
    h = Harness(chunk_seconds=1e-5)
    h.create("a")
    h.create("b")
    h.call("start", "a")
    h.call("start", "b")
    longest = 0.0
    for _ in range(200):  # each chunk goes to the one behind: they stay a chunk apart
        before = {s: h.owned(s).used for s in ("a", "b")}
        sid = h.chunk()
        assert sid is not None and before[sid] == min(before.values())
        longest = max(longest, h.owned(sid).used - before[sid])
        assert abs(h.owned("a").used - h.owned("b").used) <= longest
    assert h.session("a").epoch > 0 and h.session("b").epoch > 0


def test_history_limit_pauses_with_a_message() -> None:
    h = Harness(max_history=100)
    h.create()
    h.call("start", "s1")
    h.run()
    s = h.session()
    assert s.epoch == 100 and s.status == "paused"
    assert s.message is not None and "100" in s.message


def test_periodic_checkpoints_while_running() -> None:
    h = Harness(checkpoint_seconds=1e-9)
    h.create()
    h.call("start", "s1")
    for _ in range(3):
        h.chunk()
    stored = h.store.load("s1")
    assert stored is not None and stored["status"] == "running"
    assert stored["model"]["epoch"] == h.session().epoch > 0


class StopWhenIdle(queue.Queue[Any]):
    """A command queue that says "stop" (``None``) once the worker would block on it empty."""

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if block and self.empty():
            return None
        return super().get(block, timeout)


def test_loop_serves_commands_and_trains_until_told_to_stop(h: Harness) -> None:
    h.create()
    h.worker.commands = StopWhenIdle()
    h.worker.commands.put((101, "step", "s1", {"epochs": 7, "wait": True}))
    h.worker.commands.put((102, "summary", "s1", {}))
    h.worker.loop()  # handles both, trains the 7 epochs, then finds nothing left and stops
    h.pump()
    assert h.worker.stopping
    ok, summary = h.answer(101)
    assert ok and summary["epoch"] == 7 and summary["status"] == "paused"
    ok, summary = h.answer(102)
    assert ok and summary["epoch"] == 0 and summary["status"] == "running"


def test_a_none_command_stops_the_loop_before_later_commands(h: Harness) -> None:
    h.create()
    h.commands.put((101, "start", "s1", {}))
    h.commands.put(None)
    h.commands.put((102, "summary", "s1", {}))
    h.worker.loop()
    h.pump()
    assert h.worker.stopping and h.answer(101)[0]
    assert 102 not in h.replies and h.session().epoch == 0


def test_an_orphaned_worker_stops(h: Harness) -> None:
    h.create()
    h.call("start", "s1")
    h.worker.parent = -1  # not our parent's pid: the API process is gone
    assert os.getppid() != -1
    h.worker.loop()
    assert h.worker.orphaned and h.worker.stopping
    assert h.session().epoch == 0  # it did not train on


# ----- snapshots ---------------------------------------------------------------------------
def test_snapshot_event() -> None:
    h = Harness(snapshot_resolution=12, neuron_resolution=6)
    h.create(spec=SessionSpec(hidden_layers=(3,), dataset=DatasetSpec("blobs3", n_points=30)))
    h.call("step", "s1", {"epochs": 5})
    h.run()
    assert h.call("snapshot", "s1") == {}
    [snap] = h.take("snapshot")
    msg = snap.msg
    s = h.session()
    assert msg["type"] == "snapshot" and msg["epoch"] == 5 and msg["version"] == s.version
    assert [np.asarray(w).shape for w in msg["weights"]] == [(3, 2), (3, 3)]
    assert [np.asarray(b).shape for b in msg["biases"]] == [(3, 1), (3, 1)]
    assert msg["domain"] == list(s.data.domain)
    boundary = msg["boundary"]
    assert boundary["shape"] == [3, 12, 12]
    values = decode(boundary)
    assert boundary["min"] <= values.min() and values.max() <= boundary["max"] + 1e-12
    exact = s.grids(12, dtype=payloads.PICTURE_DTYPE)["output"]  # drawn in float32
    assert boundary["min"] == exact.min() and boundary["max"] == exact.max()
    step = (boundary["max"] - boundary["min"]) / 255
    assert np.abs(values - exact).max() <= step / 2 + 1e-6
    np.testing.assert_allclose(exact, s.grids(12)["output"], atol=1e-6)  # float64's picture
    assert [n["shape"] for n in msg["neurons"]] == [[3, 6, 6], [3, 6, 6]]
    for n in msg["neurons"]:
        v = decode(n)
        assert n["min"] <= v.min() and v.max() <= n["max"] + 1e-12


def test_watched_status_changes_come_with_a_snapshot(h: Harness) -> None:
    h.create()
    h.call("watch", "s1")
    h.call("start", "s1")
    assert [e.kind for e in h.log] == ["status", "snapshot", "diagnostics"]


def test_diagnostics_are_news_on_a_status_a_new_finding_or_once_a_second() -> None:
    """Every snapshot brings diagnostics; those display clients get (``news``) come when a
    status changes, a finding changes, or ``diagnostics_news_seconds`` have passed."""
    clock = FakeClock(5.0)
    h = Harness(clock=clock, diagnostics_news_seconds=1.0)
    dead = SessionSpec(hidden_layers=(4, 2), hidden_activation="relu", seed=0,
                       dataset=DatasetSpec("circle", n_points=40))
    h.create(spec=dead)
    h.call("watch", "s1")
    h.log.clear()

    def news() -> list[bool]:
        h.worker.flush()
        h.pump()
        return [e.msg["news"] for e in h.take("diagnostics")]

    h.worker.publish_snapshot(h.owned())
    assert news() == [True]  # the first
    h.worker.publish_snapshot(h.owned())
    clock.now += 0.5
    h.worker.publish_snapshot(h.owned())
    assert news() == [False, False]  # the same findings, within the second
    clock.now += 0.5
    h.worker.publish_snapshot(h.owned())
    assert news() == [True]  # a second since the last news
    h.call("step", "s1", {"epochs": 1})
    h.run()
    assert news()[-1] is True  # the status "paused" that ends the step
    [finding] = [f["kind"] for f in h.session().summary()["diagnostics"]["findings"]][:1]
    assert finding == "dead"
    h.worker.publish_snapshot(h.owned())
    assert news() == [False]
    h.owned().news_key = payloads.diagnostics_key(payloads.diagnostics(Session(
        "other", "", SessionSpec(dataset=DatasetSpec("circle", n_points=40)))))
    h.worker.publish_snapshot(h.owned())  # as if the last news had no dead layer
    assert news() == [True]


# ----- updates -----------------------------------------------------------------------------
def test_live_update_keeps_training(h: Harness) -> None:
    h.create()
    h.call("start", "s1")
    h.chunk()
    epoch = h.session().epoch
    weights = h.session().net.weights
    h.take()
    result = h.call("update", "s1", {"changes": {"learning_rate": 0.5}})
    assert result["reset"] is False and result["status"] == "running"
    assert result["epoch"] == epoch and result["spec"]["learning_rate"] == 0.5
    assert all(np.array_equal(a, b)
               for a, b in zip(weights, h.session().net.weights, strict=True))
    [status] = h.take("status")
    assert status.msg["reset"] is False and status.msg["status"] == "running"
    assert h.chunk() == "s1" and h.session().epoch > epoch


def test_update_that_needs_a_reset(h: Harness) -> None:
    h.create()
    req = h.send("step", "s1", {"epochs": 10**6, "wait": True})
    h.chunk()
    h.take()
    result = h.call("update", "s1", {"changes": {"hidden_layers": [3]}})
    assert result["reset"] is True and result["epoch"] == 0 and result["status"] == "idle"
    assert result["layers"] == [2, 3, 1]
    assert h.answer(req)[0]  # the waiting step was answered
    assert "s1" not in h.running() and h.chunk() is None
    [status] = h.take("status")
    assert status.msg["reset"] is True and status.msg["epoch"] == 0
    assert h.store.load("s1")["spec"]["hidden_layers"] == [3]  # type: ignore[index]


def test_reset(h: Harness) -> None:
    h.create()
    h.call("step", "s1", {"epochs": 5})
    h.run()
    h.take()
    summary = h.call("reset", "s1")
    assert summary["epoch"] == 0 and summary["status"] == "idle"
    [status] = h.take("status")
    assert status.msg["reset"] is True


def test_set_points(h: Harness) -> None:
    h.create(spec=SessionSpec(dataset=DatasetSpec("xnor")))
    points = {"train": [{"x1": 0.0, "x2": 0.0, "label": 1}, {"x1": 1.0, "x2": 0.0, "label": 0}],
              "test": []}
    data = h.call("set_points", "s1", {"points": points})
    assert data["custom"] is True and data["train"] == points["train"]
    bad = h.fail("set_points", "s1", {"points": {"train": [{"x1": 0.0, "x2": 0.0}]}})
    assert (bad["kind"], bad["subject"]) == ("invalid", "dataset")
    assert bad["field"] == "train[0].label"
    assert h.call("dataset", "s1")["train"] == points["train"]


def test_fork_and_create_from_state(h: Harness) -> None:
    h.create()
    h.call("step", "s1", {"epochs": 4})
    h.run()
    state = h.call("fork_state", "s1", {"id": "s2", "token_hash": "h2"})
    assert state["id"] == "s2" and state["parent"] == "s1"
    summary = h.call("create_from_state", "s2", {"state": state})
    assert summary["epoch"] == 4 and summary["parent"] == "s1"
    assert h.store.load("s2") is not None


def test_load_model(h: Harness) -> None:
    h.create()
    h.call("step", "s1", {"epochs": 4})
    h.run()
    model = h.call("model", "s1")
    h.create("s2")
    summary = h.call("load_model", "s2", {"model": model})
    assert all(np.array_equal(a, b) for a, b in zip(
        h.session("s2").net.weights, h.session().net.weights, strict=True))
    assert summary["status"] == "idle"


# ----- errors ------------------------------------------------------------------------------
def test_an_unknown_session_is_not_found(h: Harness) -> None:
    for op in ("summary", "start", "step", "delete", "backprop"):
        info = h.fail(op, "nobody")
        assert info == {"kind": "not_found", "message": "no session with this id", "field": None}


def test_an_invalid_config_or_dataset_is_invalid_naming_the_field(h: Harness) -> None:
    spec = {**SPEC.to_dict(), "learning_rate": -1.0}
    info = h.fail("create", "s1", {"token_hash": "h", "spec": spec})
    assert (info["kind"], info["subject"]) == ("invalid", "config")
    assert info["field"] == "learning_rate" and info["message"]
    assert "s1" not in h.worker.owned and h.store.load("s1") is None
    h.create()
    info = h.fail("update", "s1", {"changes": {"dataset": {"noise": 2.0}}})
    assert (info["kind"], info["subject"]) == ("invalid", "dataset")
    assert info["field"] == "dataset.noise"
    info = h.fail("predict", "s1", {"inputs": [[1.0]]})
    assert info["kind"] == "invalid" and info["field"] == "inputs"


def test_an_unreachable_store_is_unavailable() -> None:
    class Down(MemoryStore):
        def load(self, id: str) -> dict[str, Any] | None:
            raise UnavailableError("the store is down")

    h = Harness()
    h.worker.store = Down()
    info = h.fail("summary", "s1")
    assert info == {"kind": "unavailable", "message": "the store is down", "field": None}


def test_an_unknown_operation_is_refused(h: Harness) -> None:
    h.create()
    info = h.fail("explode", "s1")
    assert info["kind"] == "refused" and "explode" in info["message"]


def test_a_bug_is_internal_and_the_worker_goes_on(h: Harness) -> None:
    info = h.fail("create", "s1", {"spec": SPEC.to_dict()})  # no token_hash: a KeyError
    assert info["kind"] == "internal" and "KeyError" in info["message"]
    assert h.create()["id"] == "s1"


def test_diverged_session_refuses_to_train_until_changed(h: Harness) -> None:
    h.create(spec=DIVERGING)
    waiting = h.send("step", "s1", {"epochs": 5000, "wait": True})
    h.run()
    ok, summary = h.answer(waiting)
    assert ok and summary["status"] == "diverged" and 0 < summary["epoch"] < 5000
    assert "diverged" in summary["message"]
    assert h.take("status")[-1].msg["status"] == "diverged"
    assert h.store.load("s1")["status"] == "diverged"  # type: ignore[index]
    for op, payload in (("start", {}), ("step", {"epochs": 1})):
        info = h.fail(op, "s1", payload)
        assert info["kind"] == "refused" and "diverged" in info["message"]
    # pausing does not clear the divergence
    assert h.call("pause", "s1")["status"] == "diverged"
    assert h.fail("start", "s1")["kind"] == "refused"
    # a lower learning rate does
    assert h.call("update", "s1", {"changes": {"learning_rate": 1e-3}})["status"] == "paused"
    assert h.call("start", "s1")["status"] == "running"
    h.call("pause", "s1")


def test_watchers_hear_where_a_run_diverged_after_its_status(h: Harness) -> None:
    h.create(spec=DIVERGING)
    h.call("watch", "s1")
    waiting = h.send("step", "s1", {"epochs": 5000, "wait": True})
    h.run()
    ok, summary = h.answer(waiting)
    assert ok and summary["status"] == "diverged"
    kinds = [e.kind for e in h.log if e.kind != "epoch"]
    last_status = len(kinds) - 1 - kinds[::-1].index("status")
    assert kinds[last_status:] in (["status", "diagnostics"],  # weights blown up: no snapshot
                                   ["status", "snapshot", "diagnostics"])
    told = h.take("diagnostics")[-1].msg
    assert told["divergence"] == summary["diagnostics"]["divergence"]
    assert told["divergence"]["epoch"] == summary["epoch"] + 1
    assert told["findings"][0]["kind"] == "diverged"


BLOWING_UP = SessionSpec(hidden_activation="linear", output_activation="linear",
                         learning_rate=1000.0, dataset=DatasetSpec("plane", n_points=40))


def strict_json(text: str) -> Any:
    """``JSON.parse``'s rules: NaN and Infinity are not JSON."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_a_watcher_of_a_blown_up_session_gets_its_last_finite_epoch_marked(h: Harness) -> None:
    h.create(spec=BLOWING_UP)
    waiting = h.send("step", "s1", {"epochs": 50, "wait": True})
    h.run()
    ok, summary = h.answer(waiting)
    s = h.session()
    assert ok and summary["status"] == "diverged" and not s.net.is_finite()
    at = summary["diagnostics"]["divergence"]["epoch"]
    h.take()
    h.call("watch", "s1")
    h.call("snapshot", "s1")  # what a new watcher is sent
    (snap,) = h.take("snapshot")
    assert snap.msg["finite"] is True and snap.msg["diverged_at"] == at
    assert snap.msg["epoch"] == summary["epoch"] - 1  # the latest epoch with finite numbers
    past = s.at(summary["epoch"] - 1).net
    assert snap.msg["weights"] == [w.tolist() for w in past.W]
    assert snap.msg["boundary"] is not None and len(snap.msg["neurons"]) == len(past.W)
    # asked for the blown-up epoch itself: valid JSON saying it is not finite, nothing to draw
    at_now = h.call("snapshot_at", "s1", {"epoch": summary["epoch"]})
    text = json.dumps(at_now)  # (the worker's reply; the API writes it with jsonsafe)
    body = strict_json(text)
    assert body["epoch"] == summary["epoch"] and body["finite"] is False
    assert body["diverged_at"] == at and body["boundary"] is None and body["neurons"] == []
    assert None in [x for w in body["weights"] for row in w for x in row]
    before = h.call("snapshot_at", "s1", {"epoch": 1})
    assert before["finite"] is True and before["diverged_at"] == at
    # the stand-in is rebuilt once per version, not per watcher
    h.call("snapshot", "s1")
    assert h.owned().stand_in is not None and h.owned().stand_in[0] == s.version
    assert h.take("snapshot")[0].msg == snap.msg
    h.call("reset", "s1")
    h.take()
    h.call("snapshot", "s1")
    fresh = h.take("snapshot")[0].msg
    assert (fresh["epoch"], fresh["finite"], fresh["diverged_at"]) == (0, True, None)


def test_reads_of_a_blown_up_session_are_json_and_say_they_are_not_finite(h: Harness) -> None:
    h.create(spec=BLOWING_UP)
    waiting = h.send("step", "s1", {"epochs": 50, "wait": True})
    h.run()
    assert h.answer(waiting)[1]["status"] == "diverged"
    grid = h.call("boundary", "s1", {"resolution": 4, "neurons": True})
    bp = h.call("backprop", "s1", {})
    for body in (grid, bp):
        assert body["finite"] is False
        strict_json(json.dumps(body))
    for op, payload in (("predict", {"inputs": [[0.5, 0.5]]}), ("model", {})):
        info = h.fail(op, "s1", payload)
        assert info["kind"] == "refused", op
        assert "not finite" in info["message"] and "diverged at epoch" in info["message"], op
    assert h.fail("backprop", "s1", {"check": True})["field"] == "check"
    h.call("reset", "s1")
    assert h.call("boundary", "s1", {"resolution": 4})["finite"] is True
    assert h.call("backprop", "s1", {})["finite"] is True
    assert h.call("model", "s1")["weights"]


# ----- backprop ----------------------------------------------------------------------------
def test_backprop_payload(h: Harness) -> None:
    h.create(spec=PRESETS["xnor"].spec)
    out = h.call("backprop", "s1", {"check": True})
    assert out["m"] == 4 and out["epoch"] == 0 and out["loss_name"] == "mse"
    assert np.asarray(out["x"]).shape == (2, 4) and np.asarray(out["y"]).shape == (1, 4)
    lr = out["learning_rate"]
    assert lr == 1.0
    assert [layer["l"] for layer in out["layers"]] == [1, 2]
    for layer, (n, n_prev) in zip(out["layers"], [(2, 2), (1, 2)], strict=True):
        W = np.asarray(layer["W"])
        assert W.shape == (n, n_prev)
        for key in ("z", "a", "delta"):
            assert np.asarray(layer[key]).shape == (n, 4), key
        assert np.asarray(layer["dW"]).shape == (n, n_prev)
        assert np.asarray(layer["db"]).shape == (n, 1)
        assert np.allclose(layer["W_next"], W - lr * np.asarray(layer["dW"]))
        assert np.allclose(layer["b_next"], np.asarray(layer["b"]) - lr * np.asarray(layer["db"]))
        assert layer["activation"] == "sigmoid"
    check = out["gradient_check"]
    assert check["relative_error"] < 1e-6
    assert len(check["layer_errors"]) == 2 and max(check["layer_errors"]) < 1e-6
    assert np.allclose(check["dW"][0], out["layers"][0]["dW"], atol=1e-8)
    json.dumps(out, allow_nan=False)
    # the next epoch takes exactly the step shown
    h.call("step", "s1", {"epochs": 1})
    h.run()
    assert np.allclose(h.session().net.weights[0], out["layers"][0]["W_next"])


def test_backprop_of_one_point_or_given_points(h: Harness) -> None:
    h.create(spec=PRESETS["xnor"].spec)
    one = h.call("backprop", "s1", {"index": 2})
    assert one["m"] == 1 and np.asarray(one["layers"][0]["z"]).shape == (2, 1)
    assert "gradient_check" not in one
    info = h.fail("backprop", "s1", {"index": 4})  # past the points: a conflict (409)
    assert info["kind"] == "refused" and info["field"] == "index"
    pts = h.call("backprop", "s1", {"points": [{"x1": 0.5, "x2": 0.5, "label": 1},
                                               {"x1": 0.1, "x2": 0.9, "label": 0}]})
    assert pts["m"] == 2 and pts["x"] == [[0.5, 0.1], [0.5, 0.9]] and pts["y"] == [[1.0, 0.0]]


def test_gradient_check_is_limited() -> None:
    h = Harness(max_gradcheck_parameters=5)
    h.create(spec=PRESETS["xnor"].spec)
    info = h.fail("backprop", "s1", {"check": True})
    assert info["kind"] == "invalid" and info["field"] == "check"


# ----- delete and shutdown -----------------------------------------------------------------
def test_delete(h: Harness) -> None:
    h.create()
    waiting = h.send("step", "s1", {"epochs": 10**6, "wait": True})
    h.chunk()
    assert h.call("delete", "s1") == {"deleted": "s1"}
    assert h.answer(waiting)[0]
    assert h.store.load("s1") is None and "s1" not in h.worker.owned
    assert "s1" not in h.running() and h.chunk() is None
    assert h.take("status")[-1].msg["status"] == "deleted"
    assert h.fail("summary", "s1")["kind"] == "not_found"


def test_checkpoint_all_saves_running_sessions(h: Harness) -> None:
    h.create("a")
    h.create("b")
    h.call("start", "a")
    h.call("start", "b")
    for _ in range(4):
        h.chunk()
    assert h.store.load("a")["model"]["epoch"] == 0  # type: ignore[index]
    h.worker.checkpoint_all()
    for sid in ("a", "b"):
        state = h.store.load(sid)
        assert state is not None and state["status"] == "running"
        assert state["model"]["epoch"] == h.session(sid).epoch > 0
    # a new worker on the same store picks them up, paused
    other = Worker(h.settings, queue.Queue(), queue.Queue(), h.store)
    assert other.get("a").session.status == "paused"
    assert other.get("a").session.epoch == h.session("a").epoch


# ----- pace and stop_at (Play) ---------------------------------------------------------------
def paced_harness(pace: float, **spec: Any) -> tuple[Harness, FakeClock]:
    clock = FakeClock(0.0)
    h = Harness(clock=clock)
    h.create(spec=SessionSpec(dataset=DatasetSpec("circle", n_points=40), pace=pace, **spec))
    return h, clock


def run_for(h: Harness, clock: FakeClock, seconds: float, tick: float = 0.005) -> list[int]:
    """Turns of the loop every ``tick`` seconds of the fake clock; epochs trained per tick."""
    per_tick = []
    for _ in range(round(seconds / tick)):
        clock.now += tick
        before = h.session().epoch
        while h.chunk() is not None:
            pass
        per_tick.append(h.session().epoch - before)
    return per_tick


def test_a_paced_session_trains_pace_epochs_a_second_spread_evenly() -> None:
    h, clock = paced_harness(50)
    h.call("start", "s1")
    per_tick = run_for(h, clock, 2.0)
    assert 99 <= h.session().epoch <= 101
    windows = [sum(per_tick[i : i + 40]) for i in range(0, len(per_tick), 40)]  # 0.2 s each
    assert max(windows) <= 15 and min(windows) >= 5  # five a chunk, not one burst a second
    assert h.session().status == "running"


def test_a_fast_pace_trains_a_few_epochs_a_chunk_at_most_epoch_message_rate() -> None:
    h, clock = paced_harness(200)  # 10 epoch messages a second (the default): 20 a chunk
    h.call("start", "s1")
    per_tick = run_for(h, clock, 2.0)
    assert 395 <= h.session().epoch <= 405
    chunks = [n for n in per_tick if n]
    assert min(chunks) >= 20 and len(chunks) <= 2 * 10 + 1


def test_a_paced_session_keeps_its_pace_and_draws_every_chunk_when_the_loop_wakes_late() -> None:
    h, clock = paced_harness(50)  # five epochs a chunk, ten chunks a second
    h.call("watch", "s1", {"detail": "display"})
    h.call("start", "s1")
    h.log.clear()
    per_tick = run_for(h, clock, 4.0, tick=0.0071)  # each chunk up to 7 ms late
    assert 198 <= h.session().epoch <= 202
    chunks = [n for n in per_tick if n]
    assert 39 <= len(chunks) <= 41
    frames = h.take("snapshot")
    assert len(frames) == len(chunks) and all(f.msg is None and f.cache["frame"] for f in frames)


def test_display_clients_only_get_frames_and_the_diagnostics_that_are_news() -> None:
    """Watched by a page only, a session is not serialised as JSON and its diagnostics are
    computed once every ``diagnostics_news_seconds`` (and with a status); a full watcher
    brings back both, with every snapshot."""
    h, clock = paced_harness(50)
    h.call("watch", "s1", {"detail": "display"})
    h.call("start", "s1")
    run_for(h, clock, 3.0)
    frames = h.take("snapshot")
    diagnostics = h.take("diagnostics")
    assert len(frames) >= 29 and all(f.msg is None and f.cache["frame"] for f in frames)
    assert all(e.cache["epochs"] for e in h.take("epoch"))
    assert 3 <= len(diagnostics) <= 5 and all(d.msg and d.msg["news"] for d in diagnostics)
    h.call("watch", "s1", {"detail": "full"})
    run_for(h, clock, 1.0)
    frames = h.take("snapshot")
    assert len(frames) >= 9 and all(f.msg and f.cache["frame"] for f in frames)
    assert len(h.take("diagnostics")) == len(frames)
    h.call("watch", "s1", {"delta": -1, "detail": "display"})
    run_for(h, clock, 1.0)
    frames = h.take("snapshot")
    assert frames and all(f.msg and not f.cache for f in frames)


def test_the_loop_waits_for_the_next_paced_epoch_instead_of_spinning() -> None:
    h, clock = paced_harness(10)
    h.call("start", "s1")
    assert h.chunk() == "s1" and h.session().epoch == 1  # the first epoch at once
    assert h.chunk() is None  # nothing due: no chunk
    assert h.worker.idle_seconds() == pytest.approx(0.1)
    clock.now += 0.04
    assert h.worker.idle_seconds() == pytest.approx(0.06)
    clock.now += 0.06
    assert h.worker.idle_seconds() == 0 and h.chunk() == "s1"


def test_changing_the_pace_while_running_takes_effect_without_a_reset() -> None:
    h, clock = paced_harness(10)
    h.call("start", "s1")
    run_for(h, clock, 1.0)
    slow = h.session().epoch
    assert 9 <= slow <= 11
    result = h.call("update", "s1", {"changes": {"pace": 100}})
    assert result["reset"] is False and result["status"] == "running"
    run_for(h, clock, 2.0)  # ten epochs a chunk: one chunk is 5%
    assert 190 <= h.session().epoch - slow <= 210
    h.call("update", "s1", {"changes": {"pace": None}})  # full speed: every turn trains
    before = h.session().epoch
    assert h.chunk() == "s1" and h.chunk() == "s1" and h.session().epoch > before + 2


def test_a_slow_pace_draws_every_epoch() -> None:
    h, clock = paced_harness(5)
    h.call("watch", "s1")
    h.call("start", "s1")
    h.log.clear()
    run_for(h, clock, 1.0)
    epochs = h.session().epoch
    assert [e.msg["epoch"] for e in h.take("snapshot")] == list(range(1, epochs + 1))


def test_stop_at_an_epoch_pauses_exactly_there_and_play_goes_on() -> None:
    h = Harness()
    h.create(spec=SessionSpec(dataset=DatasetSpec("circle", n_points=40),
                              stop_at={"epoch": 1234}))
    h.call("watch", "s1")
    h.call("start", "s1")
    h.run()
    s = h.session()
    assert (s.epoch, s.status) == (1234, "paused")
    status = h.take("status")[-1].msg
    assert status["status"] == "paused"
    assert status["message"].startswith("stopped at epoch 1,234 (stop_at: epoch 1,234): train loss")
    h.call("start", "s1")  # Play after the stop goes on
    for _ in range(3):
        h.chunk()
    assert h.session().epoch > 1234 and h.session().status == "running"


def test_stop_at_an_accuracy_pauses_and_names_the_epoch_it_was_reached() -> None:
    h = Harness()
    spec = SessionSpec(hidden_activation="tanh", learning_rate=0.3,
                       dataset=DatasetSpec("circle", n_points=100), stop_at={"accuracy": 0.9})
    h.create(spec=spec)
    h.call("start", "s1")
    h.run()
    s = h.session()
    accuracy = list(s.history["accuracy"])
    reached = next(i + 1 for i, a in enumerate(accuracy) if a >= 0.9)
    assert s.status == "paused" and f"accuracy >= 0.9, reached at epoch {reached:,})" in s.message
    assert all(a < 0.9 for a in accuracy[: reached - 1])


def test_step_and_train_ignore_pace_and_stop_at() -> None:
    h, _ = paced_harness(1, stop_at={"epoch": 5})
    req = h.send("step", "s1", {"epochs": 300, "wait": True})
    h.run()
    ok, summary = h.answer(req)
    assert ok and summary["epoch"] == 300  # no clock moved, no stop at 5


def test_the_frame_rate_holds_when_chunks_do_not_fall_on_frame_times() -> None:
    """Frames are due every ``1/snapshot_fps`` from the last due time, not from when a chunk
    happened to end: with a chunk every 30 ms, 10 frames a second are still 10, not 8."""
    clock = FakeClock(0.0)
    h = Harness(clock=clock, snapshot_fps=10.0, epoch_messages_per_second=40.0)
    h.create(spec=SessionSpec(dataset=DatasetSpec("circle", n_points=40), pace=1000))
    h.call("watch", "s1")
    h.call("start", "s1")
    h.log.clear()
    run_for(h, clock, 3.0, tick=0.03)
    assert 29 <= len(h.take("snapshot")) <= 31
