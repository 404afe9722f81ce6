"""Room for a new session on a full server: evict the least recently used idle sessions.

At ``max_sessions`` a new session takes the place of the least recently used one that is idle:
not running, with no page open (no stream connected, on any replica), and not kept. The
session's worker has the last word (``delete_idle``: it refuses a session that is running or
watched, whatever the registry last heard). An evicted id answers 404 ``expired``. Only when
no session can go is the answer 503 ``session_limit``. What it leaves out: per-client quotas
(``quotas.py``) and the expiry of idle sessions by age (``app.py``).
"""

from __future__ import annotations

import logging

from ..sessions.errors import SessionError
from .deps import AppState
from .errors import session_limit

log = logging.getLogger("nnplayground.room")
CANDIDATES = 32  # sessions tried for one new one (a few may be busy)


async def make_room(state: AppState) -> None:
    """Return once there is room for one more session, or raise ``session_limit``."""
    cap = state.settings.max_sessions
    over = await state.registry.count() - cap + 1
    if over <= 0:
        return
    for sid in await state.registry.least_recent(over + CANDIDATES):
        if state.pool.watcher_count(sid):
            continue
        try:
            await state.pool.call(sid, "delete_idle")
        except SessionError as exc:  # running or watched after all, or gone
            if exc.kind != "not_found":
                continue
        await state.registry.expire(sid)
        state.pool.release(sid)
        log.info("evicted idle session %s to make room (the server holds %d)", sid, cap)
        over -= 1
        if over <= 0:
            return
    raise session_limit(cap)
