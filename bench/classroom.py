"""Benchmark: a classroom on two app processes sharing Redis, against one process with sqlite.

The same load, in one run, on each set-up (loopback, two training processes in total):

* one teacher session training the default network at the page's default pace (``--pace``,
  50 epochs a second; ``--pace 0``: full speed), its owner's WebSocket on the first process;
* the teacher's class dashboard: the owner's stream with ``forks=true`` on the last process,
  whose ``forks`` messages carry one row per fork;
* ``--watchers`` (200) watcher WebSockets on the teacher's session, spread over the processes;
* ``--students`` (200) student sessions (forks of the teacher's, each with a nickname, at the
  teacher's pace) training at once, each with its owner's WebSocket, spread over the processes.

Figures, side by side: the dashboard's refresh interval (median and worst gap between two
``forks`` messages; target 1 s) and how old a running fork's row is when it arrives, snapshot
frames per second each teacher watcher receives (median and worst), the p99 latency from an
epoch's computation (its ``t``) to its arrival at a watcher, the p99 of ``GET /api/health``,
the time a ``pause`` sent through the last process takes to be acknowledged, and epochs lost
or repeated over all watchers (target 0).

    python bench/classroom.py [--seconds 10] [--watchers 200] [--students 200] [--pace 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import httpx

from nnplayground.setups import PAGE_PACE
from server import Watcher, p99

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: the harness
from tools.devcluster import RedisServer
from tools.launcher import Server

BATCH = 25
WAIT = 600.0  # seconds: generous deadlines, for an overloaded machine
FINAL = 60.0  # seconds after the pause for every watcher to have every epoch
SNAPSHOT = '{"type": "snapshot"'


class ClassWatcher(Watcher):
    """A watcher that also checks the epoch sequence and measures each epoch's latency."""

    def __init__(self, ws_url: str, sid: str, token: str | None = None,
                 since: int | None = None) -> None:
        super().__init__(ws_url, sid, token)
        if since is not None:  # clamped to the session's epoch: no history replay
            self.url += ("&" if "?" in self.url else "?") + f"since={since}"
        self.last = 0  # the last epoch received
        self.lost = 0  # epochs skipped over
        self.repeated = 0  # epochs received twice
        self.latency: list[float] = []
        self.measuring = False

    def receive(self, raw: str | bytes) -> None:
        if raw[:19] in (SNAPSHOT, SNAPSHOT.encode()):  # counted, not parsed: 200 watchers
            self.bytes += len(raw)                      # of frames would swamp this client
            self.frames += 1
        else:
            super().receive(raw)

    def handle(self, raw: str | bytes, msg: dict[str, Any]) -> None:
        super().handle(raw, msg)
        if msg["type"] == "epoch":
            first, n = msg["first"], len(msg["train_loss"])
            if first > self.last + 1:
                self.lost += first - self.last - 1
            self.repeated += max(0, min(self.last, first + n - 1) - first + 1)
            self.last = max(self.last, first + n - 1)
            if self.measuring and "t" in msg:
                self.latency.append(time.time() - msg["t"])
        elif msg["type"] == "status" and msg.get("reset"):
            self.last = 0


class DashboardClient(ClassWatcher):
    """The teacher's dashboard: the owner's stream with ``forks=true``; when each ``forks``
    message arrived, how many rows it held, and how old its running forks' rows were."""

    def __init__(self, ws_url: str, sid: str, token: str) -> None:
        super().__init__(ws_url, sid, token, since=10**12)
        self.url += "&forks=true"
        self.arrivals: list[float] = []
        self.ages: list[float] = []  # seconds from a running fork's last row to its arrival
        self.rows = 0

    def handle(self, raw: str | bytes, msg: dict[str, Any]) -> None:
        if msg["type"] != "forks":
            super().handle(raw, msg)
            return
        now = time.time()
        self.arrivals.append(time.perf_counter())
        self.rows = len(msg["rows"])
        if self.measuring:
            self.ages += [now - r["updated"] for r in msg["rows"] if r["status"] == "running"]

    def gaps(self, t0: float, t1: float) -> list[float]:
        """Seconds between consecutive ``forks`` messages that arrived in ``t0..t1``."""
        times = [t for t in self.arrivals if t0 <= t <= t1]
        return [b - a for a, b in itertools.pairwise(times)]


