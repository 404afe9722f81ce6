"""The names of everything the redis backend keeps in Redis, in one place.

Every key and channel starts with a prefix (``nnp:``; the database number in the URL separates
deployments). Per session ``sid``:

* ``state:{sid}`` hash: ``state`` (the session's JSON state without its loss history),
  ``hist`` (JSON: byte length of every history series), ``hdigest`` (a digest of those bytes),
  ``token_hash``, ``updated``, ``status``;
* ``hist:{sid}`` stream: the loss history, one entry per checkpoint holding the bytes it added;
* ``lease:{sid}`` string with a TTL: the replica that owns (trains) the session;
* channel ``ev:{sid}``: the session's events, for watchers on every replica.

Shared: ``index`` (hash id -> ``[token_hash, updated]``, the store's index), ``reg``,
``active``, ``running``, ``clients``, ``held``, ``opened``, ``kept``, ``expired`` (the API's
registry: id -> token hash, last activity, running flag, id -> the client holding it, client ->
sessions held, ids used after creation, ids kept, ids evicted or expired -> when),
``owned`` (sorted set id -> lease expiry in ms, to find leases that ran out), ``run`` (hash id ->
step target, 0 for none: sessions whose owner reported them running), ``replicas`` (sorted set
replica -> last heartbeat in ms), ``rows`` (hash id -> a fork's dashboard row, JSON),
``members:{client}`` (set: the ids a client holds, e.g. a class), ``viewers:{replica}``
(hash id -> watchers on that replica);
channels ``r:{replica}`` (commands and replies for one replica) and ``viewers`` (watcher count
changes). What it leaves out: the redis client (this module imports nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "nnp:"


@dataclass(frozen=True)
class Keys:
    """Key and channel names under one prefix."""

    prefix: str = PREFIX

    def state(self, sid: str) -> str:
        return f"{self.prefix}state:{sid}"

    def hist(self, sid: str) -> str:
        return f"{self.prefix}hist:{sid}"

    def lease(self, sid: str) -> str:
        return f"{self.prefix}lease:{sid}"

    def events(self, sid: str) -> str:
        return f"{self.prefix}ev:{sid}"

    def inbox(self, replica: str) -> str:
        return f"{self.prefix}r:{replica}"

    def viewers(self, replica: str) -> str:
        return f"{self.prefix}viewers:{replica}"

    @property
    def index(self) -> str:
        return f"{self.prefix}index"

    @property
    def registry(self) -> str:
        return f"{self.prefix}reg"

    @property
    def active(self) -> str:
        return f"{self.prefix}active"

    @property
    def clients(self) -> str:
        return f"{self.prefix}clients"

    @property
    def held(self) -> str:
        return f"{self.prefix}held"

    @property
    def opened(self) -> str:
        return f"{self.prefix}opened"

    @property
    def kept(self) -> str:
        return f"{self.prefix}kept"

    @property
    def expired(self) -> str:
        return f"{self.prefix}expired"

    @property
    def running(self) -> str:
        return f"{self.prefix}running"

    @property
    def owned(self) -> str:
        return f"{self.prefix}owned"

    @property
    def run(self) -> str:
        return f"{self.prefix}run"

    @property
    def rows(self) -> str:
        return f"{self.prefix}rows"

    def members(self, client: str) -> str:
        return f"{self.prefix}members:{client}"

    @property
    def replicas(self) -> str:
        return f"{self.prefix}replicas"

    @property
    def viewers_channel(self) -> str:
        return f"{self.prefix}viewers"
