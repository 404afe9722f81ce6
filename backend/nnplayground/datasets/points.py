"""Turn user-supplied points (``{"x1", "x2", "label"}`` dicts) into a checked :class:`Dataset`.

Every problem is reported as a :class:`DatasetError` whose ``field`` names the offending list or
point, e.g. ``"train[3].x1"``. Checked: list sizes (train 1.., train + test <= ``max_points``),
finite numbers (no booleans, no strings), ``|x| <= bound`` for coordinates and regression
targets, class labels integers in ``0..n_classes-1``, and for a regression with ``k > 1``
outputs a ``label`` that is a list of exactly ``k`` such numbers. Extra keys in a point are
ignored. It does not deduplicate points, require every class to be present, or rescale anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import TypeGuard

import numpy as np

from .dataset import Dataset, Domain
from .errors import DatasetError, shown
from .targets import PROBLEMS, FloatArray, Labels, Problem

MAX_CLASSES = 100
"""Largest ``n_classes`` accepted (one-hot targets are ``n_classes x m``)."""

MAX_OUTPUTS = 100
"""Largest number of regression targets per point."""


def from_points(
    train: Sequence[Mapping[str, object]],
    test: Sequence[Mapping[str, object]],
    problem: Problem,
    n_classes: int,
    *,
    max_points: int,
    bound: float = 1e6,
    name: str = "custom",
    n_outputs: int | None = None,
) -> Dataset:
    """Validate ``train`` and ``test`` points and return them as a :class:`Dataset`.

    ``n_classes`` must be 2..MAX_CLASSES for classification and 0 for regression. ``n_outputs``
    is the number of targets per point: for regression 1 (``label`` is a number) or ``k`` in
    2..MAX_OUTPUTS (``label`` is a list of ``k`` numbers; the labels get shape ``(m, k)``);
    ``None`` takes it from the first training point. For classification it may only be ``None``
    or the target matrix's rows (1 for two classes, ``n_classes`` otherwise). The domain is the
    points' bounding box plus a 10% margin (1.0 along an axis where all points coincide).
    """
    _check_problem(problem, n_classes)
    if not _is_int(max_points) or max_points < 1:
        raise DatasetError(
            f"max_points must be an integer >= 1, got {shown(max_points)}", "max_points"
        )
    for field, points in (("train", train), ("test", test)):
        if not isinstance(points, list | tuple):
            raise DatasetError(f"{field} must be a list of points", field)
    if not train:
        raise DatasetError("at least one training point is needed", "train")
    if len(train) + len(test) > max_points:
        field = "train" if len(train) > max_points else "test"
        raise DatasetError(
            f"too many points: {len(train)} train + {len(test)} test > {max_points}", field
        )
    k = _outputs(n_outputs, problem, n_classes, train[0])
    X_train, y_train = _parse("train", train, problem, n_classes, bound, k)
    X_test, y_test = _parse("test", test, problem, n_classes, bound, k)
    return Dataset(
        name=name,
        problem=problem,
        n_classes=n_classes,
        domain=_domain(np.concatenate([X_train, X_test], axis=1)),
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
    )


def _check_problem(problem: object, n_classes: object) -> None:
    if problem not in PROBLEMS:
        raise DatasetError(f"problem must be one of {PROBLEMS}, got {shown(problem)}", "problem")
    if problem == "regression":
        if not _is_int(n_classes) or n_classes != 0:
            raise DatasetError(
                f"n_classes must be 0 for regression, got {shown(n_classes)}", "n_classes"
            )
    elif not _is_int(n_classes) or not 2 <= n_classes <= MAX_CLASSES:
        raise DatasetError(
            f"n_classes must be an integer from 2 to {MAX_CLASSES} for classification, "
            f"got {shown(n_classes)}",
            "n_classes",
        )


def _outputs(n_outputs: object, problem: Problem, n_classes: int, first: object) -> int:
    """The checked number of targets per point (taken from ``first`` when ``n_outputs`` is None)."""
    if problem == "classification":
        rows = n_classes if n_classes > 2 else 1
        if n_outputs is not None and n_outputs != rows:
            raise DatasetError(
                f"n_outputs must be {rows} for {n_classes} classes, got {shown(n_outputs)}",
                "n_outputs",
            )
        return rows
    if n_outputs is None:
        label = first.get("label") if isinstance(first, Mapping) else None
        return len(label) if isinstance(label, list | tuple) and len(label) > 1 else 1
    if not _is_int(n_outputs) or not 1 <= n_outputs <= MAX_OUTPUTS:
        raise DatasetError(
            f"n_outputs must be an integer from 1 to {MAX_OUTPUTS}, got {shown(n_outputs)}",
            "n_outputs",
        )
    return int(n_outputs)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _number(point: Mapping[str, object], key: str, where: str) -> float:
    """The finite float at ``point[key]``; ``where`` is the point's field name for errors."""
    if key not in point:
        raise DatasetError(f"{where}.{key} is missing", f"{where}.{key}")
    return _finite(point[key], f"{where}.{key}")


