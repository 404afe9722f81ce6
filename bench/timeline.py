"""Benchmark: what a run's timeline costs, and how fast a past epoch is served.

Trains the default network (the playground's [4, 2] on circle) for ``--epochs`` (1,000,000)
epochs in the worker's chunks, with the default timeline settings, then prints side by side:

* the time to build what ``GET /snapshot?epoch=E`` answers (rebuilt network, grids, JSON) at
  the worst ``E`` (the most epochs after its nearest kept frame), median of ``--repeat`` runs,
  against the live snapshot of the same session (the baseline);
* the session's size in sqlite (its stored row) and in Redis (``MEMORY USAGE`` of its keys,
  if ``redis-server`` is installed), with and without the timeline.

Measured in the process that trains (what the worker does), without HTTP.

    python bench/timeline.py [--epochs 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: the harness

from nnplayground.config import Settings
from nnplayground.sessions import jsonsafe
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.sessions.store import SqliteStore
from nnplayground.sessions.tokens import hash_token
from nnplayground.training import payloads


def timed(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def worst_epoch(s: Session) -> tuple[int, int]:
    """The epoch farthest after its nearest kept frame, and that distance."""
    kept = [*sorted(s.timeline.frames), s.epoch + 1]
    gap, start = max((b - a, a) for a, b in itertools.pairwise(kept))
    return start + gap - 1, gap - 1


def sqlite_bytes(state: dict[str, Any]) -> int:
    with tempfile.TemporaryDirectory() as d:
        store = SqliteStore(Path(d) / "s.sqlite3")
        store.save(state)
        n = int(store._db.execute("SELECT length(state) FROM sessions").fetchone()[0])
        store.close()
    return n


def redis_bytes(state: dict[str, Any]) -> int | None:
    exe = shutil.which("redis-server")
    if exe is None:
        return None
    from tools.devcluster import RedisServer

    from nnplayground.cluster.store import RedisStore

    with tempfile.TemporaryDirectory() as d:
        server = RedisServer(Path(d), executable=exe).start()
        try:
            store = RedisStore(server.url())
            store.save(state)
            import redis

            raw = redis.Redis.from_url(server.url())
            total = sum(int(raw.memory_usage(k) or 0) for k in raw.keys("*"))
            raw.close()
            store.close()
        finally:
            server.stop()
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    settings = Settings()
    s = Session("bench", hash_token("t"), SessionSpec())
    s.timeline.configure(settings.timeline_frames, settings.timeline_seconds,
                         settings.timeline_max_replay)
    t0 = time.perf_counter()
    chunk = 20_000
    while s.epoch < args.epochs:
        s.train(min(chunk, args.epochs - s.epoch))
    train_s = time.perf_counter() - t0
    E, replay = worst_epoch(s)
    live = timed(lambda: jsonsafe.dumps(payloads.snapshot(s, settings)), args.repeat)
    past = timed(lambda: jsonsafe.dumps(payloads.snapshot(s.at(E), settings)), args.repeat)
    state = s.to_state()
    bare = {**state, "timeline": {"stride": 0, "frames": []}}
    print(f"run: {args.epochs:,} epochs of the default network in {train_s:.1f} s; "
          f"{len(s.timeline.frames)} frames kept (stride {s.timeline.stride:,})")
    print(f"{'':38}{'snapshot?epoch=E':>18}{'live snapshot':>16}")
    print(f"{'time to build (median, ms)':38}{past * 1e3:>18.1f}{live * 1e3:>16.1f}"
          f"   worst E = {E:,} ({replay:,} epochs replayed; target < 300 ms)")
    print(f"{'':38}{'with timeline':>18}{'without':>16}")
    print(f"{'sqlite row (KB)':38}{sqlite_bytes(state) / 1e3:>18.1f}"
          f"{sqlite_bytes(bare) / 1e3:>16.1f}")
    with_r, without_r = redis_bytes(state), redis_bytes(bare)
    if with_r is None or without_r is None:
        print("redis: redis-server is not installed (skipped)")
    else:
        print(f"{'redis MEMORY USAGE of its keys (KB)':38}{with_r / 1e3:>18.1f}"
              f"{without_r / 1e3:>16.1f}")


if __name__ == "__main__":
    main()
