"""A session a training worker owns, with everything the worker keeps about it, in one object.

The worker's table is ``sid -> Owned``: forgetting a session is one deletion. Every "last
time" starts at minus infinity (or ``None`` where the first chunk sets it), so no behaviour
depends on how long the machine has been up. What it leaves out: what these figures are used
for (``scheduler.py``, ``worker.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..sessions.session import Session
from .pace import Play
from .payloads import Snapshot


@dataclass(eq=False)
class Owned:
    session: Session
    #: the quota key of the client it trains for (the API's; ``""``: unknown, its own)
    client: str = ""
    #: watchers of the session (the whole cluster's, in a cluster), and how many of them
    #: want the display stream (``?detail=display``; one machine's only)
    watchers: int = 0
    display_watchers: int = 0
    #: a run started by Play: its pace and stop condition (``None``: not running by Play)
    play: Play | None = None
    #: the epoch a ``step`` stops at, and the requests answered when it does
    target: int | None = None
    waiting: list[int] = field(default_factory=list)
    #: seconds an epoch takes (a moving average; ``None`` until measured)
    epoch_seconds: float | None = None
    #: seconds trained since the session last started running
    used: float = 0.0
    #: the last epoch published to watchers (``None``: none since it was loaded)
    sent: int | None = None
    sent_at: float = -math.inf
    last_snapshot: float = -math.inf
    #: when its dashboard row (a fork's, ``payloads.row``) was last sent, and its version
    row_at: float = -math.inf
    row_version: int = -1
    #: what the last diagnostics news said (findings and divergence), and when it was sent
    news_key: str = ""
    news_at: float = -math.inf
    #: a diverged state's stand-in snapshot (``payloads.live_snapshot``: a rebuilt past
    #: epoch's) and the session version it is of
    stand_in: tuple[int, Snapshot | None] | None = None
    #: when it was last checkpointed (``None``: not since it was loaded)
    last_checkpoint: float | None = None
    #: a checkpoint that could not reach the store, to retry (cluster)
    unsaved: bool = False

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def fair_key(self) -> str:
        """Whose share of the CPU it trains in: its client's, or its own when unknown."""
        return self.client or "session:" + self.id