async def until(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the load did not settle")
        await asyncio.sleep(0.05)  # polling


async def settle(watchers: list[ClassWatcher], quiet: float = 1.0) -> None:
    """Wait until no bytes arrived for ``quiet`` seconds (each arrival sends everyone a
    snapshot: the connections' burst must pass before measuring)."""
    total, since = -1, time.monotonic()
    deadline = since + WAIT
    while time.monotonic() - since < quiet:
        now = sum(w.bytes for w in watchers)
        if now != total:
            total, since = now, time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError("the connections never settled")
        await asyncio.sleep(0.1)  # polling


Spec = tuple[str, str, "str | None"]  # (ws_url, session id, token: a student's own session)


def client_process(specs: list[Spec], conn: Any) -> None:
    """One of the processes standing for the class's browsers (a single client process could
    not read 200 watchers' messages on a small machine): it connects its watchers and
    students, then follows the coordinator's orders on ``conn``; if it fails, the coordinator
    gets the traceback."""
    try:
        asyncio.run(client_main(specs, conn))
    except BaseException:
        conn.send(("crash", traceback.format_exc()))


async def client_main(specs: list[Spec], conn: Any) -> None:
    loop = asyncio.get_running_loop()
    everyone = [ClassWatcher(url, sid, token) for url, sid, token in specs]
    watchers = [w for w, (_, _, token) in zip(everyone, specs, strict=True) if token is None]
    students = [w for w in everyone if w not in watchers]
    tasks = []
    for i in range(0, len(everyone), BATCH):  # the class arrives a few at a time
        batch = everyone[i : i + BATCH]
        tasks += [asyncio.create_task(w.run()) for w in batch]
        await asyncio.gather(*(asyncio.wait_for(w.ready.wait(), WAIT) for w in batch))
    conn.send("ready")
    frames0: list[int] = []
    epochs0: list[int] = []
    t0 = 0.0
    while True:
        what, arg = await loop.run_in_executor(None, conn.recv)
        if what == "settle":
            await settle(everyone)
            conn.send("settled")
        elif what in ("start", "pause"):
            conn.send([await w.command(what, 60) for w in students])
        elif what == "measure":
            for w in watchers:
                w.measuring = True
            frames0 = [w.frames for w in watchers]
            epochs0 = [w.epochs for w in students]
            t0 = time.perf_counter()
            conn.send("measuring")
        elif what == "stop":
            elapsed = time.perf_counter() - t0
            for w in watchers:
                w.measuring = False
            conn.send({"fps": [(w.frames - f) / elapsed for w, f in zip(watchers, frames0,
                                                                          strict=True)],
                       "latency": [x for w in watchers for x in w.latency],
                       "by_process": [(w.url.split("/api/")[0], w.latency) for w in watchers],
                       "students": sum(w.epochs - e for w, e in zip(students, epochs0,
                                                                    strict=True)) / elapsed})
        elif what == "final":  # every watcher has all epochs up to ``arg``
            with contextlib.suppress(TimeoutError):
                await until(lambda final=arg: all(w.last >= final for w in watchers), FINAL)
            conn.send({"lost": sum(w.lost for w in watchers),
                       "repeated": sum(w.repeated for w in watchers),
                       "behind": sum(w.last < arg for w in watchers)})
        else:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            conn.send("done")
            return


async def order(conns: list[Any], what: str, arg: Any = None) -> list[Any]:
    """Send an order to every client process; their answers."""
    loop = asyncio.get_running_loop()
    for c in conns:
        c.send((what, arg))
    answers = await asyncio.gather(*(loop.run_in_executor(None, c.recv) for c in conns))
    for a in answers:
        if isinstance(a, tuple) and a[0] == "crash":
            raise RuntimeError(f"a client process failed on {what!r}:\n{a[1]}")
    return list(answers)


async def classroom(servers: list[Server], args: argparse.Namespace) -> dict[str, Any]:
    """Run the classroom on ``servers``; the figures."""
    clients = [httpx.AsyncClient(base_url=s.url, timeout=120) for s in servers]
    n = len(servers)
    pace = {"config": {"pace": args.pace}} if args.pace else {}
    r = await clients[0].post("/api/sessions", json=pace)  # the default network
    r.raise_for_status()
    teacher, token = r.json()["id"], r.json()["token"]
    students: list[tuple[str, str, int]] = []
    for i in range(args.students):
        f = await clients[i % n].post(f"/api/sessions/{teacher}/fork",
                                      json={"nickname": f"student {i + 1}"})
        f.raise_for_status()
        students.append((f.json()["id"], f.json()["token"], i % n))
    specs: list[Spec] = [(servers[i % n].ws_url, teacher, None) for i in range(args.watchers)]
    specs += [(servers[k].ws_url, sid, tok) for sid, tok, k in students]
    ctx = mp.get_context("spawn")
    conns, procs = [], []
    for i in range(args.clients):
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=client_process, args=(specs[i :: args.clients], theirs),
                           daemon=True)
        proc.start()
        conns.append(mine)
        procs.append(proc)
    loop = asyncio.get_running_loop()
    for c in conns:
        assert await loop.run_in_executor(None, c.recv) == "ready"
    owner = ClassWatcher(servers[0].ws_url, teacher, token)
    owner_task = asyncio.create_task(owner.run())
    await asyncio.wait_for(owner.ready.wait(), WAIT)
    dashboard = DashboardClient(servers[-1].ws_url, teacher, token)
    dashboard_task = asyncio.create_task(dashboard.run())
    await asyncio.wait_for(dashboard.ready.wait(), WAIT)
    await order(conns, "settle")
    await owner.command("start", WAIT)
    await order(conns, "start")
    await asyncio.sleep(1.0)  # warm-up before measuring (not a synchronisation)

    await order(conns, "measure")
    teacher0 = owner.epochs
    health: list[float] = []
    dashboard.measuring = True
    t0 = time.perf_counter()
    i = 0
    while time.perf_counter() - t0 < args.seconds:
        h0 = time.perf_counter()
        (await clients[i % n].get("/api/health")).raise_for_status()
        health.append(time.perf_counter() - h0)
        i += 1
        await asyncio.sleep(0.02)  # pacing of the probe
    t1 = time.perf_counter()
    teacher_rate = (owner.epochs - teacher0) / (t1 - t0)
    dashboard.measuring = False
    gaps, rows = dashboard.gaps(t0, t1), dashboard.rows
    stats = await order(conns, "stop")

    # Pause the teacher through the last process (another one than its owner's page).
    remote = ClassWatcher(servers[-1].ws_url, teacher, token, since=10**12)
    remote_task = asyncio.create_task(remote.run())
    await asyncio.wait_for(remote.ready.wait(), WAIT)
    pause = await remote.command("pause", WAIT)
    final = (await clients[-1].get(f"/api/sessions/{teacher}")).json()["epoch"]
    checks = await order(conns, "final", final)
    await order(conns, "pause")
    await order(conns, "exit")
    for proc in procs:
        proc.join(30)
    for t in (owner_task, remote_task, dashboard_task):
        t.cancel()
    await asyncio.gather(owner_task, remote_task, dashboard_task, return_exceptions=True)
    for sid, tok, k in [(teacher, token, 0), *students]:
        await clients[k].delete(f"/api/sessions/{sid}", headers={"Authorization":
                                                                 f"Bearer {tok}"})
    for c in clients:
        await c.aclose()
    by_process: dict[str, list[float]] = {}
    for st in stats:
        for url, samples in st["by_process"]:
            by_process.setdefault(url, []).extend(samples)
    return {"fps": [x for st in stats for x in st["fps"]],
            "by_process": [by_process.get(s.ws_url, []) for s in servers],
            "latency": [x for st in stats for x in st["latency"]],
            "health": health, "pause": pause, "teacher": teacher_rate,
            "students": sum(st["students"] for st in stats),
            "lost": sum(c["lost"] for c in checks),
            "repeated": sum(c["repeated"] for c in checks),
            "behind": sum(c["behind"] for c in checks), "epochs": final,
            "gaps": gaps or [math.nan], "rows": rows, "ages": dashboard.ages or [math.nan]}


