"""Two classic sets TensorFlow Playground lacks: "moons" and the three-class "blobs3".

Both are drawn on [-6, 6]² like Playground's sets and return all ``n`` points unshuffled as
``X`` of shape ``(2, n)`` with int64 labels of shape ``(n,)``. Noise moves the points (labels
are never flipped). Shuffling and the train/test split are not done here.
"""

from __future__ import annotations

import numpy as np

from .targets import FloatArray, IntArray

MOONS_SCALE = 3.5
"""Scikit-learn's moons span x1 in [-1, 2], x2 in [-0.5, 1]; centred and scaled by this."""


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` shape), centred on 0.

    Label 0 is the upper arc ``(cos t, sin t)``, label 1 the lower arc
    ``(1 - cos t, 0.5 - sin t)``, with ``t`` uniform in [0, pi] (random, not evenly spaced).
    Noise adds Gaussian jitter of standard deviation ``noise`` in the unscaled units.
    """
    n_upper = n // 2
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t[:n_upper]), np.sin(t[:n_upper])])
    lower = np.stack([1.0 - np.cos(t[n_upper:]), 0.5 - np.sin(t[n_upper:])])
    X = np.concatenate([upper, lower], axis=1) + noise * rng.standard_normal((2, n))
    X = (X - np.array([[0.5], [0.25]])) * MOONS_SCALE
    labels = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n - n_upper, np.int64)])
    return X, labels


BLOB_CENTRES = 4.0 * np.array(
    [[np.cos(a) for a in (np.pi / 2, 7 * np.pi / 6, 11 * np.pi / 6)],
     [np.sin(a) for a in (np.pi / 2, 7 * np.pi / 6, 11 * np.pi / 6)]]
)  # fmt: skip
"""Centres of classes 0, 1, 2 (columns): top, lower left, lower right, at radius 4."""


def blobs3(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Three isotropic Gaussian blobs, one per class, as even in size as ``n`` allows.

    The variance follows Playground's two Gaussians: 0.5 at no noise, rising to 4 at 0.5.
    """
    variance = 0.5 + noise / 0.5 * 3.5
    labels = np.repeat(np.arange(3, dtype=np.int64), [n // 3 + (k < n % 3) for k in range(3)])
    X = BLOB_CENTRES[:, labels] + np.sqrt(variance) * rng.standard_normal((2, n))
    return X, labels
