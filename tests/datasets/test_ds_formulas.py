"""Each built-in set obeys its defining formula (checked at noise 0, recomputed independently)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from nnplayground.datasets import DATASETS, Dataset, DatasetSpec, generate


def _all(
    name: str, n_points: int = 400, noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    d: Dataset = generate(DatasetSpec(name, n_points=n_points, noise=noise, seed=seed))
    return np.concatenate([d.X_train, d.X_test], axis=1), np.concatenate([d.y_train, d.y_test])


# --- TensorFlow Playground -----------------------------------------------------------------


def test_circle_inside_is_one_outside_ring_is_zero() -> None:
    X, y = _all("circle")
    r = np.hypot(X[0], X[1])
    assert np.array_equal(y, (r < 2.5).astype(np.int64))
    assert (r[y == 0] >= 3.5).all() and (r <= 5).all()


def test_circle_noise_reads_labels_at_displaced_points() -> None:
    X, y = _all("circle", noise=0.5)
    wrong = y != (np.hypot(X[0], X[1]) < 2.5)
    assert 0 < wrong.mean() < 0.5


def test_xor_label_is_sign_agreement_and_points_avoid_axes() -> None:
    X, y = _all("xor")
    assert np.array_equal(y, (X[0] * X[1] >= 0).astype(np.int64))
    assert (np.abs(X) >= 0.3).all() and (np.abs(X) <= 5.3).all()


def test_gaussians_centres_and_spread_grow_with_noise() -> None:
    X, y = _all("gaussians", n_points=2000)
    assert np.allclose(X[:, y == 1].mean(axis=1), [2, 2], atol=0.15)
    assert np.allclose(X[:, y == 0].mean(axis=1), [-2, -2], atol=0.15)
    assert np.allclose(X[:, y == 1].var(axis=1), 0.5, rtol=0.15)
    Xn, yn = _all("gaussians", n_points=2000, noise=0.5)
    assert np.allclose(Xn[:, yn == 1].var(axis=1), 4.0, rtol=0.15)


def test_spiral_arms_are_point_reflections_within_radius_five() -> None:
    X, y = _all("spiral", n_points=200)
    assert (np.hypot(X[0], X[1]) <= 5 + 1e-12).all()
    pos, neg = X[:, y == 1], -X[:, y == 0]
    order = np.lexsort(np.round(pos, 9))
    order_neg = np.lexsort(np.round(neg, 9))
    np.testing.assert_allclose(pos[:, order], neg[:, order_neg], atol=1e-9)


def test_spiral_turns_one_and_three_quarter_times() -> None:
    X, y = _all("spiral", n_points=1000)
    arm = X[:, y == 1]
    r = np.hypot(arm[0], arm[1])
    order = np.argsort(r)
    angle = np.unwrap(np.arctan2(arm[0, order], arm[1, order]))  # angle t with x = r sin t
    total_turns = (angle[-1] - angle[1]) / (2 * np.pi)
    assert total_turns == pytest.approx(1.75, abs=0.02)


def test_plane_target_is_scaled_sum_clipped() -> None:
    X, y = _all("plane")
    np.testing.assert_allclose(y, np.clip((X[0] + X[1]) / 10, -1, 1), rtol=0, atol=1e-12)
    assert (np.abs(X) <= 6).all()


def _multi_gaussian_reference(x: float, y: float) -> float:
    """TensorFlow Playground's regressGaussian label, transcribed loop for loop."""
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    label = 0.0
    for cx, cy, sign in bumps:
        scaled = min(max(1 - math.dist((x, y), (cx, cy)) / 2, 0.0), 1.0)
        if abs(sign * scaled) > abs(label):
            label = sign * scaled
    return label


def test_multi_gaussian_matches_playground_definition() -> None:
    X, y = _all("multi_gaussian")
    expected = [_multi_gaussian_reference(a, b) for a, b in X.T]
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)
    assert (y == 0).any() and (y > 0.5).any() and (y < -0.5).any()


