"""REST routes about the server rather than a session: datasets, presets, limits, health.

``/api/limits`` also carries the engine's vocabulary the page needs (input features with
display labels, hidden and output activations), so the page holds no copy of those lists.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter

from .. import __version__
from ..datasets import DATASETS
from ..engine import FEATURES, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..presets import PRESETS, preset_summary
from ..setups import GOALS, SETUPS
from .deps import State
from .errors import STORE, responses
from .schemas import Health

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/datasets")
async def datasets() -> list[dict[str, Any]]:
    """Every built-in dataset: name, title, problem type, classes, domain and defaults, the
    setup the page suggests for it (``suggested``, with its pace) and what learnt means
    (``goal``: a series and the value to reach)."""
    return [
        {"name": d.name, "title": d.title, "problem": d.problem, "n_classes": d.n_classes,
         "domain": list(d.domain), "default_points": d.default_points,
         "default_ratio": d.default_ratio, "fixed_points": d.fixed_points,
         "description": d.description, "suggested": SETUPS[d.name],
         "goal": dict(zip(("series", "value"), GOALS[d.name], strict=True))
         if d.name in GOALS else None}
        for d in DATASETS.values()
    ]


@router.get("/presets")
async def presets() -> list[dict[str, Any]]:
    """The tutorial's examples, the 2-2-2 worked example and the playground default."""
    return [preset_summary(p) for p in PRESETS.values()]


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FACTOR = re.compile(r"(?:(?P<fn>[a-z]+)_)?x(?P<i>\d+)(?:\^(?P<p>\d+))?")


def feature_label(name: str) -> str:
    """How the page writes a feature: ``x1^2`` -> ``x₁²``, ``x1*x2`` -> ``x₁x₂``,
    ``sin_x1`` -> ``sin(x₁)``; a name of another form is shown as it is."""
    parts = []
    for factor in name.split("*"):
        m = _FACTOR.fullmatch(factor)
        if m is None:
            return name
        text = "x" + m["i"].translate(_SUB) + (m["p"] or "").translate(_SUP)
        parts.append(f"{m['fn']}({text})" if m["fn"] else text)
    return "".join(parts)


@router.get("/limits")
async def limits(state: State) -> dict[str, Any]:
    """The server's limits (a request over one gets 422 ``over_limit`` naming it), and the
    engine's input features and activations, in the engine's order."""
    s = state.settings
    names = ("max_layers", "max_neurons", "max_points", "max_epochs_per_call",
             "max_resolution", "max_sessions", "max_body_bytes", "ws_max_message_bytes",
             "ws_max_commands_per_second", "max_gradcheck_parameters", "sessions_per_minute",
             "max_sessions_per_client", "max_running_per_client", "max_trains_per_client",
             "max_streams_per_client", "max_class_sessions", "max_kept_sessions",
             "max_nickname_chars", "forks_seconds")
    return {
        **{name: getattr(s, name) for name in names},
        "features": [{"name": f, "label": feature_label(f)} for f in FEATURES],
        "activations": {"hidden": list(HIDDEN_ACTIVATIONS), "output": list(OUTPUT_ACTIVATIONS)},
    }


@router.get("/health", response_model=Health, responses=responses(*STORE))
async def health(state: State) -> Health:
    alive = state.pool.alive()
    return Health(status="ok" if alive == state.pool.n else "degraded", workers=state.pool.n,
                  workers_alive=alive, sessions=await state.registry.count(),
                  store=state.settings.store.split("://")[0], version=__version__)
