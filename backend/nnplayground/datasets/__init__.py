"""Datasets for the playground: seeded built-in generators and checked user-supplied points.

Raw points ``X`` have shape ``(2, m)`` (rows x1, x2; one column per point, float64). Labels are
``(m,)``: int64 classes ``0..k-1`` or float64 regression targets, or ``(m, k)`` float64 for a
regression with ``k`` outputs; :func:`targets` turns them into the network's target matrix.
NumPy only: nothing here knows about HTTP, sessions or training.
"""

from __future__ import annotations

from .dataset import Dataset, Domain, Point
from .errors import DatasetError
from .generate import generate
from .points import MAX_CLASSES, MAX_OUTPUTS, from_points
from .registry import DATASETS, DatasetInfo, GeneratorFn
from .spec import MAX_GENERATED_POINTS, DatasetSpec, dataset_info, default_spec
from .targets import PROBLEMS, FloatArray, IntArray, Labels, Problem, targets

__all__ = [
    "DATASETS",
    "MAX_CLASSES",
    "MAX_GENERATED_POINTS",
    "MAX_OUTPUTS",
    "PROBLEMS",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "DatasetSpec",
    "Domain",
    "FloatArray",
    "GeneratorFn",
    "IntArray",
    "Labels",
    "Point",
    "Problem",
    "dataset_info",
    "default_spec",
    "from_points",
    "generate",
    "targets",
]
