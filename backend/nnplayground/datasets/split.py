"""Shuffle generated points and cut them into a training and a test set.

The cut is at ``floor(m * ratio)`` (as TensorFlow Playground does), kept within ``1..m`` so a
non-empty dataset always has a training point. It does not stratify by class.
"""

from __future__ import annotations

import math

import numpy as np

from .targets import FloatArray, Labels


def n_train(m: int, ratio: float) -> int:
    """Number of training points when ``m`` points are split at ``ratio``."""
    # The tiny epsilon keeps e.g. 100 * 0.57 = 56.999999999999993 from rounding down to 56.
    return min(m, max(1, math.floor(m * ratio + 1e-9)))


def shuffle_split(
    X: FloatArray, y: Labels, ratio: float, rng: np.random.Generator
) -> tuple[FloatArray, Labels, FloatArray, Labels]:
    """Permute the columns of ``X`` (and ``y``) with ``rng``, then split at ``ratio``."""
    order = rng.permutation(X.shape[1])
    X, y = X[:, order], y[order]
    k = n_train(X.shape[1], ratio)
    # Column slices of a (2, m) array are strided; copy them so each row is contiguous.
    return np.ascontiguousarray(X[:, :k]), y[:k], np.ascontiguousarray(X[:, k:]), y[k:]
