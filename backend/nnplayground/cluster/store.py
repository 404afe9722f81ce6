"""The ``redis://`` store: session states in Redis hashes, loss histories in Redis streams.

Same interface as ``memory`` and ``sqlite`` (:class:`~nnplayground.sessions.store.Store`),
plus two things a shared store needs:

* Histories are append-only between resets, so a checkpoint should not rewrite a history of a
  million epochs. The state's ``history`` (base64 of float64 arrays) is stored as raw bytes in
  a stream, one entry per checkpoint holding only the bytes added since the previous one. The
  hash keeps each series' byte length and a digest of the stored bytes; a save whose history
  does not start with exactly the stored bytes (a reset, an imported model) rewrites the stream
  as one entry. The stream is capped: past ``MAX_ENTRIES`` entries the next save compacts it
  into one, so a history costs at most that many entries however long the session trains (its
  length is bounded by the ``max_history`` setting; nothing is ever trimmed away).
* Fencing: a store opened with ``fence=<replica id>`` (what the training workers of a replica
  use) saves a session only while that replica holds its ownership lease, checked atomically
  in the same Lua script; otherwise :class:`LeaseLostError`, so a replica that lost a session to
  another one can never overwrite the new owner's checkpoints.

A state whose ``history`` is not a dict of base64 strings is stored whole in the hash. Redis
errors raise :class:`~nnplayground.sessions.errors.UnavailableError`. What it leaves out:
leases themselves (``pool.py`` takes and renews them), the API's registry (``registry.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from .client import sync_client, text, unavailable
from .keys import Keys

MAX_ENTRIES = 64

# KEYS: state, hist, index, lease. ARGV: fence ('' = none), mode (append|rewrite|inline),
# expected digest (append), state json, hist meta ('' = inline), digest, token_hash, updated,
# status, sid, index entry, then field/value pairs of one stream entry (none: nothing to add).
SAVE = """
if ARGV[1] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[1] then return 'lost' end
if ARGV[2] == 'append' then
  if redis.call('HGET', KEYS[1], 'hdigest') ~= ARGV[3] then return 'stale' end
else
  redis.call('DEL', KEYS[2])
end
if #ARGV > 11 then
  local fields = {}
  for i = 12, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('XADD', KEYS[2], '*', unpack(fields))
end
if ARGV[5] == '' then
  redis.call('HDEL', KEYS[1], 'hist', 'hdigest')
else
  redis.call('HSET', KEYS[1], 'hist', ARGV[5], 'hdigest', ARGV[6])
end
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'token_hash', ARGV[7], 'updated', ARGV[8],
           'status', ARGV[9])
redis.call('HSET', KEYS[3], ARGV[10], ARGV[11])
return 'ok'
"""


class LeaseLostError(Exception):
    """A fenced save of a session whose lease another replica holds now (or nobody does)."""


def _split(history: Any) -> dict[str, bytes] | None:
    """The history's series as bytes, or None if it is not a dict of canonical base64."""
    if not isinstance(history, dict):
        return None
    raw = {}
    for k, v in history.items():
        if not isinstance(k, str) or not isinstance(v, str):
            return None
        try:
            b = base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            return None
        if base64.b64encode(b).decode() != v:
            return None
        raw[k] = b
    return raw


def _digests(raw: dict[str, bytes], lens: dict[str, int]) -> tuple[str, str]:
    """Digests of the first ``lens[k]`` bytes of every series and of all of them, one pass."""
    prefix, full = hashlib.blake2b(digest_size=16), hashlib.blake2b(digest_size=16)
    for k in sorted(raw):
        data = memoryview(raw[k])
        h = hashlib.blake2b(data[: lens.get(k, 0)], digest_size=16)
        prefix.update(k.encode() + b"\0" + h.digest())
        h.update(data[lens.get(k, 0):])
        full.update(k.encode() + b"\0" + h.digest())
    return prefix.hexdigest(), full.hexdigest()


