"""How many epochs a paced session may train now: ``pace`` a second, spread evenly.

A :class:`Pacer` is a token bucket refilled at ``pace`` epochs a second of the worker's clock,
holding at most ``BURST`` seconds' worth (at least one epoch): a session paced at 30 trains
about one epoch every 33 ms, not 30 at once each second, and a worker that fell behind does not
make it up in one jump. The first epoch is due at once. A :class:`Play` is what a run started
by Play keeps: its pacer (``None``: full speed) and the stop condition still armed. What it
leaves out: which session goes next (the worker's scheduler) and the clock itself (injected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..sessions.session import Session
from ..sessions.spec import StopAt

BURST = 0.1  # seconds of epochs a paced session may catch up at most


class Pacer:
    def __init__(self, pace: float, now: float) -> None:
        self.pace, self.stamp, self.owed = pace, now, 1.0

    def _owed(self, now: float) -> float:
        cap = max(1.0, self.pace * BURST)
        return min(cap, self.owed + max(0.0, now - self.stamp) * self.pace)

    def allowed(self, now: float) -> int:
        """Whole epochs that may be trained at ``now``."""
        return math.floor(self._owed(now))

    def spend(self, epochs: int, now: float) -> None:
        self.owed, self.stamp = self._owed(now) - epochs, now

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until the next epoch is due (0 if one is)."""
        return max(0.0, (1.0 - self._owed(now)) / self.pace)

    def retime(self, pace: float, now: float) -> None:
        """A new pace from ``now`` on: at most the epoch due now is kept (no burst)."""
        self.owed, self.stamp, self.pace = min(1.0, self._owed(now)), now, pace


@dataclass
class Play:
    pacer: Pacer | None
    stop: StopAt | None


def play(s: Session, old: Play | None, now: float) -> Play:
    """A run of ``s`` by Play from ``now``: at its spec's pace (keeping what the old run's pacer
    owed, without a burst), until its stop condition, which counts only if it does not hold
    already (Play after a stop goes on)."""
    pacer = None
    if s.spec.pace is not None:
        pacer = old.pacer if old is not None and old.pacer is not None else None
        if pacer is None:
            pacer = Pacer(s.spec.pace, now)
        else:
            pacer.retime(s.spec.pace, now)
    stop = s.spec.stop_at
    last = s.summary()["last"]
    if stop is not None and stop.first_reached(s.epoch, {k: [v] for k, v in last.items()}):
        stop = None
    return Play(pacer, stop)
