"""Input feature maps over the raw 2-D point ``(x1, x2)``, as in TensorFlow Playground.

``FEATURES[name](X)`` maps raw inputs ``X`` of shape ``(2, m)`` to one row of shape ``(m,)``;
:func:`feature_matrix` stacks the chosen ones into the network's input ``(n_features, m)``.
The tutorial's networks use the identity features ``("x1", "x2")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

FEATURES: dict[str, Callable[[Array], Array]] = {
    "x1": lambda X: X[0],
    "x2": lambda X: X[1],
    "x1^2": lambda X: X[0] ** 2,
    "x2^2": lambda X: X[1] ** 2,
    "x1*x2": lambda X: X[0] * X[1],
    "sin_x1": lambda X: np.sin(X[0]),
    "sin_x2": lambda X: np.sin(X[1]),
}

DEFAULT_FEATURES = ("x1", "x2")


def feature_matrix(names: Sequence[str], X: Array, dtype: type = np.float64) -> Array:
    """Stack the named features of raw points ``X`` (shape ``(2, m)``) into ``(len(names), m)``."""
    out: Array = np.empty((len(names), X.shape[1]), dtype=dtype)
    for i, name in enumerate(names):
        out[i] = FEATURES[name](X)
    return out
