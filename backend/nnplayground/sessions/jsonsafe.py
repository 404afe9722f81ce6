"""JSON text that JavaScript can parse: non-finite floats become ``null``.

A diverged network has NaN or infinite weights and outputs; Python's ``json`` would write
``NaN``/``Infinity``, which ``JSON.parse`` refuses, and Starlette's JSON response refuses them
outright. :func:`dumps` tries the fast path first and cleans the data only when it must.
"""

from __future__ import annotations

import json
import math
from typing import Any


def clean(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by ``None``."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    return obj


def finite(obj: Any) -> bool:
    """Whether every float in ``obj`` (nested dicts, lists and tuples) is finite."""
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(finite(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return all(finite(v) for v in obj)
    return True


def dumps(obj: Any) -> str:
    """``json.dumps`` with NaN and infinities written as ``null``."""
    try:
        return json.dumps(obj, allow_nan=False)
    except ValueError:
        return json.dumps(clean(obj), allow_nan=False)
