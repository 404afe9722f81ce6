"""How many epochs a paced session may train now: ``pace`` a second, spread evenly.

A :class:`Pacer` is a token bucket refilled at ``pace`` epochs a second of the worker's clock,
holding at most ``BURST`` seconds' worth (at least two chunks': a chunk that comes a little
late keeps what is owed beyond it, so the pace holds however the loop wakes): a session paced
at 30 trains about one epoch every 33 ms, not 30 at once each second, and a worker that fell
behind does not make it up in one jump. A fast pace trains a few epochs at a time (``grain``:
at most ``ticks`` chunks a second, the rate of epoch messages), since a chunk costs far more
than an epoch of a small network. The first epochs are due at once. A :class:`Play` is what a
run started by Play keeps: its pacer (``None``: full speed) and the stop condition still armed.
What it leaves out: which session goes next (the worker's scheduler) and the clock itself
(injected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..sessions.session import Session
from ..sessions.spec import StopAt

BURST = 0.1  # seconds of epochs a paced session may catch up at most


class Pacer:
    """``grain``: the fewest epochs it lets train at a time (1: each epoch as soon as it is
    due; more where a faster pace would otherwise cost a chunk per epoch)."""

    def __init__(self, pace: float, now: float, grain: int = 1) -> None:
        self.pace, self.stamp, self.grain = pace, now, max(1, grain)
        self.owed = float(self.grain)

    def _owed(self, now: float) -> float:
        cap = max(2.0 * self.grain, self.pace * BURST)  # a late chunk leaves the rest owed
        return min(cap, self.owed + max(0.0, now - self.stamp) * self.pace)

    def allowed(self, now: float) -> int:
        """Epochs that may be trained at ``now``: ``grain``, or none if fewer are owed. A late
        chunk trains no more than that; the next follows as soon as it is owed, so each chunk
        (and the frame drawn after it) covers the same epochs."""
        return self.grain if math.floor(self._owed(now)) >= self.grain else 0

    def spend(self, epochs: int, now: float) -> None:
        self.owed, self.stamp = self._owed(now) - epochs, now

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until the next epochs are due (0 if they are)."""
        return max(0.0, (self.grain - self._owed(now)) / self.pace)

    def retime(self, pace: float, now: float, grain: int = 1) -> None:
        """A new pace from ``now`` on: at most the epochs due now are kept (no burst)."""
        self.grain = max(1, grain)
        self.owed, self.stamp, self.pace = min(float(self.grain), self._owed(now)), now, pace


def grain(pace: float, ticks: float) -> int:
    """Epochs a chunk of a session at ``pace`` trains at least, for ``ticks`` chunks a second
    at most: no pace draws fewer frames or epoch messages, and none costs a chunk per epoch."""
    return max(1, math.floor(pace / ticks))


@dataclass
class Play:
    pacer: Pacer | None
    stop: StopAt | None


def play(s: Session, old: Play | None, now: float, ticks: float) -> Play:
    """A run of ``s`` by Play from ``now``: at its spec's pace, in chunks of at least
    :func:`grain` epochs (keeping what the old run's pacer owed, without a burst), until its
    stop condition, which counts only if it does not hold already (Play after a stop goes
    on)."""
    pacer = None
    if s.spec.pace is not None:
        g = grain(s.spec.pace, ticks)
        pacer = old.pacer if old is not None and old.pacer is not None else None
        if pacer is None:
            pacer = Pacer(s.spec.pace, now, g)
        else:
            pacer.retime(s.spec.pace, now, g)
    stop = s.spec.stop_at
    last = s.last()
    if stop is not None and stop.first_reached(s.epoch, {k: [v] for k, v in last.items()}):
        stop = None
    return Play(pacer, stop)