def _finite(value: object, field: str) -> float:
    """``value`` as a finite float; ``field`` names it in the error."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise DatasetError(f"{field} must be a number, got {shown(value)}", field)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise DatasetError(f"{field} must be finite, got {shown(value)}", field)
    return number


def _bounded(number: float, bound: float, field: str) -> float:
    if abs(number) > bound:
        raise DatasetError(f"{field} must be within ±{bound:g}, got {number!r}", field)
    return number


def _class(point: Mapping[str, object], where: str, n_classes: int) -> int:
    value = _number(point, "label", where)
    if not value.is_integer() or not 0 <= value < n_classes:
        raise DatasetError(
            f"{where}.label must be an integer class from 0 to {n_classes - 1}, "
            f"got {shown(point['label'])}",
            f"{where}.label",
        )
    return int(value)


def _vector(point: Mapping[str, object], where: str, k: int, bound: float) -> list[float]:
    """The ``k`` regression targets of a multi-output point (``label`` a list of numbers)."""
    field = f"{where}.label"
    if "label" not in point:
        raise DatasetError(f"{field} is missing", field)
    value = point["label"]
    if not isinstance(value, list | tuple) or len(value) != k:
        raise DatasetError(f"{field} must be a list of {k} numbers, got {shown(value)}", field)
    return [_bounded(_finite(v, f"{field}[{j}]"), bound, f"{field}[{j}]")
            for j, v in enumerate(value)]


def _parse(
    field: str,
    points: Sequence[Mapping[str, object]],
    problem: Problem,
    n_classes: int,
    bound: float,
    k: int,
) -> tuple[FloatArray, Labels]:
    X = np.empty((2, len(points)), dtype=np.float64)
    classes: list[int] = []
    values: list[float] = []
    vectors: list[list[float]] = []
    for i, point in enumerate(points):
        where = f"{field}[{i}]"
        if not isinstance(point, Mapping):
            raise DatasetError(f"{where} must be an object with x1, x2 and label", where)
        X[0, i] = _bounded(_number(point, "x1", where), bound, f"{where}.x1")
        X[1, i] = _bounded(_number(point, "x2", where), bound, f"{where}.x2")
        if problem == "classification":
            classes.append(_class(point, where, n_classes))
        elif k > 1:
            vectors.append(_vector(point, where, k, bound))
        else:
            values.append(_bounded(_number(point, "label", where), bound, f"{where}.label"))
    if problem == "classification":
        return X, np.array(classes, dtype=np.int64)
    if k > 1:
        return X, np.array(vectors, dtype=np.float64).reshape(len(points), k)
    return X, np.array(values, dtype=np.float64)


def _domain(X: FloatArray) -> Domain:
    lo, hi = X.min(axis=1), X.max(axis=1)
    span = hi - lo
    pad = np.where(span > 0, 0.1 * span, 1.0)
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )
