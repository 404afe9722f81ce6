"""The classic 2-2-2 worked example's data: one point ``(0.05, 0.10)`` with targets
``(0.01, 0.99)``.

It is the single training point of the well-known hand-worked backpropagation example (a 2-2-2
sigmoid network updated once at learning rate 0.5), a two-output regression. The generator
ignores ``n``, ``noise`` and the random generator; the weights of the example live in
``presets``, not here.
"""

from __future__ import annotations

import numpy as np

from .targets import FloatArray

WORKED_X = np.array([[0.05], [0.10]])
"""The one input point, as a ``(2, 1)`` column."""

WORKED_TARGETS = np.array([[0.01, 0.99]])
"""Its two regression targets, shape ``(1, 2)`` (one row per point)."""


def worked_example(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """The fixed point and its two targets (copies, so callers may modify them)."""
    return WORKED_X.copy(), WORKED_TARGETS.copy()
