"""A machine that booted seconds ago: the worker's tests pass with a monotonic clock near 0.

``tools/young-clock`` runs a command in a Linux time namespace whose monotonic clock reads
about 20 s (``.ci/run`` runs the whole suite that way). Here it runs the training worker's
tests, where rate limits and "last time" defaults live, as a second process. It needs root and
``unshare``: skipped without them locally, failed without them in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[1]
YOUNG = str(ROOT / "tools" / "young-clock")


def young(*command: str) -> subprocess.CompletedProcess[str]:
    require("unshare")
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("a time namespace needs root in CI")
        pytest.skip("a time namespace needs root")
    return subprocess.run([YOUNG, "-a", "20", *command], capture_output=True, text=True,
                          cwd=ROOT, timeout=240, check=False)


def test_the_young_clock_reads_seconds() -> None:
    done = young(sys.executable, "-c", "import time; print(time.monotonic())")
    assert done.returncode == 0, done.stderr
    assert 20 <= float(done.stdout) < 60


def test_the_worker_passes_on_a_machine_that_just_booted() -> None:
    done = young(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/training/test_worker.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
