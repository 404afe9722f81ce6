"""The timeline: which frames are kept, and any epoch rebuilt bit-identically from them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DatasetSpec
from nnplayground.sessions.errors import RefusedError
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.timeline import Timeline, log_spaced
from nnplayground.sessions.tokens import hash_token


def make(**kw: Any) -> Session:
    spec = SessionSpec(dataset=DatasetSpec("circle", n_points=60), **kw)
    return Session("s1", hash_token("token"), spec)


def params(s: Session) -> list[np.ndarray]:
    return s.net.W + s.net.b


def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_log_spaced_epochs() -> None:
    assert [e for e in range(0, 1001) if log_spaced(e)] == [
        0, *range(1, 10), *range(10, 100, 10), *range(100, 1000, 100), 1000]


def test_frames_stay_within_the_limit_and_keep_log_epochs() -> None:
    s = make()
    s.timeline.configure(max_frames=45, seconds=1e9, max_replay=10**6)
    for _ in range(10):
        s.train(1000)
    epochs = sorted(s.timeline.frames)
    assert len(epochs) <= 45 and s.timeline.stride > 256  # log frames: 38 of them
    assert {0, 1, 5, 9, 10, 90, 100, 900, 1000, 9000, 10000} <= set(epochs)
    assert all(log_spaced(e) or e % s.timeline.stride == 0 for e in epochs)


@pytest.mark.parametrize("options", [{}, {"batch_size": 16, "optimizer": "momentum"},
                                     {"optimizer": "adam", "learning_rate": 0.01}])
def test_any_epoch_equals_a_fresh_run_of_exactly_that_many_epochs(options: dict[str, Any]
                                                                  ) -> None:
    s = make(**options)
    s.timeline.configure(max_frames=12, seconds=1e9, max_replay=10**6)
    for k in (7, 500, 1234, 800):  # chunks that do not fall on frames
        s.train(k)
    back = Session.from_state(s.to_state())  # a restart keeps the frames
    rng = np.random.default_rng(0)
    for E in [0, 1, s.epoch, *rng.integers(1, s.epoch, 9).tolist()]:
        fresh = make(**options)
        if E:
            fresh.train(E)
        assert same(params(s.at(E)), params(fresh)), E
        assert same(params(back.at(E)), params(fresh)), E
    assert s.epoch == 2541


def test_a_live_change_is_a_frame_replays_do_not_cross() -> None:
    s = make()
    s.train(300)
    s.update({"learning_rate": 1.0})
    s.train(300)
    a = make()
    a.train(300)
    a.update({"learning_rate": 1.0})
    a.train(150)
    b = make()
    b.train(280)
    assert same(params(s.at(450)), params(a))
    assert same(params(s.at(280)), params(b))
    assert s.timeline.frames[300].kind == "change"


def test_epochs_outside_the_run_and_beyond_the_replay_limit_are_refused() -> None:
    s = make()
    s.train(50)
    with pytest.raises(RefusedError, match=r"epoch must be in 0\.\.50") as err:
        s.at(51)
    assert err.value.field == "epoch"
    s.timeline.configure(max_frames=10, seconds=1e9, max_replay=3)
    with pytest.raises(RefusedError, match="limit is 3"):
        s.at(45)
    assert s.at(43).epoch == 43


def test_reset_starts_a_new_timeline() -> None:
    s = make()
    s.train(30)
    s.reset()
    assert sorted(s.timeline.frames) == [0]


def test_clock_frames_are_thinned_first() -> None:
    t = Timeline(max_frames=5, seconds=0.0)
    for e in (3, 11, 12, 13, 14, 15, 16):
        kind = t.due(e, float(e))
        assert kind is not None
        t.keep(e, kind, None, {}, float(e))
    assert len(t.frames) <= 5 and 3 in t.frames and 16 in t.frames
