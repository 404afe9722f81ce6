"""The page's reproduction snippets (frontend/js/snippets.js) run against a real server.

The server starts with a small ``NNP_MAX_EPOCHS_PER_CALL`` (500) so that a session is quickly
trained past twice the limit. node generates the page's "Copy as curl" and "Python snippet"
texts for it from the session's spec and epoch, as the page does; bash runs the curl one and
the project's Python the other
(without site-packages). Each must rebuild the session's weights bit for bit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..conftest import require
from .conftest import Server

pytestmark = pytest.mark.e2e

LIMIT = 500
ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = (ROOT / "frontend" / "js" / "snippets.js").as_uri()
GENERATE = f"""
import {{ curlSnippet, pythonSnippet }} from {json.dumps(SNIPPETS)};
const {{ base, spec, epochs }} = JSON.parse(process.argv[1]);
process.stdout.write(JSON.stringify({{
  curl: curlSnippet(base, spec, {{ epochs }}),
  python: pythonSnippet(base, spec, {{ epochs }}),
}}));
"""
CONFIG = {
    "hidden_layers": [5, 3], "features": ["x1", "x2", "x1^2", "x1*x2"],
    "hidden_activation": "tanh", "optimizer": "momentum", "momentum": 0.8,
    "learning_rate": 0.03, "batch_size": 10, "regularization": "l2", "reg_rate": 0.001,
    "seed": 7, "dataset": {"name": "spiral", "n_points": 120, "noise": 0.1, "seed": 3},
}


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("server"), NNP_MAX_EPOCHS_PER_CALL=str(LIMIT)).start()
    yield srv
    srv.stop()


def trained_session(base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A session trained past 2x the limit in uneven calls; its summary and model."""
    created = httpx.post(f"{base}/api/sessions", json={"config": CONFIG}).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['token']}"}
    over = httpx.post(f"{base}/api/sessions/{sid}/train", json={"epochs": LIMIT + 1},
                      headers=auth)
    assert over.status_code == 422 and over.json()["code"] == "over_limit"
    for epochs in (300, 450, LIMIT, 37):
        r = httpx.post(f"{base}/api/sessions/{sid}/train", json={"epochs": epochs},
                       headers=auth, timeout=120)
        assert r.status_code == 200, r.text
    summary = httpx.get(f"{base}/api/sessions/{sid}").json()
    assert summary["epoch"] == 1287 > 2 * LIMIT
    return summary, httpx.get(f"{base}/api/sessions/{sid}/model").json()


def generate(base: str, spec: dict[str, Any], epochs: int) -> dict[str, str]:
    node = require("node")
    arg = json.dumps({"base": base, "spec": spec, "epochs": epochs})
    out = subprocess.run([node, "--input-type=module", "-e", GENERATE, arg],
                         capture_output=True, text=True, timeout=60, check=True)
    snippets: dict[str, str] = json.loads(out.stdout)
    return snippets


def last_json_line(stdout: str) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return model


def test_snippets_rebuild_the_weights_past_twice_the_epoch_limit(small_limit: Server,
                                                                 tmp_path: Path):
    bash, _ = require("bash"), require("curl")
    summary, original = trained_session(small_limit.url)
    snippets = generate(small_limit.url, summary["spec"], summary["epoch"])

    script = tmp_path / "reproduce.sh"
    script.write_text(snippets["curl"])
    ran = subprocess.run([bash, str(script)], capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    from_curl = last_json_line(ran.stdout)
    assert from_curl["weights"] == original["weights"]

    program = tmp_path / "reproduce.py"
    program.write_text(snippets["python"])
    # -I -S: no site-packages at all, so the standard library is all it has
    ran = subprocess.run([sys.executable, "-I", "-S", str(program)], capture_output=True,
                         text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    from_python = last_json_line(ran.stdout)

    for rebuilt in (from_curl, from_python):
        assert rebuilt["epoch"] == original["epoch"] == summary["epoch"]
        assert rebuilt["weights"] == original["weights"]  # floats from JSON: bit-identical
        assert rebuilt["biases"] == original["biases"]
    # each says what it needs
    assert "\n# Needs: bash and curl, nothing else." in snippets["curl"]
    assert "\n# Needs: Python 3, standard library only" in snippets["python"]
