"""REST routes of a class: the teacher's dashboard of forks, and the challenge check.

``GET /api/sessions/{id}/forks`` (the owner's token only) lists every fork in the session's
class (forks of it, and forks of those) as rows (``training/payloads.row``): nickname, epoch,
status, last figures, network, a small boundary thumbnail, challenge met. The rows come from
what the forks' workers last sent (kept by the pool: in this process, or in Redis for every
replica), so a listing costs no training time; a fork without a row yet (e.g. after a
restart) is asked once, a few per request. ``GET /api/sessions/{id}/challenge`` says whether
the session's challenge is met and why, for anyone with the id (an autograder). The owner's
stream carries the same rows (``stream.py``, ``forks`` messages). What it leaves out: the
rows' contents (the worker's) and tokens (no row holds one).
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from ..sessions.errors import SessionError
from .deps import AppState, Owner, SessionId, State
from .errors import no_challenge
from .quotas import CLASS

router = APIRouter(prefix="/api/sessions", tags=["classroom"])
FILL = 32  # rows asked of workers per listing at most (the others on the next ones)


async def fork_rows(state: AppState, sid: str) -> list[dict[str, Any]]:
    """The rows of ``sid``'s class, in a stable order (by id)."""
    ids = await state.registry.members(CLASS + sid)
    rows = await state.pool.rows(ids)
    missing = [i for i in ids if i not in rows][:FILL]
    asked = await asyncio.gather(*(state.pool.call(i, "row") for i in missing),
                                 return_exceptions=True)
    for i, row in zip(missing, asked, strict=True):
        if isinstance(row, dict):
            rows[i] = row
        elif not isinstance(row, SessionError):  # a bug, not a fork that just went away
            raise row
    return [{**rows[i], "watchers": state.pool.watcher_count(i)} for i in ids if i in rows]


@router.get("/{id}/forks")
async def forks(sid: Owner, state: State) -> dict[str, Any]:
    """The class's forks, one row each: ``id``, ``nickname``, ``epoch``, ``status``, ``last``
    figures, ``layers``, ``activation``, ``features``, ``thumbnail`` (the output over a small
    grid, quantised as in snapshots) and ``challenge`` (met, at which epoch). No tokens."""
    rows = await fork_rows(state, sid)
    return {"id": sid, "count": len(rows), "rows": rows}


@router.get("/{id}/challenge")
async def challenge(sid: SessionId, state: State) -> dict[str, Any]:
    """Whether the session's challenge is met (``met``, first at ``met_at``: epoch, time, the
    configuration and figures that met it) and why: each condition with its current value.
    ``classroom`` names the teacher's session a fork belongs to (``null`` for others)."""
    status: dict[str, Any] | None = await state.pool.call(sid, "challenge")
    if status is None:
        raise no_challenge()
    return {"id": sid, **status}
