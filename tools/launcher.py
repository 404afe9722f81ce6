"""Start a real ``nnplayground serve`` process on a free loopback port, for tests and benchmarks.

:class:`Server` runs the CLI in a subprocess with its own data directory and environment,
waits until ``/api/health`` answers (polling) and stops it with a signal, so a caller can
also restart it on the same data. What it leaves out: anything about what is tested.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One ``nnplayground serve`` process."""

    def __init__(self, data_dir: Path, store: str = "memory", workers: int = 1,
                 port: int | None = None, host: str = "127.0.0.1", **env: str) -> None:
        self.data_dir, self.store, self.workers = data_dir, store, workers
        self.host = host  # where it listens; ``url`` is on loopback either way
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 60.0) -> Server:
        env = {**os.environ, "NNP_STORE": self.store, "NNP_WORKERS": str(self.workers),
               "NNP_DATA_DIR": str(self.data_dir), **self.env}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "nnplayground.cli", "serve", "--host", self.host,
                 "--port", str(self.port)], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # polling interval while the server boots, not a synchronisation
        raise RuntimeError("server did not become healthy")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
