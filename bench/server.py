"""Benchmark: the service against the bare engine and under load, on a real server on loopback.

In one run, against ``nnplayground serve`` (sqlite store, one training worker per core):

1. streaming overhead: epochs/s of one session ([2,8,8,8,1], m=250) trained over the WebSocket
   with one watcher, versus the bare engine (``Network.train`` in this process) on the same
   network and data (target >= 80%);
2. capacity: 50 sessions training at once, each streamed to one watcher: aggregate epochs/s
   versus one session alone (target >= 1.6x on 2 cores), the spread between the fastest and
   slowest session, and the p99 latency of ``GET /api/health`` and of a ``pause`` command
   under that load (target < 100 ms);
3. bytes per second a watcher receives at the default frame rate.

    python bench/server.py [--seconds 8] [--sessions 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from websockets.asyncio.client import connect

from nnplayground.engine import Network, feature_matrix, train
from nnplayground.sessions.spec import SessionSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: the harness
from tools.launcher import Server

CONFIG = {"hidden_layers": [8, 8, 8], "hidden_activation": "sigmoid", "learning_rate": 1.0,
          "dataset": {"name": "circle", "n_points": 250, "ratio": 1.0}}


def bare_engine(seconds: float) -> float:
    """Epochs/s of the engine alone on the same network and data, in chunks like a worker."""
    from nnplayground.datasets import generate

    spec = SessionSpec.from_dict(CONFIG)
    data = generate(spec.dataset)
    net = Network(config=spec.network_config())
    X, Y = feature_matrix(spec.features, data.X_train), data.Y_train
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        train(net, X, Y, 200, track_accuracy=True)
        done += 200
    return done / (time.perf_counter() - t0)


async def create(client: httpx.AsyncClient) -> tuple[str, str]:
    r = await client.post("/api/sessions", json={"config": CONFIG})
    r.raise_for_status()
    return r.json()["id"], r.json()["token"]


class Watcher:
    """One WebSocket watcher counting epochs and bytes."""

    def __init__(self, ws_url: str, sid: str, token: str | None = None) -> None:
        self.url = f"{ws_url}/api/sessions/{sid}/stream" + (f"?token={token}" if token else "")
        self.epochs = 0
        self.bytes = 0
        self.frames = 0
        self.acks: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.ws: Any = None
        self.ready = asyncio.Event()

    async def run(self) -> None:
        async with connect(self.url, max_size=None, ping_interval=None) as ws:
            self.ws = ws
            async for raw in ws:
                self.receive(raw)

    def receive(self, raw: str | bytes) -> None:
        self.handle(raw, json.loads(raw))

    def handle(self, raw: str | bytes, msg: dict[str, Any]) -> None:
        """Count one message (a subclass may look at more)."""
        self.bytes += len(raw)
        kind = msg["type"]
        if kind == "hello":
            self.ready.set()
        elif kind == "epoch":
            self.epochs += len(msg["train_loss"])
        elif kind == "snapshot":
            self.frames += 1
        elif kind in ("ack", "error"):  # (an error answers a command too)
            self.acks.put_nowait((time.perf_counter(), msg))

    async def command(self, kind: str, timeout: float = 30) -> float:
        """Send a command; seconds until its ack (an error raises)."""
        t0 = time.perf_counter()
        await self.ws.send(json.dumps({"type": kind}))
        try:
            t, msg = await asyncio.wait_for(self.acks.get(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no answer to {kind} in {timeout:g} s on {self.url} (close "
                               f"code {getattr(self.ws, 'close_code', '?')}, "
                               f"{self.bytes} bytes received)") from None
        if msg["type"] == "error":
            raise RuntimeError(f"{kind} refused: {msg['code']}: {msg['message']}")
        return t - t0


async def measure(srv: Server, n: int, seconds: float) -> dict[str, Any]:
    """Train ``n`` sessions with one watcher each for ``seconds``; return the figures."""
    async with httpx.AsyncClient(base_url=srv.url, timeout=60) as client:
        sessions = [await create(client) for _ in range(n)]
        watchers = [Watcher(srv.ws_url, sid, token) for sid, token in sessions]
        tasks = [asyncio.create_task(w.run()) for w in watchers]
        await asyncio.gather(*(asyncio.wait_for(w.ready.wait(), 60) for w in watchers))
        for w in watchers:
            await w.command("start")
        start_epochs = [w.epochs for w in watchers]
        start_bytes = [w.bytes for w in watchers]
        start_frames = [w.frames for w in watchers]
        t0 = time.perf_counter()
        health: list[float] = []
        while time.perf_counter() - t0 < seconds:
            h0 = time.perf_counter()
            (await client.get("/api/health")).raise_for_status()
            health.append(time.perf_counter() - h0)
            await asyncio.sleep(0.02)  # pacing of the probe, not synchronisation
        elapsed = time.perf_counter() - t0
        rates = [(w.epochs - e) / elapsed for w, e in zip(watchers, start_epochs, strict=True)]
        bytes_s = [(w.bytes - b) / elapsed for w, b in zip(watchers, start_bytes, strict=True)]
        fps = [(w.frames - f) / elapsed for w, f in zip(watchers, start_frames, strict=True)]
        pauses = [await w.command("pause") for w in watchers]
        for t in tasks:
            t.cancel()
        for sid, token in sessions:
            await client.delete(f"/api/sessions/{sid}", headers={"Authorization":
                                                               f"Bearer {token}"})
    return {"rates": rates, "health": health, "pause": pauses, "bytes": bytes_s, "fps": fps}


def p99(values: list[float]) -> float:
    return float(np.percentile(values, 99)) * 1000


async def main_async(args: argparse.Namespace) -> None:
    engine = bare_engine(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp), store="sqlite", workers=0).start()
        try:
            one = await measure(srv, 1, args.seconds)
            many = await measure(srv, args.sessions, args.seconds)
        finally:
            srv.stop()
    single = one["rates"][0]
    total = sum(many["rates"])
    rows = [
        ("1. one session over WebSocket, epochs/s", f"{single:,.0f}",
         f"engine alone {engine:,.0f}", f"{single / engine:.0%}", ">= 80%"),
        (f"2. {args.sessions} sessions, aggregate epochs/s", f"{total:,.0f}",
         f"one session {single:,.0f}", f"{total / single:.2f}x", ">= 1.6x"),
        ("   fairness: slowest / fastest session", f"{min(many['rates']):,.0f} / "
         f"{max(many['rates']):,.0f}", "", f"{min(many['rates']) / max(many['rates']):.2f}",
         "close to 1"),
        ("   p99 GET /api/health under load (ms)", f"{p99(many['health']):.1f}",
         f"idle {p99(one['health']):.1f}", "", "< 100"),
        ("   p99 pause command under load (ms)", f"{p99(many['pause']):.1f}",
         f"idle {p99(one['pause']):.1f}", "", "< 100"),
        ("3. bytes/s to one watcher (one session)", f"{statistics.mean(one['bytes']):,.0f}",
         f"{statistics.mean(one['fps']):.1f} snapshots/s", "", ""),
        (f"   bytes/s per watcher ({args.sessions} sessions)",
         f"{statistics.mean(many['bytes']):,.0f}",
         f"{statistics.mean(many['fps']):.1f} snapshots/s", "", ""),
    ]
    print(f"{'figure':44s} {'measured':>18s} {'baseline':>24s} {'ratio':>7s} {'target':>10s}")
    for row in rows:
        print(f"{row[0]:44s} {row[1]:>18s} {row[2]:>24s} {row[3]:>7s} {row[4]:>10s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--sessions", type=int, default=50)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
