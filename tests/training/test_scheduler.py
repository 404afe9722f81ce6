"""The scheduler: the least trained running session goes next, chunks sized from measured
epoch times, shorter for watched sessions, and the drawing budget shared by watchers."""

from __future__ import annotations

from typing import Any

import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.training.owned import Owned
from nnplayground.training.pace import Pacer, Play
from nnplayground.training.scheduler import (
    MAX_CHUNK_EPOCHS,
    MIN_CHUNK_SECONDS,
    PACED_SNAPSHOT_SHARE,
    Scheduler,
)
from tests.conftest import make_settings

SESSION = Session("s", "hash", SessionSpec(dataset=DatasetSpec("circle", n_points=10)))


def running(scheduler: Scheduler, *watchers: int) -> list[Owned]:
    """Sessions started in this order, with these watcher counts."""
    out = []
    for n in watchers:
        o = Owned(SESSION, watchers=n)
        scheduler.start(o)
        out.append(o)
    return out


def scheduler(**settings: Any) -> Scheduler:
    return Scheduler(make_settings(**settings))


def test_the_session_that_trained_least_goes_next() -> None:
    s = scheduler()
    a, b, c = running(s, 0, 0, 0)
    a.used, b.used, c.used = 0.5, 0.2, 0.9
    assert s.next() is b
    s.stop(b)
    assert s.next() is a and b not in s
    s.start(b)  # back level with the least trained, not owed what it missed
    assert b.used == 0.5
    s.trained(s.next(), 10, 0.01)
    assert a.used > 0.5 or b.used > 0.5
    s.start(a)  # starting twice changes nothing
    assert s.running == [a, c, b]


def test_chunks_follow_the_measured_epoch_time() -> None:
    s = scheduler(chunk_seconds=0.02)
    (o,) = running(s, 0)
    assert s.chunk_epochs(o) == 200  # a guess of 0.1 ms an epoch until measured
    s.trained(o, 100, 0.05)
    assert o.epoch_seconds == pytest.approx(5e-4) and s.chunk_epochs(o) == 40
    s.trained(o, 10, 0.001)  # faster now: a moving average follows
    assert o.epoch_seconds == pytest.approx(0.7 * 5e-4 + 0.3 * 1e-4)
    assert o.used == pytest.approx(0.051)
    s.trained(o, 10**6, 1e-3)
    assert s.chunk_epochs(o) <= MAX_CHUNK_EPOCHS
    o.epoch_seconds = 1.0  # a slow epoch: at least one per chunk
    assert s.chunk_epochs(o) == 1


def test_snapshots_slow_down_when_drawing_would_crowd_out_training() -> None:
    s = scheduler(snapshot_fps=10, snapshot_share=0.2)
    a, b, _ = running(s, 0, 0, 0)
    s.snapshot_cost = 0.05
    assert s.snapshot_interval(a) == pytest.approx(0.1)  # nobody watches
    a.watchers = b.watchers = 1
    # two watched running sessions at 50 ms a snapshot: 0.5 s apart keeps drawing at 20%
    assert s.snapshot_interval(a) == pytest.approx(2 * 0.05 / 0.2)
    assert s.snapshot_interval(b) == pytest.approx(2 * 0.05 / 0.2)
    s.snapshot_cost = 0.001
    assert s.snapshot_interval(a) == pytest.approx(0.1)  # never above snapshot_fps
    s.drew(0.011)  # measured: a moving average
    assert s.snapshot_cost == pytest.approx(0.8 * 0.001 + 0.2 * 0.011)


def test_the_most_watched_session_keeps_the_full_frame_rate() -> None:
    """A teacher's session with 200 watchers among 12 students' sessions with one each."""
    s = scheduler(snapshot_fps=10, snapshot_share=0.2)
    teacher, *students = running(s, 200, *[1] * 12)
    s.snapshot_cost = 0.005  # 40 snapshots a second fit in 20% of the time
    assert s.snapshot_interval(teacher) == pytest.approx(0.1)
    # the other 30 a second are shared by the students: 2.5 each
    assert all(s.snapshot_interval(o) == pytest.approx(1 / 2.5) for o in students)
    rates = [1 / s.snapshot_interval(o) for o in (teacher, *students)]
    assert sum(rates) * s.snapshot_cost == pytest.approx(0.2)  # the whole budget
    s.stop(teacher)  # paused sessions are not drawn: the students share it all
    assert s.snapshot_interval(students[0]) == pytest.approx(12 * 0.005 / 0.2)


def test_a_watched_session_trains_in_shorter_chunks_to_keep_its_frame_rate() -> None:
    """A teacher's session with 200 watchers among 25 students' sessions with one each:
    the teacher trains (and is drawn) ten times a second in short chunks; the students keep
    full-length chunks; every session gets the same time."""
    s = scheduler(chunk_seconds=0.02, snapshot_fps=10, snapshot_share=0.2)
    teacher, first, *_, unwatched = running(s, 200, *[1] * 25, 0)
    s.snapshot_cost = 0.005
    assert s.chunk_budget(teacher) == pytest.approx(1 / 27 / 10)
    assert s.chunk_budget(first) == 0.02  # 1.2 frames/s: a whole chunk is often enough
    assert s.chunk_budget(unwatched) == 0.02
    s.snapshot_cost = 1e-5  # cheap drawing: everyone at 10 frames/s ...
    assert s.chunk_budget(first) == pytest.approx(1 / 27 / 10)
    running(s, *[0] * 374)
    assert s.chunk_budget(teacher) == MIN_CHUNK_SECONDS  # ... but not in slivers


def test_paced_sessions_may_draw_in_the_time_their_training_leaves() -> None:
    """``snapshot_share`` holds drawing back for sessions at full speed; when every running
    session is paced, drawing may take ``PACED_SNAPSHOT_SHARE`` of the worker's time."""
    s = scheduler(snapshot_fps=10, snapshot_share=0.2)
    sessions = running(s, 1, 1, 1, 1)
    for o in sessions:
        o.play = Play(Pacer(50, 0.0), None)
    s.snapshot_cost = 0.01  # 4 x 10 frames/s: 40% of the time, over the 20% share
    assert s.snapshot_interval(sessions[0]) == pytest.approx(0.1)
    sessions[3].play = Play(None, None)  # one at full speed: the 20% binds
    assert s.snapshot_interval(sessions[0]) == pytest.approx(1 / 5)
    assert PACED_SNAPSHOT_SHARE > 0.2