# --- moons and blobs3 ----------------------------------------------------------------------


def test_moons_lie_on_two_unit_half_circles() -> None:
    from nnplayground.datasets.extras import MOONS_SCALE

    X, y = _all("moons")
    u = X / MOONS_SCALE + np.array([[0.5], [0.25]])  # back to scikit-learn's coordinates
    upper, lower = u[:, y == 0], u[:, y == 1]
    np.testing.assert_allclose(np.hypot(upper[0], upper[1]), 1.0, atol=1e-12)
    assert (upper[1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(1 - lower[0], 0.5 - lower[1]), 1.0, atol=1e-12)
    assert (lower[1] <= 0.5 + 1e-12).all()


def test_blobs3_points_cluster_around_three_separate_centres() -> None:
    X, y = _all("blobs3", n_points=1500)
    centres = np.stack([X[:, y == k].mean(axis=1) for k in range(3)], axis=1)
    gaps = [np.linalg.norm(centres[:, i] - centres[:, j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    assert min(gaps) > 5
    nearest = np.argmin(np.linalg.norm(X[:, None, :] - centres[:, :, None], axis=0), axis=0)
    assert (nearest == y).mean() > 0.97


# --- the tutorial's sets -------------------------------------------------------------------

TABLE_X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
TABLES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor_table": [0, 1, 1, 0],
    "xnor": [0, 1, 1, 0],  # the tutorial's naming of Y = [[0, 1, 1, 0]]
}


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize(
    "spec_kwargs", [{}, {"n_points": 50, "noise": 0.5, "ratio": 0.1, "seed": 9}]
)
def test_truth_tables_are_exact_and_ignore_noise_and_ratio(
    name: str, spec_kwargs: dict[str, Any]
) -> None:
    d = generate(DatasetSpec(name, **spec_kwargs))
    assert np.array_equal(d.X_train, TABLE_X) and d.X_train.dtype == np.float64
    assert np.array_equal(d.y_train, TABLES[name]) and d.y_train.dtype == np.int64
    assert d.X_test.shape == (2, 0) and d.y_test.shape == (0,)
    assert np.array_equal(d.Y_train, np.array([TABLES[name]], dtype=float))
    assert DATASETS[name].fixed_points


def test_truth_tables_agree_with_boolean_logic() -> None:
    a, b = TABLE_X.astype(bool)
    for name, expected in (("and", a & b), ("or", a | b), ("xor_table", a ^ b)):
        assert np.array_equal(generate(DatasetSpec(name)).y_train, expected.astype(np.int64))
    assert np.array_equal(
        generate(DatasetSpec("xnor")).y_train, generate(DatasetSpec("xor_table")).y_train
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_circle_unit_labels_match_formula(seed: int) -> None:
    X, y = _all("circle_unit", n_points=300, seed=seed)
    assert ((X >= 0) & (X <= 1)).all()
    assert np.array_equal(y, (X[0] ** 2 + X[1] ** 2 > 0.5).astype(np.int64))


def test_circle_unit_noise_flips_some_labels_near_the_boundary() -> None:
    X, y = _all("circle_unit", n_points=300, noise=0.3)
    truth = (X[0] ** 2 + X[1] ** 2 > 0.5).astype(np.int64)
    wrong = y != truth
    assert 0 < wrong.mean() < 0.5
    assert np.abs(X[0, wrong] ** 2 + X[1, wrong] ** 2 - 0.5).max() < 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sin_regression_targets_match_formula(seed: int) -> None:
    X, y = _all("sin_regression", n_points=300, seed=seed)
    assert ((X >= 0) & (X <= 1)).all()
    np.testing.assert_allclose(y, np.sin(np.pi * X[0]) * X[1], rtol=0, atol=1e-15)


def test_sin_regression_noise_perturbs_targets() -> None:
    X, y = _all("sin_regression", n_points=300, noise=0.2)
    error = np.abs(y - np.sin(np.pi * X[0]) * X[1])
    assert error.max() > 0.01
    assert error.max() < 0.5
