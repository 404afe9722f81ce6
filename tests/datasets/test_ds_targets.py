"""targets(): the network's target matrix for binary, multi-class and regression labels."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.datasets import DatasetError, DatasetSpec, generate, targets


def test_binary_labels_give_one_row_of_zeros_and_ones() -> None:
    Y = targets(np.array([0, 1, 1, 0], dtype=np.int64), "classification", 2)
    assert Y.shape == (1, 4) and Y.dtype == np.float64
    assert np.array_equal(Y, [[0.0, 1.0, 1.0, 0.0]])


def test_multi_class_labels_give_one_hot_columns() -> None:
    labels = np.array([2, 0, 1, 2, 1], dtype=np.int64)
    Y = targets(labels, "classification", 3)
    assert Y.shape == (3, 5) and Y.dtype == np.float64
    assert np.array_equal(Y.sum(axis=0), np.ones(5))
    assert np.array_equal(Y.argmax(axis=0), labels)
    assert set(np.unique(Y)) == {0.0, 1.0}


def test_one_hot_keeps_rows_for_absent_classes() -> None:
    Y = targets(np.array([0, 0], dtype=np.int64), "classification", 4)
    assert Y.shape == (4, 2) and Y[1:].sum() == 0


def test_regression_values_give_one_row() -> None:
    values = np.array([0.25, -1.0, 0.5])
    Y = targets(values, "regression", 0)
    assert Y.shape == (1, 3) and np.array_equal(Y[0], values)


def test_empty_labels_give_empty_matrix() -> None:
    assert targets(np.zeros(0, dtype=np.int64), "classification", 3).shape == (3, 0)
    assert targets(np.zeros(0, dtype=np.int64), "classification", 2).shape == (1, 0)


def test_dataset_properties_use_targets() -> None:
    d = generate(DatasetSpec("blobs3", n_points=30))
    assert np.array_equal(d.Y_train, targets(d.y_train, "classification", 3))
    assert np.array_equal(d.Y_test.argmax(axis=0), d.y_test)


@pytest.mark.parametrize(
    ("labels", "problem", "n_classes", "field"),
    [
        (np.array([0, 2]), "classification", 2, "labels"),
        (np.array([-1, 0]), "classification", 2, "labels"),
        (np.array([0.5, 1.0]), "classification", 2, "labels"),
        (np.array([[0, 1]]), "classification", 2, "labels"),
        (np.array([0, 1]), "classification", 1, "n_classes"),
        (np.array([0.0, 1.0]), "ranking", 2, "problem"),
    ],
)
def test_bad_labels_are_rejected(
    labels: np.ndarray, problem: str, n_classes: int, field: str
) -> None:
    with pytest.raises(DatasetError) as info:
        targets(labels, problem, n_classes)  # type: ignore[arg-type]
    assert info.value.field == field
