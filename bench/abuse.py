"""Benchmark: one hostile client against one normal visitor, on a real server with its quotas.

A fresh ``nnplayground serve`` (memory store, one training worker per core, the default
quotas, loopback trusted as a proxy so that ``X-Forwarded-For`` names two clients). First the
visitor alone: it trains the default network (the ``playground`` preset) with back-to-back
``train`` calls for ``--seconds`` and polls ``GET /api/health``. Then the hostile client
creates as many sessions as it may, plays each at full speed over its own WebSocket, and keeps
asking for more sessions and parallel ``train`` calls, while the visitor does the same again.
Reported: the visitor's epochs/s against its solo figure (target >= 45%), the p99 of its
``GET /api/health`` (target < 100 ms), the hostile client's sessions and its refusals (429s,
and on its streams the same codes as ``error`` messages).

    python bench/abuse.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.launcher import Server

HOSTILE, VISITOR = "203.0.113.6", "198.51.100.7"
FULL_SPEED = {"pace": None, "stop_at": None}
CHUNK_EPOCHS = 500  # epochs of one of the visitor's train calls


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("nan")


async def visitor(http: httpx.AsyncClient, seconds: float) -> dict[str, float]:
    """Train the default network back to back for ``seconds``; poll health meanwhile."""
    who = {"X-Forwarded-For": VISITOR}
    r = await http.post("/api/sessions", json={"preset": "playground"}, headers=who)
    r.raise_for_status()
    sid, token = r.json()["id"], r.json()["token"]
    auth = {**who, "Authorization": f"Bearer {token}"}
    health: list[float] = []
    done = asyncio.Event()

    async def poll() -> None:
        while not done.is_set():
            t0 = time.perf_counter()
            (await http.get("/api/health", headers=who)).raise_for_status()
            health.append(1000 * (time.perf_counter() - t0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.05)

    poller = asyncio.create_task(poll())
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        r = await http.post(f"/api/sessions/{sid}/train", json={"epochs": CHUNK_EPOCHS},
                            headers=auth)
        r.raise_for_status()
        epochs += CHUNK_EPOCHS
    elapsed = time.perf_counter() - start
    done.set()
    await poller
    return {"eps": epochs / elapsed, "health_p99": p99(health),
            "health_median": statistics.median(health)}


class Hostile:
    """As many sessions as the quotas let it hold, each at full speed on its WebSocket."""

    def __init__(self, http: httpx.AsyncClient, ws_url: str) -> None:
        self.http, self.ws_url = http, ws_url
        self.who = {"X-Forwarded-For": HOSTILE}
        self.sessions: list[tuple[str, str]] = []
        self.refused: dict[str, int] = {}
        self.tasks: list[asyncio.Task[None]] = []

    def count(self, r: httpx.Response) -> bool:
        if r.status_code == 429:
            code = r.json()["code"]
            self.refused[code] = self.refused.get(code, 0) + 1
            return False
        r.raise_for_status()
        return True

    async def grab(self, attempts: int) -> None:
        for _ in range(attempts):
            r = await self.http.post("/api/sessions", json={"preset": "playground",
                                                            "config": FULL_SPEED},
                                     headers=self.who)
            if self.count(r):
                self.sessions.append((r.json()["id"], r.json()["token"]))

    async def play(self, sid: str, token: str) -> None:
        headers = {"X-Forwarded-For": HOSTILE}
        async with websockets.connect(f"{self.ws_url}/api/sessions/{sid}/stream?token={token}",
                                      additional_headers=headers, max_size=None) as ws:
            await ws.send(json.dumps({"type": "start"}))
            async for raw in ws:  # read everything, as a page would
                if isinstance(raw, str) and len(raw) < 1000 and '"error"' in raw:
                    msg = json.loads(raw)
                    if msg.get("type") == "error":  # too_many_running, too_many_streams
                        self.refused[msg["code"]] = self.refused.get(msg["code"], 0) + 1

    async def pester(self) -> None:
        """Keep asking for sessions and parallel train calls on its own sessions."""
        while True:
            await self.grab(1)
            calls = [self.http.post(f"/api/sessions/{s}/train", json={"epochs": 200},
                                    headers={**self.who, "Authorization": f"Bearer {t}"})
                     for s, t in self.sessions[:8]]
            for r in await asyncio.gather(*calls, return_exceptions=True):
                if isinstance(r, httpx.Response) and r.status_code == 429:
                    self.count(r)
            await asyncio.sleep(0.2)  # a request rate, not a synchronisation

    async def start(self) -> None:
        await self.grab(200)
        self.tasks = [asyncio.create_task(self.play(s, t)) for s, t in self.sessions]
        self.tasks.append(asyncio.create_task(self.pester()))

    async def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp), store="memory", workers=0, quotas=True,
                     NNP_TRUSTED_PROXIES="127.0.0.1").start(timeout=120)
        try:
            limits = httpx.get(srv.url + "/api/limits").json()
            async with httpx.AsyncClient(base_url=srv.url, timeout=60) as http:
                solo = await visitor(http, args.seconds)
                hostile = Hostile(http, srv.ws_url)
                await hostile.start()
                await asyncio.sleep(1.0)  # let its sessions start running
                shared = await visitor(http, args.seconds)
                await hostile.stop()
        finally:
            srv.stop()
    ratio = shared["eps"] / solo["eps"]
    print(f"hostile client: {len(hostile.sessions)} sessions at full speed "
          f"(max_sessions_per_client={limits.get('max_sessions_per_client')}, "
          f"sessions_per_minute={limits.get('sessions_per_minute')}); "
          f"429s: {sum(hostile.refused.values())} {hostile.refused}")
    print(f"{'figure':<42}{'with hostile':>14}{'solo':>10}{'ratio':>8}{'target':>10}")
    print(f"{'visitor epochs/s (default network)':<42}{shared['eps']:>14,.0f}"
          f"{solo['eps']:>10,.0f}{ratio:>8.0%}{'>= 45%':>10}")
    print(f"{'visitor p99 GET /api/health (ms)':<42}{shared['health_p99']:>14.1f}"
          f"{solo['health_p99']:>10.1f}{'':>8}{'< 100':>10}")
    print(f"{'visitor median GET /api/health (ms)':<42}{shared['health_median']:>14.1f}"
          f"{solo['health_median']:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
