"""The :class:`Dataset` container: train/test points, their labels, and how to draw them.

It holds arrays and converts them (target matrices, JSON-friendly point lists). It does not
generate, validate or split points; see ``generate`` and ``points`` for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from .targets import FloatArray, Labels, Problem, targets

Domain = tuple[float, float, float, float]
"""``(x1min, x1max, x2min, x2max)``: the rectangle over which to draw the decision boundary."""


class Point(TypedDict):
    """One point as sent to or received from a client.

    ``label`` is a class index, a regression value, or a list of ``k`` values for a regression
    with ``k > 1`` outputs.
    """

    x1: float
    x2: float
    label: int | float | list[float]


@dataclass
class Dataset:
    """Train and test points of one problem.

    ``X_*`` have shape ``(2, m)`` (float64, columns are points); ``y_*`` have shape ``(m,)``:
    int64 class indices ``0..n_classes-1`` for classification, float64 values for regression
    (where ``n_classes`` is 0), or ``(m, k)`` float64 values for a regression with ``k > 1``
    outputs. The test set may be empty (``m == 0``).
    """

    name: str
    problem: Problem
    n_classes: int
    domain: Domain
    X_train: FloatArray
    y_train: Labels
    X_test: FloatArray
    y_test: Labels

    @property
    def n_outputs(self) -> int:
        """Rows of the target matrix: 1 for binary classification and single-output regression,
        ``n_classes`` for more classes, ``k`` for regression values of shape ``(m, k)``."""
        if self.problem == "classification":
            return self.n_classes if self.n_classes > 2 else 1
        return int(self.y_train.shape[1]) if self.y_train.ndim == 2 else 1

    @property
    def Y_train(self) -> FloatArray:  # noqa: N802 - matrix name from the tutorial
        """Target matrix of the training points (see :func:`targets`)."""
        return targets(self.y_train, self.problem, self.n_classes)

    @property
    def Y_test(self) -> FloatArray:  # noqa: N802 - matrix name from the tutorial
        """Target matrix of the test points (see :func:`targets`)."""
        return targets(self.y_test, self.problem, self.n_classes)

    def to_points(self) -> dict[str, list[Point]]:
        """Return ``{"train": [...], "test": [...]}`` of plain Python floats and ints (a
        multi-output regression's ``label`` is a list of floats)."""
        return {
            "train": _points(self.X_train, self.y_train),
            "test": _points(self.X_test, self.y_test),
        }


def _points(X: FloatArray, y: Labels) -> list[Point]:
    x1s: list[float] = X[0].tolist()
    x2s: list[float] = X[1].tolist()
    labels: list[int | float | list[float]] = y.tolist()  # rows become lists for (m, k) values
    return [
        {"x1": x1, "x2": x2, "label": label} for x1, x2, label in zip(x1s, x2s, labels, strict=True)
    ]
