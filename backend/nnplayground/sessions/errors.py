"""What can go wrong with a request about a session, in the domain's words.

Not found, refused (it conflicts with the session's state, e.g. training a diverged run),
invalid (a configuration or dataset the engine or datasets reject, naming the field),
unavailable (the store, a worker or a replica cannot be reached right now), timed out, and
internal (a bug in a worker). Workers, pools, stores and registries raise these; they cross
process and replica boundaries as plain data (:meth:`SessionError.to_dict`, :func:`from_dict`).
What it leaves out: HTTP. Only the API (``api/errors.py``) turns a kind into a status.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..datasets import DatasetError
from ..engine import EngineError


class SessionError(Exception):
    """Base of the domain's errors: a ``kind``, a human ``message``, the ``field`` at fault."""

    kind: ClassVar[str] = "internal"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "field": self.field}


class NotFoundError(SessionError):
    """No session with that id."""

    kind = "not_found"

    def __init__(self, message: str = "no session with this id", field: str | None = None
                 ) -> None:
        super().__init__(message, field)


class RefusedError(SessionError):
    """A request that conflicts with the session's state."""

    kind = "refused"


class InvalidError(SessionError):
    """A configuration or dataset (``subject``) that cannot be built or run."""

    kind = "invalid"

    def __init__(self, message: str, field: str | None = None, subject: str = "config") -> None:
        super().__init__(message, field)
        self.subject = subject

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "subject": self.subject}


class UnavailableError(SessionError):
    """The store, a training worker or another replica cannot be reached right now."""

    kind = "unavailable"


class TimedOutError(SessionError):
    """A call that did not finish within its time."""

    kind = "timed_out"


class InternalError(SessionError):
    """A bug: the worker logged it and goes on serving everyone else."""


KINDS: dict[str, type[SessionError]] = {c.kind: c for c in (
    NotFoundError, RefusedError, InvalidError, UnavailableError, TimedOutError, InternalError)}


def from_dict(info: dict[str, Any]) -> SessionError:
    """The error :meth:`SessionError.to_dict` described (an unknown kind is internal)."""
    cls = KINDS.get(str(info.get("kind")), InternalError)
    message, field = str(info.get("message", "")), info.get("field")
    if cls is InvalidError:
        return InvalidError(message, field, str(info.get("subject", "config")))
    return cls(message, field)


def invalid(exc: EngineError | DatasetError) -> InvalidError:
    """The engine's or the datasets' refusal as the domain's."""
    subject = "dataset" if isinstance(exc, DatasetError) else "config"
    return InvalidError(exc.message, exc.field, subject)


def timed_out(op: str) -> TimedOutError:
    return TimedOutError(f"{op} did not finish in time")
