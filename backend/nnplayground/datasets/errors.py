"""The one error the datasets package raises: a bad dataset choice or a bad user-supplied point.

``field`` names what was wrong in the caller's terms (``"noise"``, ``"train[3].x1"``) so an API
layer can point at it. It knows nothing about HTTP status codes or response bodies.
"""

from __future__ import annotations


class DatasetError(ValueError):
    """A dataset spec or a list of points that cannot be used; ``field`` names the culprit.

    ``message`` (also ``str(error)``) is a whole sentence that already mentions the field.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters, for quoting user input in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
