"""FastAPI dependencies: settings, the pool and registry, the session id (404 here), the token.

``SessionId`` resolves a path id to a known session or answers 404 without saying more;
``Owner`` additionally requires ``Authorization: Bearer <token>`` (401 without, 403 wrong).
``check_spec_limits`` applies the server's limits to a configuration. What it leaves out:
talking to workers (routes call the pool).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request

from ..config import Settings
from .backends import Pool, SessionRegistry
from .errors import ApiError, not_found, over_limit


@dataclass
class AppState:
    """What the lifespan creates and every request uses."""

    settings: Settings
    pool: Pool  # a WorkerPool, or a ClusterPool with a redis:// store
    registry: SessionRegistry


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.nnp
    return state


State = Annotated[AppState, Depends(get_state)]


async def session_id(state: State, id: Annotated[str, Path(max_length=64)]) -> str:
    if not await state.registry.exists(id):
        raise not_found()
    await state.registry.touch(id)
    return id


SessionId = Annotated[str, Depends(session_id)]


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def owner(state: State, sid: SessionId,
                authorization: Annotated[str | None, Header()] = None) -> str:
    token = bearer(authorization)
    if token is None:
        raise ApiError(401, "missing_token", "this change needs the session's token: "
                       "Authorization: Bearer <token>", "Authorization",
                       headers={"WWW-Authenticate": "Bearer"})
    if not await state.registry.allows(sid, token):
        raise ApiError(403, "wrong_token", "this token does not own the session", "Authorization")
    return sid


Owner = Annotated[str, Depends(owner)]


def check_config_limits(settings: Settings, config: dict[str, Any]) -> None:
    """Server limits on layers, neurons and points; 422 ``over_limit`` naming the limit."""
    layers = config.get("hidden_layers")
    if layers is not None:
        if len(layers) > settings.max_layers:
            raise over_limit("hidden_layers", "max_layers", len(layers), settings.max_layers)
        for i, n in enumerate(layers):
            if n > settings.max_neurons:
                raise over_limit(f"hidden_layers[{i}]", "max_neurons", n, settings.max_neurons)
    dataset = config.get("dataset") or {}
    n = dataset.get("n_points")
    if n is not None and n > settings.max_points:
        raise over_limit("dataset.n_points", "max_points", n, settings.max_points)


def check_epochs(settings: Settings, epochs: int, field: str = "epochs") -> None:
    if epochs > settings.max_epochs_per_call:
        raise over_limit(field, "max_epochs_per_call", epochs, settings.max_epochs_per_call)
