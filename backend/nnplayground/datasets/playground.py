"""TensorFlow Playground's six datasets, ported to NumPy with a caller-supplied generator.

Each function returns all ``n`` points unshuffled, as ``X`` of shape ``(2, n)`` and labels of
shape ``(n,)``. The definitions follow Playground's ``dataset.ts`` with two changes: class labels
are 0/1 instead of -1/+1 (Playground's +1 class becomes 1), and the "plane" target is clipped to
[-1, 1] (Playground's linear scale reaches about ±1.2 in the corners, more with noise). With an
odd ``n`` the two classes differ in size by one instead of Playground's rounding up to ``n + 1``.
``noise`` is a fraction in [0, 0.5] used exactly as Playground uses its 0..50% slider: for
circle, XOR and the regressions the label is read at a randomly displaced copy of the point (the
point itself stays), for the spiral the point moves, for the Gaussians the variance grows.
Shuffling and the train/test split are not done here.
"""

from __future__ import annotations

import numpy as np

from .targets import FloatArray, IntArray


def _halves(n: int) -> tuple[int, int]:
    """Sizes of the label-1 and the label-0 group of ``n`` points."""
    return n - n // 2, n // 2


def _labels(n_pos: int, n_neg: int) -> IntArray:
    return np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Label 1 inside radius 2.5, label 0 in the ring 3.5..5 (labels read after noise)."""
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate(
        [rng.uniform(0.0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)]
    )
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)])
    shifted = X + rng.uniform(-radius, radius, (2, n)) * noise
    labels = (np.hypot(shifted[0], shifted[1]) < radius * 0.5).astype(np.int64)
    return X, labels


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Label 1 where ``x1 * x2 >= 0`` (quadrants I and III); points kept 0.3 off the axes."""
    X = rng.uniform(-5.0, 5.0, (2, n))
    X += np.where(X > 0, 0.3, -0.3)
    shifted = X + rng.uniform(-5.0, 5.0, (2, n)) * noise
    labels = (shifted[0] * shifted[1] >= 0).astype(np.int64)
    return X, labels


def gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Label 1 around (2, 2), label 0 around (-2, -2); variance 0.5 at no noise, 4 at 0.5."""
    variance = 0.5 + noise / 0.5 * 3.5
    n_pos, n_neg = _halves(n)
    centres = np.concatenate([np.full(n_pos, 2.0), np.full(n_neg, -2.0)])
    X = centres + np.sqrt(variance) * rng.standard_normal((2, n))
    return X, _labels(n_pos, n_neg)


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Two interleaved spirals of 1.75 turns out to radius 5; label 1 starts at angle 0."""
    n_pos, n_neg = _halves(n)
    arms = []
    for count, delta in ((n_pos, 0.0), (n_neg, np.pi)):
        frac = np.arange(count) / max(count, 1)
        r = frac * 5.0
        t = 1.75 * frac * 2 * np.pi + delta
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)]))
    X = np.concatenate(arms, axis=1) + rng.uniform(-1.0, 1.0, (2, n)) * noise
    return X, _labels(n_pos, n_neg)


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Regression target ``(x1 + x2) / 10`` clipped to [-1, 1], on uniform points in [-6, 6]²."""
    radius = 6.0
    X = rng.uniform(-radius, radius, (2, n))
    shifted = X + rng.uniform(-radius, radius, (2, n)) * noise
    return X, np.clip((shifted[0] + shifted[1]) / 10.0, -1.0, 1.0)


_BUMPS = np.array(
    [[-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
     [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0]]
)  # fmt: skip
"""Playground's six bumps: centre x1, centre x2, sign."""


def multi_gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Regression over six signed cones of radius 2; a point takes the strongest one's value."""
    radius = 6.0
    X = rng.uniform(-radius, radius, (2, n))
    shifted = X + rng.uniform(-radius, radius, (2, n)) * noise
    dist = np.hypot(shifted[0] - _BUMPS[:, :1], shifted[1] - _BUMPS[:, 1:2])  # (6, n)
    values = _BUMPS[:, 2:] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(values), axis=0)  # first wins a tie, as in Playground
    return X, values[strongest, np.arange(n)] + 0.0  # + 0.0 turns -0.0 into 0.0
