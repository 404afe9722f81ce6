"""Benchmark: how many visitors one 2-core machine serves at the page's default pace.

Each visitor is what a browser on the page is: a session with the page's default setup (the
circle at ``PAGE_PACE`` epochs a second) and its page's WebSocket with ``detail=display``,
reading every message (summarised epochs, binary snapshot frames). For growing N, on a fresh
``nnplayground serve`` (memory store, one training worker per core) each time, all N play for
``--seconds``, and the benchmark reports, per N:

* frames (snapshots) a second at the worst and the median watcher (target >= 10);
* p99 and median time from an epoch's computation (its ``t``) to its arrival (target < 200 ms);
* p99 of ``GET /api/health`` polled meanwhile (target < 100 ms);
* epochs lost (a gap between consecutive ``epochs`` messages; target 0), and bytes/s per watcher.

The largest N that meets every target is the capacity. Then, for one session, bytes/s to a
watcher at the default pace and at full speed, ``detail=display`` against ``detail=full``, in
the same run. Where the time goes at the first N that fails is read from the server's own
CPU time of each server process over the window (``/proc``): the API process (HTTP, the
stream's serialisation and sending) and each training worker (training and snapshots).

    python bench/visitors.py [--seconds 8] [--ladder 25,50,100,200,400,800,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from nnplayground.config import Settings
from nnplayground.sessions import jsonsafe
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.setups import page_config
from nnplayground.training import frames, payloads
from nnplayground.training.pace import grain
from server import Watcher, p99, probe_health  # bench/server.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: the harness
from tools.launcher import Server

TARGETS = {"fps": 10.0, "latency_ms": 200.0, "health_ms": 100.0, "lost": 0}
FPS_RESOLUTION = 0.99  # a watcher measured at 9.9x frames a second gets the 10 it is sent


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds so far of ``pid`` (the API process) and of each child (training workers)."""
    tick = os.sysconf("SC_CLK_TCK")

    def read(p: int) -> tuple[int, float]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick  # ppid, utime+stime

    out = {"api": read(pid)[1]}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid, cpu = read(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out[f"worker {entry.name}"] = cpu
    return out


class DisplayWatcher(Watcher):
    """A page's stream: counts frames, bytes and latency, and checks the epochs' coverage."""

    def __init__(self, ws_url: str, sid: str, token: str | None, detail: str) -> None:
        super().__init__(ws_url, sid, token)
        self.url += ("&" if token else "?") + f"detail={detail}"
        self.covered = 0  # the last epoch received
        self.lost = 0
        self.latency: list[float] = []
        self.frame_times: list[float] = []

    def receive(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):  # a binary snapshot frame
            self.bytes += len(raw)
            self.frames += 1
            self.frame_times.append(time.perf_counter())
            return
        msg = json.loads(raw)
        if msg["type"] == "epochs":
            self.lost += max(0, msg["first"] - self.covered - 1)
            self.covered = msg["ends"][-1]
            if "t" in msg:
                self.latency.append(time.time() - msg["t"])
        elif msg["type"] == "epoch":
            self.lost += max(0, msg["first"] - self.covered - 1)
            self.covered = msg["first"] + len(msg["train_loss"]) - 1
            if "t" in msg:
                self.latency.append(time.time() - msg["t"])
        elif msg["type"] == "snapshot":
            self.frame_times.append(time.perf_counter())
        self.handle(raw, msg)

    def fps(self, since: float, until: float) -> float:
        """Frames a second between the first and the last frame in ``since..until``."""
        times = [t for t in self.frame_times if since <= t <= until]
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


async def play(srv: Server, n: int, seconds: float, config: dict[str, Any],
               detail: str = "display") -> dict[str, Any]:
    """``n`` sessions of ``config`` playing for ``seconds``, each watched by its page."""
    async with httpx.AsyncClient(base_url=srv.url, timeout=120) as client:
        sessions = []
        for _ in range(n):
            r = await client.post("/api/sessions", json={"config": config})
            r.raise_for_status()
            sessions.append((r.json()["id"], r.json()["token"]))
        watchers = [DisplayWatcher(srv.ws_url, sid, token, detail) for sid, token in sessions]
        tasks = [asyncio.create_task(w.run()) for w in watchers]
        await asyncio.gather(*(asyncio.wait_for(w.ready.wait(), 120) for w in watchers))
        await asyncio.gather(*(w.command("start", timeout=120) for w in watchers))
        await asyncio.sleep(1.0)  # let the first second (connects, first frames) pass
        marks = [(w.frames, w.bytes, len(w.latency)) for w in watchers]
        assert srv.proc is not None
        cpu0, own0 = cpu_seconds(srv.proc.pid), time.process_time()
        t0 = time.perf_counter()
        health = await probe_health(client, seconds, 0.1)
        t1 = time.perf_counter()
        elapsed = t1 - t0
        load = {k: (v - cpu0.get(k, 0.0)) / elapsed for k, v in
                cpu_seconds(srv.proc.pid).items()}
        own = (time.process_time() - own0) / elapsed
        fps = [w.fps(t0, t1) for w in watchers]
        rate = [(w.bytes - b) / elapsed for w, (_, b, _) in zip(watchers, marks, strict=True)]
        latency = [x for w, (_, _, i) in zip(watchers, marks, strict=True)
                   for x in w.latency[i:]]
        await asyncio.gather(*(w.command("pause", timeout=120) for w in watchers))
        lost = sum(w.lost for w in watchers)
        for t in tasks:
            t.cancel()
    return {"n": n, "fps_min": min(fps), "fps_median": statistics.median(fps),
            "latency_p99": p99(latency) if latency else float("nan"),
            "latency_median": 1000 * statistics.median(latency) if latency else float("nan"),
            "health_p99": p99(health), "lost": lost, "bytes": statistics.mean(rate),
            "load": load, "own": own}


def micros(fn: Any, repeat: int = 200) -> float:
    """Microseconds one call of ``fn`` takes here (the best of three rounds)."""
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - t0) / repeat)
    return 1e6 * best


