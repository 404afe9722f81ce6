"""The app as a whole: the wheel serves the page, idle sessions expire, the session limit."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nnplayground.api.app import create_app

from ..conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_wheel_install_serves_the_frontend(tmp_path: Path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("nnplayground-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "nnplayground/frontend/index.html" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True)
    code = ("import nnplayground.api.app as m; from nnplayground.config import Settings;"
            "d = m.frontend_dir(Settings(_env_file=None)); print(d); "
            "assert (d / 'index.html').is_file()")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(target)}, check=True)
    assert out.stdout.strip().startswith(str(target))


def test_idle_sessions_expire_but_running_ones_stay():
    with TestClient(create_app(make_settings(session_ttl_seconds=0.4))) as client:
        idle = client.post("/api/sessions", json={"preset": "xnor"}).json()
        busy = client.post("/api/sessions", json={"preset": "xnor",  # running for ever
                                                  "config": {"stop_at": None}}).json()
        with client.websocket_connect(
            f"/api/sessions/{busy['id']}/stream?token={busy['token']}"
        ) as ws:
            assert ws.receive_json()["type"] == "hello"
            ws.send_json({"type": "start"})
            while (msg := ws.receive_json())["type"] != "ack":
                pass
            assert msg["status"] == "running"
            deadline = time.monotonic() + 30
            # Reading a session counts as activity, so watch the count in /api/health.
            while client.get("/api/health").json()["sessions"] == 2:
                assert time.monotonic() < deadline, "idle session never expired"
                time.sleep(0.05)  # polling the expiry task, not synchronising with it
            assert client.get(f"/api/sessions/{idle['id']}").json()["code"] == "expired"
            assert client.get(f"/api/sessions/{busy['id']}").json()["status"] == "running"
            ws.send_json({"type": "pause"})


@pytest.mark.parametrize("path", ["/", "/index.html"])
def test_the_page_has_a_same_origin_script_policy(client: TestClient, path: str):
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
