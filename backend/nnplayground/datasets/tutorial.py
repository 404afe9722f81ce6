"""The tutorial's own datasets: four truth tables, the unit-square circle, and the sine surface.

Truth tables are the four points ``X = [[0, 0, 1, 1], [0, 1, 0, 1]]`` in that column order and
ignore ``n``, ``noise`` and the generator. Naming follows the tutorial, which calls the target
``Y = [[0, 1, 1, 0]]`` of its first example "XNOR": so ``"xnor"`` and ``"xor_table"`` both have
labels ``[0, 1, 1, 0]`` (a textbook XNOR would be ``[1, 0, 0, 1]``; no such set is offered).

"circle_unit" and "sin_regression" draw ``n`` points uniformly in [0, 1]². Noise works as in
TensorFlow Playground: the label (or target) is read at a copy of the point displaced by up to
``noise * 0.5`` per coordinate (half the square's width times the noise fraction); the point
itself stays. Shuffling and the train/test split are not done here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .targets import FloatArray, IntArray

TRUTH_TABLE_X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])

TRUTH_TABLES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "xor_table": (0, 1, 1, 0),
    "xnor": (0, 1, 1, 0),  # the tutorial's name for Y = [[0, 1, 1, 0]]; see the module docstring
}

CIRCLE_UNIT_THRESHOLD = 0.5
"""``circle_unit`` labels a point 1 when ``x1² + x2² > CIRCLE_UNIT_THRESHOLD``."""


def truth_table(
    name: str,
) -> Callable[[int, float, np.random.Generator], tuple[FloatArray, IntArray]]:
    """Return a generator of the four points of truth table ``name`` (a key of TRUTH_TABLES)."""
    labels = TRUTH_TABLES[name]

    def generate(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
        return TRUTH_TABLE_X.copy(), np.array(labels, dtype=np.int64)

    generate.__name__ = f"truth_table_{name}"
    generate.__doc__ = f"The four points of {name!r} with labels {list(labels)}."
    return generate


def _unit_square(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """``n`` uniform points in [0, 1]² and the displaced copies their labels are read at."""
    X = rng.uniform(0.0, 1.0, (2, n))
    return X, X + rng.uniform(-0.5, 0.5, (2, n)) * noise


def circle_unit(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Label 1 outside the quarter circle ``x1² + x2² = 0.5``, label 0 inside it."""
    X, seen = _unit_square(n, noise, rng)
    return X, (seen[0] ** 2 + seen[1] ** 2 > CIRCLE_UNIT_THRESHOLD).astype(np.int64)


def sin_regression(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Regression target ``sin(pi * x1) * x2``."""
    X, seen = _unit_square(n, noise, rng)
    return X, np.sin(np.pi * seen[0]) * seen[1]