def budget(config: dict[str, Any]) -> list[tuple[str, str, float, float]]:
    """What one visitor costs a second at ``config``'s pace, part by part, timed here with the
    server's own code, as the worker runs it for a session watched by display clients only:
    ``(part, where, us per call, calls a second)``."""
    st = Settings()
    s = Session("bench", "", SessionSpec.from_dict(config))
    s.train(500)  # past the first log-spaced timeline frames
    snap = payloads.picture(s, st)
    pace = float(config["pace"])
    messages = min(st.epoch_messages_per_second, pace)
    g = grain(pace, st.epoch_messages_per_second)
    fps = min(st.snapshot_fps, pace / g)

    def epochs() -> tuple[str, str]:
        batch = s.history_since(s.epoch - g).to_event()
        return (jsonsafe.dumps({**batch, "t": 0.0}),
                frames.live_epochs(s.epoch - g + 1, batch, s.epoch, 0.0))
    return [
        (f"training ({g} epochs a chunk)", "worker", micros(lambda: s.train(g)), pace / g),
        ("snapshot: grids and weights", "worker", micros(lambda: payloads.picture(s, st)), fps),
        ("snapshot: binary frame", "worker", micros(snap.frame), fps),
        ("diagnostics (news only)", "worker", micros(
            lambda: jsonsafe.dumps(payloads.diagnostics(s))), 1 / st.diagnostics_news_seconds),
        ("epoch messages: JSON, display", "worker", micros(epochs), messages),
    ]


