"""The catalogue of built-in datasets: name -> :class:`DatasetInfo`.

It says what each set is (problem, classes, drawing domain, default size, generator) but does
not generate, shuffle or split anything; :func:`generate` does that from a spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import extras, playground, tutorial, worked
from .dataset import Domain
from .targets import FloatArray, Labels, Problem

GeneratorFn = Callable[[int, float, np.random.Generator], tuple[FloatArray, Labels]]
"""``(n_points, noise, rng) -> (X (2, n), labels (n,) or (n, k))``, all points in a fixed order."""

PLAYGROUND_DOMAIN: Domain = (-6.0, 6.0, -6.0, 6.0)
UNIT_DOMAIN: Domain = (0.0, 1.0, 0.0, 1.0)
TRUTH_TABLE_DOMAIN: Domain = (-0.25, 1.25, -0.25, 1.25)
"""The truth tables' points sit on the corners of [0, 1]², so their drawing area has a margin."""
WORKED_DOMAIN: Domain = (0.0, 0.2, 0.0, 0.2)


@dataclass(frozen=True)
class DatasetInfo:
    """What a built-in dataset is. ``n_classes`` is 0 for regression.

    ``n_outputs`` is the number of network outputs the targets need: 1 for binary
    classification, ``n_classes`` for more classes, 1 for regression unless the entry sets it
    (the generator then returns labels of shape ``(n, n_outputs)``). Left at 0 it is derived.

    ``fixed_points`` sets (the truth tables) always give the same points, all for training, and
    ignore the spec's ``n_points``, ``noise`` and ``ratio``. ``default_ratio`` is the train
    fraction a client should offer first (1.0: the tutorial trains on every point).
    """

    name: str
    title: str
    problem: Problem
    n_classes: int
    domain: Domain
    default_points: int
    generator: GeneratorFn
    description: str
    fixed_points: bool = False
    default_ratio: float = 0.5
    n_outputs: int = 0

    def __post_init__(self) -> None:
        if self.n_outputs == 0:
            derived = self.n_classes if self.n_classes > 2 else 1
            object.__setattr__(self, "n_outputs", derived)


def _playground(
    name: str, title: str, problem: Problem, generator: GeneratorFn, description: str
) -> DatasetInfo:
    n_classes = 2 if problem == "classification" else 0
    return DatasetInfo(
        name, title, problem, n_classes, PLAYGROUND_DOMAIN, 200, generator, description
    )


def _truth_table(name: str, title: str) -> DatasetInfo:
    labels = tutorial.TRUTH_TABLES[name]
    return DatasetInfo(
        name=name,
        title=title,
        problem="classification",
        n_classes=2,
        domain=TRUTH_TABLE_DOMAIN,
        default_points=4,
        generator=tutorial.truth_table(name),
        description=f"The four corners of the unit square with labels {list(labels)}.",
        fixed_points=True,
        default_ratio=1.0,
    )


_ALL = [
    _playground(
        "circle", "Circle", "classification", playground.circle,
        "TensorFlow Playground: class 1 in a disc of radius 2.5, class 0 in a ring around it.",
    ),
    _playground(
        "xor", "Exclusive or", "classification", playground.xor,
        "TensorFlow Playground: class 1 where x1 and x2 have the same sign.",
    ),
    _playground(
        "gaussians", "Two Gaussians", "classification", playground.gaussians,
        "TensorFlow Playground: class 1 around (2, 2), class 0 around (-2, -2).",
    ),
    _playground(
        "spiral", "Spiral", "classification", playground.spiral,
        "TensorFlow Playground: two interleaved spiral arms, one per class.",
    ),
    _playground(
        "plane", "Plane", "regression", playground.plane,
        "TensorFlow Playground: target (x1 + x2) / 10, clipped to [-1, 1].",
    ),
    _playground(
        "multi_gaussian", "Multi Gaussian", "regression", playground.multi_gaussian,
        "TensorFlow Playground: six bumps of height +1 or -1 in two rows of three.",
    ),
    _playground(
        "moons", "Moons", "classification", extras.moons,
        "Two interleaving half circles, one per class.",
    ),
    DatasetInfo(
        "blobs3", "Three blobs", "classification", 3, PLAYGROUND_DOMAIN, 300, extras.blobs3,
        "Three Gaussian blobs, one per class: a case for softmax.",
    ),
    _truth_table("and", "AND truth table"),
    _truth_table("or", "OR truth table"),
    _truth_table("xor_table", "XOR truth table"),
    _truth_table("xnor", "Tutorial 'XNOR' truth table (labels 0, 1, 1, 0)"),
    DatasetInfo(
        "circle_unit", "Tutorial circle", "classification", 2, UNIT_DOMAIN, 8,
        tutorial.circle_unit,
        "The tutorial's circle: uniform points in [0, 1]², class 1 where x1² + x2² > 0.5.",
        default_ratio=1.0,
    ),
    DatasetInfo(
        "sin_regression", "Tutorial sine", "regression", 0, UNIT_DOMAIN, 8,
        tutorial.sin_regression,
        "The tutorial's regression: uniform points in [0, 1]², target sin(pi x1) x2.",
        default_ratio=1.0,
    ),
    DatasetInfo(
        "worked_example", "Worked example (2-2-2)", "regression", 0, WORKED_DOMAIN, 1,
        worked.worked_example,
        "The classic hand-worked backpropagation example: one point (0.05, 0.10) with two "
        "regression targets (0.01, 0.99).",
        fixed_points=True, default_ratio=1.0, n_outputs=2,
    ),
]  # fmt: skip

DATASETS: dict[str, DatasetInfo] = {info.name: info for info in _ALL}
