"""Runs the page's pure-module unit tests (``*.test.mjs``) with node's built-in test runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..conftest import require

HERE = Path(__file__).parent


def test_frontend_unit_tests_pass_under_node():
    node = require("node")
    files = sorted(str(p) for p in HERE.glob("*.test.mjs"))
    assert files, "no frontend unit tests found"
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
