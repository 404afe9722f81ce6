"""Which running session a worker trains next, for how long, and how often each is drawn.

Of the running sessions that may train now (a paced one only when an epoch is due), the client
(``Owned.fair_key``) that has trained least goes next, and of its sessions the one that has
trained least: the CPU is shared fairly in time between clients, then between each client's
sessions (a client with 50 sessions gets what a client with one gets; a client or session that
starts is levelled with the others: no catching up). A chunk lasts
``chunk_seconds``, sized in epochs from the session's measured epoch time, or less for a
watched session, so that it trains (and is drawn after training) as often as its snapshot rate
asks. Snapshots may take ``snapshot_share`` of the worker's time, shared by the watched running
sessions in proportion to their watchers, none above ``snapshot_fps``. What it leaves out:
training and drawing themselves (``worker.py``).
"""

from __future__ import annotations

from ..config import Settings
from .owned import Owned
from .pace import Pacer

PACED_SNAPSHOT_SHARE = 0.8  # of a worker's time, for drawing when nothing runs at full speed
MIN_CHUNK_SECONDS = 0.002
IDLE_SECONDS = 0.25  # the longest wait for a command (then the parent process is checked)
MAX_CHUNK_EPOCHS = 100_000
FIRST_EPOCH_SECONDS = 1e-4  # a guess, until the first chunk is measured


class Scheduler:
    """The running sessions of one worker, in the order they started."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.running: list[Owned] = []
        self.client_used: dict[str, float] = {}  # seconds trained, per client running
        self.snapshot_cost = 0.002  # seconds per snapshot, measured (moving average)

    def __contains__(self, o: object) -> bool:
        return o in self.running

    def start(self, o: Owned) -> None:
        if o not in self.running:  # level with the others: no catching up
            key = o.fair_key
            mine = [r.used for r in self.running if r.fair_key == key]
            if not mine:
                self.client_used[key] = min(self.client_used.values(), default=0.0)
            o.used = min(mine, default=0.0)
            self.running.append(o)

    def stop(self, o: Owned) -> None:
        if o in self.running:
            self.running.remove(o)
            if all(r.fair_key != o.fair_key for r in self.running):
                self.client_used.pop(o.fair_key, None)

    def pacer(self, o: Owned) -> Pacer | None:
        """The pace of ``o`` if it runs by Play (``step``/``train`` run at full speed)."""
        return o.play.pacer if o.play is not None and o.target is None else None

    def ready(self, now: float) -> list[Owned]:
        """The running sessions that may train now: all but paced ones with no epoch due."""
        return [o for o in self.running if (p := self.pacer(o)) is None or p.allowed(now) >= 1]

    def idle_seconds(self, now: float) -> float:
        """How long the loop may wait for a command: until a paced epoch is due, or a while
        if nothing runs; not at all if a session may train now."""
        wait = IDLE_SECONDS
        for o in self.running:  # (one pass: the loop asks this before every turn)
            p = self.pacer(o)
            if p is None:
                return 0.0
            wait = min(wait, p.wait(now))
        return wait

    def next(self, ready: list[Owned] | None = None) -> Owned:
        """Of ``ready`` (default: all running), a session of the client that has trained
        least, the one of its sessions that has trained least: each client gets the same
        time, and each of its sessions the same part of it."""
        pool = ready or self.running
        used = self.client_used
        key = min(dict.fromkeys(o.fair_key for o in pool), key=lambda k: used.get(k, 0.0))
        return min((o for o in pool if o.fair_key == key), key=lambda o: o.used)

    def chunk_epochs(self, o: Owned) -> int:
        """Epochs of ``o``'s next chunk (before its step target and history limit)."""
        per_epoch = FIRST_EPOCH_SECONDS if o.epoch_seconds is None else o.epoch_seconds
        return max(1, min(MAX_CHUNK_EPOCHS, int(self.chunk_budget(o) / per_epoch)))

    def trained(self, o: Owned, epochs: int, seconds: float) -> None:
        """``o`` trained ``epochs`` epochs in ``seconds``."""
        o.epoch_seconds = seconds / epochs if o.epoch_seconds is None else (
            0.7 * o.epoch_seconds + 0.3 * seconds / epochs)
        o.used += seconds
        if o in self.running:
            self.client_used[o.fair_key] = self.client_used.get(o.fair_key, 0.0) + seconds

    def drew(self, seconds: float, o: Owned | None = None) -> None:
        """A snapshot (of ``o``) took ``seconds``: its client's time too, while it runs."""
        self.snapshot_cost = 0.8 * self.snapshot_cost + 0.2 * seconds
        if o is not None and o in self.running:
            o.used += seconds
            self.client_used[o.fair_key] = self.client_used.get(o.fair_key, 0.0) + seconds

    def chunk_budget(self, o: Owned) -> float:
        """Seconds of training in a chunk of ``o``: ``chunk_seconds``, or shorter for a watched
        session: with equal time for all, a session of ``n`` running gets ``1/n`` of the
        worker, in chunks of ``1/(n * rate)``. Not under ``MIN_CHUNK_SECONDS`` (a chunk has a
        fixed cost), and only the watched sessions pay it."""
        st = self.settings
        if not o.watchers:
            return st.chunk_seconds
        share = 1 / max(1, len(self.running))
        return min(st.chunk_seconds, max(MIN_CHUNK_SECONDS, share * self.snapshot_interval(o)))

    def snapshot_interval(self, o: Owned) -> float:
        """Seconds between two snapshots of ``o``: the drawing budget is shared by the watched
        running sessions in proportion to their watchers, none above ``snapshot_fps``
        (water-filling): a classroom's session with 200 watchers is drawn at the full rate
        before one-watcher sessions share the rest. When every running session is paced,
        training leaves most of the time free, and drawing may take ``PACED_SNAPSHOT_SHARE``."""
        st = self.settings
        share = st.snapshot_share
        if all(self.pacer(r) is not None for r in self.running):
            share = max(share, PACED_SNAPSHOT_SHARE)
        budget = share / self.snapshot_cost  # snapshots a second, all sessions
        weights = sorted((r.watchers for r in self.running if r.watchers), reverse=True)
        left = float(sum(weights))
        for w in weights:  # the most watched first: they are the ones the cap holds back
            rate = min(st.snapshot_fps, budget * w / left)
            if w == o.watchers:  # (equally watched sessions get equal rates)
                return 1 / rate
            budget, left = budget - rate, left - w
        return 1 / st.snapshot_fps
