"""REST routes about the server rather than a session: datasets, presets, limits, health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .. import __version__
from ..datasets import DATASETS
from ..presets import PRESETS, preset_summary
from ..setups import GOALS, SETUPS
from .deps import State
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


@router.get("/limits")
async def limits(state: State) -> dict[str, Any]:
    """The server's limits (a request over one gets 422 ``over_limit`` naming it)."""
    s = state.settings
    names = ("max_layers", "max_neurons", "max_points", "max_epochs_per_call",
             "max_resolution", "max_sessions", "max_body_bytes", "ws_max_message_bytes",
             "ws_max_commands_per_second", "max_gradcheck_parameters")
    return {name: getattr(s, name) for name in names}


@router.get("/health", response_model=Health)
async def health(state: State) -> Health:
    alive = state.pool.alive()
    return Health(status="ok" if alive == state.pool.n else "degraded", workers=state.pool.n,
                  workers_alive=alive, sessions=await state.registry.count(),
                  store=state.settings.store.split("://")[0], version=__version__)