def print_budget(config: dict[str, Any], measured: dict[str, Any] | None) -> None:
    """The cost of one visitor by part, the ceiling it implies on 2 cores, and (at the first N
    that failed) what the server processes really spent per visitor: the rest is queues
    between processes, scheduling, WebSocket sends and the event loop."""
    parts = budget(config)
    total = sum(us * rate for _, _, us, rate in parts) / 1000
    print("\nwhere a visitor's time goes (ms of CPU a second; timed in this process):")
    for part, where, us, rate in parts:
        print(f"  {part:30s} {where:6s} {us:8.1f} us x {rate:4g}/s = {us * rate / 1000:6.2f} ms"
              f"  {us * rate / 1000 / total:5.1%}")
    cores = os.cpu_count() or 1
    print(f"  {'sum of the parts':45s} {total:13.2f} ms -> at most {1000 * cores / total:,.0f} "
          f"visitors on {cores} cores")
    if measured is not None:
        spent = 1000 * sum(measured["load"].values()) / measured["n"]
        print(f"  {'measured at N = ' + str(measured['n']) + ' (all server processes)':45s} "
              f"{spent:13.2f} ms a visitor ({spent / total:.1f}x the parts) -> "
              f"{1000 * cores / spent:,.0f} visitors")


def meets(r: dict[str, Any]) -> bool:
    return (r["fps_min"] >= TARGETS["fps"] * FPS_RESOLUTION
            and r["latency_p99"] < TARGETS["latency_ms"]
            and r["health_p99"] < TARGETS["health_ms"] and r["lost"] == TARGETS["lost"])


def fresh_server(tmp: str) -> Server:
    return Server(Path(tmp), store="memory", workers=0).start(timeout=120)


async def main_async(args: argparse.Namespace) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,000 sockets and more
    config = page_config()
    print(f"visitors: the page's default ({config['hidden_activation']} "
          f"{config['hidden_layers']} on the circle, pace {config['pace']:g}/s), one "
          f"detail=display page each, {args.seconds:g} s per step")
    print(f"{'N':>6} {'fps min':>8} {'fps med':>8} {'lat p99':>8} {'lat med':>8} "
          f"{'health p99':>10} {'lost':>5} {'B/s/watcher':>12}  meets")
    best, failed = 0, None
    for n in args.ladder:
        with tempfile.TemporaryDirectory() as tmp:
            srv = fresh_server(tmp)
            try:
                r = await play(srv, n, args.seconds, config)
            finally:
                srv.stop()
        ok = meets(r)
        print(f"{n:6d} {r['fps_min']:8.2f} {r['fps_median']:8.2f} {r['latency_p99']:8.1f} "
              f"{r['latency_median']:8.1f} {r['health_p99']:10.1f} {r['lost']:5d} "
              f"{r['bytes']:12,.0f}  {'yes' if ok else 'no'}", flush=True)
        if not ok:
            failed = r
            break
        best = n
    print(f"capacity: N = {best} visitors meet every target "
          f"(fps >= {TARGETS['fps']:g}, p99 latency < {TARGETS['latency_ms']:g} ms, "
          f"p99 health < {TARGETS['health_ms']:g} ms, no epoch lost); target N >= 1000")
    if failed is not None:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in failed["load"].items() if v > 0.005)
        print(f"where the time goes at N = {failed['n']} (CPU per process, of one core): "
              f"{shares}; this benchmark's {failed['n']} watchers {failed['own']:.0%}")
    print_budget(config, failed)
    print("\nbytes/s to the watcher of one session, in the same run:")
    print(f"{'pace':>8} {'display B/s':>12} {'full B/s':>12} {'display/full':>13} "
          f"{'fps display':>12} {'fps full':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        srv = fresh_server(tmp)
        try:
            for pace in (config["pace"], None):
                c = {**config, "pace": pace}
                d = await play(srv, 1, args.seconds, c, "display")
                f = await play(srv, 1, args.seconds, c, "full")
                label = "max" if pace is None else f"{pace:g}/s"
                print(f"{label:>8} {d['bytes']:12,.0f} {f['bytes']:12,.0f} "
                      f"{d['bytes'] / f['bytes']:12.3f}x {d['fps_median']:12.1f} "
                      f"{f['fps_median']:9.1f}", flush=True)
        finally:
            srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--ladder", type=lambda s: [int(x) for x in s.split(",")],
                        default=[25, 50, 100, 200, 400, 800, 1000])
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
