"""The training process around a worker: it leaves when its parent (the API process) is gone,
even while blocked at exit, and ``run_worker`` serves commands until told to stop."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
import time
from pathlib import Path

from nnplayground.sessions.store import MemoryStore
from nnplayground.training.process import run_worker
from tests.conftest import make_settings


def test_run_worker_serves_until_a_none_command_and_checkpoints_on_the_way_out() -> None:
    ctx = mp.get_context("spawn")
    commands, events = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=run_worker, args=(0, make_settings().model_dump(), MemoryStore,
                                                commands, events))
    proc.start()
    commands.put((1, "summary", "nobody", {}))
    commands.put(None)
    assert events.get(timeout=60) == [("reply", 1, False, {
        "kind": "not_found", "message": "no session with this id", "field": None})]
    proc.join(60)
    assert proc.exitcode == 0


def test_a_worker_whose_parent_dies_while_it_exits_leaves() -> None:
    """The end of ``serve``: a child blocked at exit (its event queue can no longer flush)
    leaves as soon as its parent is gone."""
    child = ("import os, threading\n"
             "from nnplayground.training.process import leave_if_orphaned\n"
             "leave_if_orphaned(os.getppid())\n"
             "print('ready', flush=True)\n"
             "threading.Event().wait()\n")  # blocked for good, like a queue that cannot flush
    parent = ("import subprocess, sys, os\n"
              "p = subprocess.Popen([sys.executable, '-c', sys.argv[1]], stdout=subprocess.PIPE,"
              " text=True)\n"
              "assert p.stdout.readline() == 'ready\\n'\n"
              "print(p.pid, flush=True)\n"
              "os._exit(0)\n")  # gone without waiting for its child
    out = subprocess.run([sys.executable, "-c", parent, child], capture_output=True, text=True,
                         timeout=60, check=True)
    pid = int(out.stdout)
    deadline = time.monotonic() + 30
    while alive(pid):
        assert time.monotonic() < deadline, "the orphaned child did not leave"
        time.sleep(0.05)  # polling another process's end


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its new parent to reap it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


