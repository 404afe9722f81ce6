"""Turn stored labels or regression values into the network's target matrix ``Y``.

Binary classification gives ``(1, m)`` floats 0/1, ``k > 2`` classes give one-hot ``(k, m)``,
regression gives ``(1, m)`` floats from values of shape ``(m,)``, or ``(k, m)`` from values of
shape ``(m, k)`` (a multi-output regression such as the 2-2-2 worked example). It does not
check that every class occurs, nor does it choose a loss or output activation to go with the
targets.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .errors import DatasetError

Problem = Literal["classification", "regression"]
PROBLEMS: tuple[Problem, ...] = ("classification", "regression")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Labels = IntArray | FloatArray
"""Per-point labels: ``int64`` class indices of shape ``(m,)``, or ``float64`` regression values
of shape ``(m,)`` (one output) or ``(m, k)`` (``k`` outputs)."""


def targets(labels_or_values: Labels, problem: Problem, n_classes: int) -> FloatArray:
    """Return the target matrix for ``labels_or_values`` as float64.

    Labels have shape ``(m,)``; regression values may also have shape ``(m, k)``, giving a
    ``(k, m)`` matrix. Raises :class:`DatasetError` if the shape does not fit, ``n_classes`` does
    not fit the problem, or a class label is outside ``0..n_classes-1``.
    """
    y = np.asarray(labels_or_values)
    if problem == "regression":
        if y.ndim == 2:
            return np.ascontiguousarray(y.T, dtype=np.float64)
        if y.ndim != 1:
            raise DatasetError(f"regression values must have shape (m,) or (m, k), got {y.shape}",
                               "labels")
        return y.astype(np.float64).reshape(1, -1)
    if y.ndim != 1:
        raise DatasetError(f"labels must have shape (m,), got {y.shape}", "labels")
    if problem != "classification":
        raise DatasetError(f"unknown problem {problem!r}; expected one of {PROBLEMS}", "problem")
    if n_classes < 2:
        raise DatasetError(f"classification needs n_classes >= 2, got {n_classes}", "n_classes")
    idx = y.astype(np.int64)
    if y.size and (not np.array_equal(idx, y) or idx.min() < 0 or idx.max() >= n_classes):
        raise DatasetError(f"class labels must be integers in 0..{n_classes - 1}", "labels")
    if n_classes == 2:
        return idx.astype(np.float64).reshape(1, -1)
    one_hot = np.zeros((n_classes, idx.size), dtype=np.float64)
    one_hot[idx, np.arange(idx.size)] = 1.0
    return one_hot
