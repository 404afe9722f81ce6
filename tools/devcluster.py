"""A cluster on one machine without Docker: ``redis-server`` and several app processes on
loopback ports, for manual testing (``make cluster``), tests and benchmarks.

:class:`RedisServer` runs ``redis-server`` in a directory of its own (no persistence unless
asked: ``save()`` writes a snapshot that a restart on the same directory loads); ``main``
starts one and ``--replicas`` app processes (:class:`~tools.launcher.Server` with
``NNP_STORE=redis://...``), prints their addresses and stops everything on Ctrl-C. Any replica
serves any session; there is no proxy in front (see ``docker-compose.yml`` for that). What it
leaves out: load balancing.

    python -m tools.devcluster [--replicas 2] [--port 8001] [--workers 1]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .launcher import Server, free_port


class RedisServer:
    """One ``redis-server`` process on a loopback port."""

    def __init__(self, directory: Path, port: int | None = None,
                 executable: str = "redis-server") -> None:
        self.directory, self.executable = directory, executable
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 20.0) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - the process keeps it
        self.proc = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory),
             "--dbfilename", "dump.rdb"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}")
            try:
                if self.command("PING") == "+PONG":
                    return self
            except OSError:
                pass
            time.sleep(0.02)  # polling interval while redis-server starts
        raise RuntimeError("redis-server did not answer")

    def command(self, *words: str) -> str:
        """Send one inline command; the first line of the answer (e.g. ``+OK``)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall((" ".join(words) + "\r\n").encode())
            answer = b""
            while not answer.endswith(b"\r\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return answer.decode().strip()

    def save(self) -> None:
        """Write a snapshot (``dump.rdb``) that a restart in the same directory loads."""
        answer = self.command("SAVE")
        if answer != "+OK":
            raise RuntimeError(f"SAVE answered {answer}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8001,
                        help="port of the first app process; the others follow (default 8001)")
    parser.add_argument("--workers", type=int, default=1,
                        help="training processes per app process (default 1)")
    parser.add_argument("--redis-port", type=int, default=None, help="default: a free port")
    parser.add_argument("--lease-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (apt-get install redis-server)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nnp-cluster-") as tmp:
        redis = RedisServer(Path(tmp) / "redis", args.redis_port).start()
        servers: list[Server] = []
        try:
            for i in range(args.replicas):
                servers.append(Server(Path(tmp) / f"app{i}", store=redis.url(),
                                      workers=args.workers, port=args.port + i,
                                      NNP_LEASE_SECONDS=str(args.lease_seconds),
                                      NNP_CHECKPOINT_SECONDS="2").start())
            print(f"redis   {redis.url()}   (log {redis.directory / 'redis.log'})")
            for s in servers:
                print(f"replica {s.url}   (log {s.log})")
            print("Any replica serves any session. Ctrl-C stops everything.", flush=True)
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            running = set(range(len(servers)))
            while True:  # until Ctrl-C (KeyboardInterrupt); a replica may die meanwhile
                for i in sorted(running):
                    proc = servers[i].proc
                    if proc is not None and proc.poll() is not None:
                        print(f"replica {servers[i].url} exited ({proc.returncode})", flush=True)
                        running.discard(i)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for s in servers:
                s.stop()
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
