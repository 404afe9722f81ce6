"""Make ``backend/`` importable when ``nnplayground`` is not installed (a plain checkout)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("nnplayground") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backend"))