class RedisStore:
    """Session states in Redis; ``fence``: only save sessions whose lease this replica holds."""

    def __init__(self, url: str, fence: str | None = None, keys: Keys | None = None) -> None:
        self.keys = keys or Keys()
        self.fence = fence
        self._r = sync_client(url)
        self._save = self._r.register_script(SAVE)
        # What this process last wrote or read of each history: (lens, digest, entries).
        self._meta: dict[str, tuple[dict[str, int], str, int]] = {}

    def load(self, id: str) -> dict[str, Any] | None:
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.hmget(self.keys.state(id), "state", "hist", "hdigest")
            pipe.xrange(self.keys.hist(id))
            (head, meta, digest), entries = pipe.execute()
        if head is None:
            self._meta.pop(id, None)
            return None
        state: dict[str, Any] = json.loads(head)
        if meta is None:
            self._meta.pop(id, None)
            return state
        lens: dict[str, int] = json.loads(meta)
        parts: dict[str, list[bytes]] = {k: [] for k in lens}
        for _, fields in entries:
            for k, v in fields.items():
                parts.setdefault(text(k), []).append(v)
        state["history"] = {k: base64.b64encode(b"".join(parts[k])).decode() for k in lens}
        self._meta[id] = (lens, text(digest), len(entries))
        return state

    def save(self, state: dict[str, Any]) -> None:
        with unavailable():
            for _ in range(2):  # a second try after a 'stale' answer, as a full rewrite
                if self._try_save(state):
                    return
                self._meta.pop(state["id"], None)
            raise AssertionError("unreachable: a rewrite is never stale")  # pragma: no cover

    def _try_save(self, state: dict[str, Any]) -> bool:
        sid = state["id"]
        raw = _split(state.get("history"))
        head = {k: v for k, v in state.items() if k != "history"} if raw is not None else state
        args: list[Any] = [self.fence or ""]
        fields: list[Any] = []
        if raw is None:
            args += ["inline", "", json.dumps(head), "", ""]
            new_meta = None
        else:
            lens = {k: len(v) for k, v in raw.items()}
            old = self._meta.get(sid)
            appendable = (old is not None and list(old[0]) == list(raw)
                          and all(lens[k] >= old[0][k] for k in raw)
                          and old[2] < MAX_ENTRIES)
            mode, entries, start = "rewrite", 0, {}
            if appendable and old is not None:
                expected, digest = _digests(raw, old[0])
                if expected == old[1]:  # the history continues what is stored
                    mode, entries, start = "append", old[2], old[0]
            if mode == "rewrite":
                expected, digest = _digests(raw, start)
            tail = {k: v[start.get(k, 0):] for k, v in raw.items()}
            if any(tail.values()):
                for k, v in tail.items():
                    fields += [k, v]
                entries += 1
            args += [mode, expected, json.dumps(head), json.dumps(lens), digest]
            new_meta = (lens, digest, entries)
        args += [state.get("token_hash", ""), repr(float(state.get("updated", 0.0))),
                 str(state.get("status", "")), sid,
                 json.dumps([state.get("token_hash", ""), state.get("updated", 0.0)]), *fields]
        keys = [self.keys.state(sid), self.keys.hist(sid), self.keys.index, self.keys.lease(sid)]
        answer = self._save(keys=keys, args=args)
        answer = text(answer)
        if answer == "lost":
            self._meta.pop(sid, None)
            raise LeaseLostError(sid)
        if answer == "stale":
            return False
        if new_meta is None:
            self._meta.pop(sid, None)
        else:
            self._meta[sid] = new_meta
        return True

    def delete(self, id: str) -> None:
        with unavailable():
            pipe = self._r.pipeline(transaction=True)
            pipe.delete(self.keys.state(id), self.keys.hist(id))
            pipe.hdel(self.keys.index, id)
            pipe.execute()
        self._meta.pop(id, None)

    def index(self) -> list[tuple[str, str, float]]:
        with unavailable():
            entries = self._r.hgetall(self.keys.index)
        out = []
        for sid, raw in entries.items():
            token_hash, updated = json.loads(raw)
            out.append((text(sid), token_hash, updated))
        return out

    def classrooms(self) -> dict[str, str]:
        """Nothing: the Redis registry keeps every class's members itself."""
        return {}

    def close(self) -> None:
        self._r.close()
