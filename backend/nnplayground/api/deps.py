"""FastAPI dependencies: settings, the pool and registry, the client, the session id, the token.

``SessionId`` resolves a path id to a known session or answers not found without saying more
(or ``expired`` for one that was evicted or outlived its idle lifetime);
``Owner`` requires ``Authorization: Bearer <token>`` first (missing: 401 whatever the id), then
a known session it owns (the answers of ``errors.py``); the OpenAPI document declares it as an
HTTP bearer scheme. What it leaves out: talking to workers (routes call the pool), limits
(``limits.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..config import Settings
from ..sessions.pool import Pool
from ..sessions.registry import SessionRegistry
from .errors import expired, missing_token, not_found, wrong_token
from .quotas import Quotas


@dataclass
class AppState:
    """What the lifespan creates and every request uses."""

    settings: Settings
    pool: Pool  # a WorkerPool, or a ClusterPool with a redis:// store
    registry: SessionRegistry
    quotas: Quotas


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.nnp
    return state


State = Annotated[AppState, Depends(get_state)]


def client_address(request: Request) -> str:
    """Who is asking: the peer address (the forwarded one behind a trusted proxy)."""
    return request.client.host if request.client else "unknown"


Client = Annotated[str, Depends(client_address)]


async def session_id(state: State, id: Annotated[str, Path(max_length=64)]) -> str:
    if not await state.registry.exists(id):
        raise expired() if await state.registry.expired(id) else not_found()
    await state.registry.touch(id)
    return id


SessionId = Annotated[str, Depends(session_id)]


#: the session's token: ``Authorization: Bearer <token>`` (checked by :func:`owner`)
TOKEN = HTTPBearer(auto_error=False, scheme_name="token",
                   description="the session's secret token, returned when it is created")


async def owner(state: State, id: Annotated[str, Path(max_length=64)],
                credentials: Annotated[HTTPAuthorizationCredentials | None,
                                       Depends(TOKEN)] = None) -> str:
    """The session ``id`` if the request carries its token: without a token 401 whatever the
    id (authentication first), then the id's 404, then 403 for another session's token."""
    token = credentials.credentials.strip() if credentials is not None else None
    if not token:
        raise missing_token()
    sid = await session_id(state, id)
    if not await state.registry.allows(sid, token):
        raise wrong_token()
    return sid


Owner = Annotated[str, Depends(owner)]

