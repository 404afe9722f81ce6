"""Errors the engine raises: a bad configuration or data, and a run that diverged.

Both carry enough for a caller (CLI, REST, the training worker) to say what went wrong in
words; neither knows anything about HTTP.
"""

from __future__ import annotations


class EngineError(ValueError):
    """Base of the engine's errors; ``field`` names the offending option when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConfigError(EngineError):
    """A configuration the engine cannot build or run (sizes, names, combinations, shapes)."""


class DivergenceError(EngineError):
    """Training produced a non-finite loss or parameter.

    ``epoch`` is the first epoch whose loss was not finite; ``losses`` holds the finite
    per-epoch losses computed before it in the same call (already counted in ``Network.epoch``).
    """

    def __init__(self, epoch: int, completed: int) -> None:
        super().__init__(
            f"training diverged at epoch {epoch}: the loss or a parameter became NaN or infinite "
            "(try a smaller learning rate)"
        )
        self.epoch = epoch
        self.completed = completed
