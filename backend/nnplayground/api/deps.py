"""FastAPI dependencies: settings, the pool and registry, the session id, the token.

``SessionId`` resolves a path id to a known session or answers not found without saying more;
``Owner`` additionally requires ``Authorization: Bearer <token>`` (missing or wrong: the
answers of ``errors.py``). What it leaves out: talking to workers (routes call the pool),
limits (``limits.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from ..config import Settings
from ..sessions.pool import Pool
from ..sessions.registry import SessionRegistry
from .errors import missing_token, not_found, wrong_token


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
        raise missing_token()
    if not await state.registry.allows(sid, token):
        raise wrong_token()
    return sid


Owner = Annotated[str, Depends(owner)]

