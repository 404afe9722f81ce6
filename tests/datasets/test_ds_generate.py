"""generate(): determinism, shapes, label ranges, the train/test split and the effect of noise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnplayground.datasets import DATASETS, Dataset, DatasetSpec, default_spec, generate

ALL = sorted(DATASETS)
SAMPLED = sorted(name for name, info in DATASETS.items() if not info.fixed_points)
FIXED = sorted(name for name, info in DATASETS.items() if info.fixed_points)


def _arrays(d: Dataset) -> list[np.ndarray]:
    return [d.X_train, d.y_train, d.X_test, d.y_test]


def _all_points(d: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([d.X_train, d.X_test], axis=1), np.concatenate([d.y_train, d.y_test])


def test_registry_is_what_the_design_lists() -> None:
    assert set(DATASETS) == {
        "circle", "xor", "gaussians", "spiral", "plane", "multi_gaussian", "moons", "blobs3",
        "and", "or", "xor_table", "xnor", "circle_unit", "sin_regression", "worked_example",
    }  # fmt: skip
    for name, info in DATASETS.items():
        assert info.name == name
        assert (info.problem == "regression") == (info.n_classes == 0)
        assert info.n_classes in (0, 2, 3)
        x1min, x1max, x2min, x2max = info.domain
        assert x1min < x1max and x2min < x2max
        assert info.default_points >= 1 and info.title and info.description
        expected_outputs = info.n_classes if info.n_classes > 2 else 1
        assert info.n_outputs == (2 if name == "worked_example" else expected_outputs)
    assert DATASETS["blobs3"].n_classes == 3
    assert DATASETS["circle_unit"].default_points == DATASETS["sin_regression"].default_points == 8


@pytest.mark.parametrize("name", ALL)
def test_same_spec_gives_bit_identical_arrays(name: str) -> None:
    spec = DatasetSpec(name, n_points=120, noise=0.2, ratio=0.7, seed=42)
    first, second = generate(spec), generate(spec)
    for a, b in zip(_arrays(first), _arrays(second), strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a, b)
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", SAMPLED)
def test_different_seed_gives_different_points(name: str) -> None:
    a = generate(DatasetSpec(name, n_points=50, seed=1))
    b = generate(DatasetSpec(name, n_points=50, seed=2))
    assert not np.array_equal(a.X_train, b.X_train)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_dtypes_and_label_ranges(name: str, noise: float) -> None:
    info = DATASETS[name]
    d = generate(DatasetSpec(name, n_points=90, noise=noise, ratio=0.6, seed=3))
    assert (d.name, d.problem, d.n_classes, d.domain) == (
        name, info.problem, info.n_classes, info.domain,
    )  # fmt: skip
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        assert X.dtype == np.float64 and X.ndim == 2 and X.shape[0] == 2
        multi = d.problem == "regression" and info.n_outputs > 1
        assert y.shape == ((X.shape[1], info.n_outputs) if multi else (X.shape[1],))
        assert np.isfinite(X).all()
        if d.problem == "classification":
            assert y.dtype == np.int64
            assert ((y >= 0) & (y < d.n_classes)).all()
        else:
            assert y.dtype == np.float64 and np.isfinite(y).all()
    assert d.X_train.shape[1] >= 1
    Y = d.Y_train
    rows = info.n_outputs
    assert d.n_outputs == rows
    assert Y.shape == (rows, d.X_train.shape[1]) and Y.dtype == np.float64
    assert d.Y_test.shape == (rows, d.X_test.shape[1])


@pytest.mark.parametrize("name", [n for n in SAMPLED if DATASETS[n].problem == "regression"])
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_regression_targets_in_unit_interval(name: str, noise: float) -> None:
    d = generate(DatasetSpec(name, n_points=400, noise=noise))
    _, y = _all_points(d)
    limit = 1.0 if name != "sin_regression" or noise == 0 else 1.25  # x2 read up to 1.25
    assert np.abs(y).max() <= limit
    assert y.min() < 0 or name == "sin_regression"
    assert y.max() > 0


@pytest.mark.parametrize("name", [n for n in SAMPLED if n not in ("gaussians", "blobs3")])
def test_noise_free_points_lie_in_the_domain(name: str) -> None:
    d = generate(DatasetSpec(name, n_points=300))
    X, _ = _all_points(d)
    x1min, x1max, x2min, x2max = d.domain
    assert ((X[0] >= x1min) & (X[0] <= x1max) & (X[1] >= x2min) & (X[1] <= x2max)).all()


@pytest.mark.parametrize("name", ["gaussians", "blobs3"])
def test_gaussian_points_mostly_in_the_domain(name: str) -> None:
    X, _ = _all_points(generate(DatasetSpec(name, n_points=300)))
    inside = (np.abs(X) <= 6).all(axis=0)
    assert inside.mean() >= 0.95


@pytest.mark.parametrize("name", SAMPLED)
@pytest.mark.parametrize("n_points", [1, 2, 7, 200])
@pytest.mark.parametrize("ratio", [0.1, 0.25, 0.5, 0.57, 0.9, 1.0])
def test_split_sizes(name: str, n_points: int, ratio: float) -> None:
    d = generate(DatasetSpec(name, n_points=n_points, ratio=ratio))
    m_train, m_test = d.X_train.shape[1], d.X_test.shape[1]
    assert m_train + m_test == n_points
    assert m_train >= 1
    assert math.floor(n_points * ratio) - 1 < m_train <= max(1, n_points * ratio + 1e-6)
    if ratio == 1.0:
        assert m_test == 0


@pytest.mark.parametrize(
    ("n_points", "ratio", "m_train"), [(200, 0.5, 100), (100, 0.57, 57), (10, 0.7, 7), (8, 1.0, 8)]
)
def test_split_cut_is_floor_of_ratio(n_points: int, ratio: float, m_train: int) -> None:
    d = generate(DatasetSpec("circle", n_points=n_points, ratio=ratio))
    assert d.X_train.shape[1] == m_train


@pytest.mark.parametrize("name", SAMPLED)
def test_ratio_only_moves_the_cut(name: str) -> None:
    a = _all_points(generate(DatasetSpec(name, n_points=60, ratio=0.3, seed=5)))
    b = _all_points(generate(DatasetSpec(name, n_points=60, ratio=0.8, seed=5)))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.mark.parametrize("name", ["circle", "gaussians", "spiral", "moons", "blobs3"])
def test_points_are_shuffled_before_the_split(name: str) -> None:
    # these generators emit their classes in blocks; unshuffled, a half would hold one class
    d = generate(DatasetSpec(name, n_points=200, ratio=0.5))
    assert len(np.unique(d.y_train)) >= 2 and len(np.unique(d.y_test)) >= 2


@pytest.mark.parametrize("name", SAMPLED)
def test_noise_changes_the_data(name: str) -> None:
    clean = _all_points(generate(DatasetSpec(name, n_points=200, noise=0.0, seed=7)))
    noisy = _all_points(generate(DatasetSpec(name, n_points=200, noise=0.3, seed=7)))
    assert not (np.array_equal(clean[0], noisy[0]) and np.array_equal(clean[1], noisy[1]))


@pytest.mark.parametrize(
    ("name", "n_classes"),
    [("circle", 2), ("xor", 2), ("gaussians", 2), ("spiral", 2), ("moons", 2), ("blobs3", 3),
     ("circle_unit", 2)],
)  # fmt: skip
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_every_class_present_and_roughly_balanced(name: str, n_classes: int, noise: float) -> None:
    d = generate(DatasetSpec(name, n_points=300, noise=noise, seed=11))
    _, y = _all_points(d)
    counts = np.bincount(y, minlength=n_classes)
    assert counts.size == n_classes
    assert counts.min() >= 0.15 * y.size
    assert len(np.unique(d.y_train)) == n_classes


@pytest.mark.parametrize("name", ALL)
def test_single_point(name: str) -> None:
    d = generate(DatasetSpec(name, n_points=1, ratio=0.1))
    assert d.X_train.shape[1] >= 1


@pytest.mark.parametrize("name", ALL)
def test_default_spec_uses_registry_defaults(name: str) -> None:
    info = DATASETS[name]
    spec = default_spec(name, seed=3)
    assert spec.n_points == info.default_points and spec.ratio == info.default_ratio
    d = generate(spec)
    fixed_size = 1 if name == "worked_example" else 4
    assert d.X_train.shape[1] + d.X_test.shape[1] == (
        fixed_size if info.fixed_points else spec.n_points
    )


def test_tutorial_defaults_are_eight_points_all_training() -> None:
    for name in ("circle_unit", "sin_regression"):
        d = generate(default_spec(name))
        assert d.X_train.shape == (2, 8) and d.X_test.shape == (2, 0)