async def main_async(args: argparse.Namespace) -> None:
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="nnp-classroom-") as tmp:
        root = Path(tmp)
        if "cluster" in args.setups:
            redis = RedisServer(root / "redis").start()
            servers = [Server(root / f"app{i}", store=redis.url(), workers=1,
                              NNP_CHECKPOINT_SECONDS="2").start() for i in range(2)]
            try:
                results["cluster"] = await classroom(servers, args)
            except BaseException:
                show_logs(servers)
                raise
            finally:
                for s in servers:
                    s.stop()
                redis.stop()
        if "single" in args.setups:
            single = Server(root / "single", store="sqlite", workers=2).start()
            try:
                results["single"] = await classroom([single], args)
            except BaseException:
                show_logs([single])
                raise
            finally:
                single.stop()
    report(results, args)


def show_logs(servers: list[Server]) -> None:
    for s in servers:
        lines = [x for x in s.log.read_text().splitlines()
                 if not x.startswith("INFO:") or ("stream" not in x and "open" not in x)]
        print(f"--- {s.log.name}, without the connections:", *lines[-60:], sep="\n",
              file=sys.stderr)


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    """The figures side by side, with their ratio, as a Markdown table."""
    def other(r: dict[str, Any]) -> float:
        return p99(r["by_process"][-1]) if len(r["by_process"]) > 1 else math.nan

    rows: list[tuple[str, Any, str, str]] = [
        ("dashboard refresh interval, median (s)", lambda r: statistics.median(r["gaps"]),
         ".2f", "<= 1 (`NNP_FORKS_SECONDS`)"),
        ("dashboard refresh interval, worst (s)", lambda r: max(r["gaps"]), ".2f", ""),
        ("dashboard rows (one per student)", lambda r: r["rows"], "d", str(args.students)),
        ("age of a running fork's row on arrival, median (ms)",
         lambda r: statistics.median(r["ages"]) * 1000, ".0f", ""),
        ("frames/s per watcher, median", lambda r: statistics.median(r["fps"]), ".1f",
         "10 (`NNP_SNAPSHOT_FPS`)"),
        ("frames/s per watcher, worst", lambda r: min(r["fps"]), ".1f", ""),
        ("p99 epoch computed -> at a watcher (ms)", lambda r: p99(r["latency"]), ".1f", ""),
        ("median epoch computed -> at a watcher (ms)",
         lambda r: statistics.median(r["latency"]) * 1000, ".1f", ""),
        ("p99 to watchers on the teacher's process (ms)", lambda r: p99(r["by_process"][0]),
         ".1f", ""),
        ("p99 to watchers on the other process (ms)", other, ".1f", ""),
        ("p99 `GET /api/health` (ms)", lambda r: p99(r["health"]), ".1f", "< 100"),
        ("pause through the last process, to its ack (ms)", lambda r: r["pause"] * 1000, ".1f",
         "< 200"),
        (f"epochs lost over {args.watchers} watchers", lambda r: r["lost"], "d", "0"),
        ("epochs repeated", lambda r: r["repeated"], "d", "0"),
        (f"watchers without the last epoch {FINAL:g} s after the pause",
         lambda r: r["behind"], "d", "0"),
        ("teacher epochs/s", lambda r: r["teacher"], ",.0f", ""),
        (f"{args.students} students, aggregate epochs/s", lambda r: r["students"], ",.0f", ""),
    ]
    c, s = results.get("cluster"), results.get("single")
    pace = f"{args.pace:g} epochs/s" if args.pace else "full speed"
    print(f"classroom: 1 teacher and its dashboard, {args.watchers} watchers, {args.students} "
          f"students, all at {pace}, {args.seconds:g} s, two training processes in total\n")
    print("| figure | redis, 2 processes | sqlite, 1 process | redis / sqlite | target |")
    print("|---|--:|--:|--:|---|")
    for name, fn, fmt, target in rows:
        a, b = (fn(r) if r else math.nan for r in (c, s))
        ratio = f"{a / b:.2f}x" if b and not math.isnan(a / b) else "-"
        cells = ["-" if math.isnan(v) else format(v, fmt) for v in (a, b)]
        print(f"| {name} | {cells[0]} | {cells[1]} | {ratio} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--pace", type=float, default=PAGE_PACE,
                        help="epochs a second of the teacher and every fork (0: full speed)")
    parser.add_argument("--setups", nargs="+", choices=("cluster", "single"),
                        default=["cluster", "single"])
    parser.add_argument("--clients", type=int, default=4,
                        help="processes sharing the watchers' and students' WebSockets")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
