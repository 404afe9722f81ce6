"""Runs the page's pure-module unit tests (``*.test.mjs``) with node's built-in test runner.

They get what a real app says (``server.fixture.mjs`` reads it): its ``GET /api/limits``, the
one place the page learns the engine's features and activations, and the engine's value of
every feature at a few points, which the page's feature tiles must reproduce.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from nnplayground.engine import FEATURES

from ..conftest import require

HERE = Path(__file__).parent
POINTS = [(0.3, -0.7), (-1.2, 0.4), (2.5, 1.5), (0.0, -3.0)]


def test_frontend_unit_tests_pass_under_node(client: TestClient, tmp_path: Path):
    node = require("node")
    files = sorted(str(p) for p in HERE.glob("*.test.mjs"))
    assert files, "no frontend unit tests found"
    X = np.array(POINTS).T
    fixture = {
        "limits": client.get("/api/limits").json(),
        "features": {"points": POINTS,
                     "values": {name: fn(X).tolist() for name, fn in FEATURES.items()}},
    }
    path = tmp_path / "server.json"
    path.write_text(json.dumps(fixture))
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "NNP_FRONTEND_FIXTURE": str(path)})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
