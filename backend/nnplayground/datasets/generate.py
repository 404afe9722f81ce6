"""Build a :class:`Dataset` from a :class:`DatasetSpec`, reproducibly.

One ``np.random.default_rng(spec.seed)`` feeds the generator and then the shuffle, so the same
spec gives bit-identical arrays (on the same NumPy version). Fixed-point sets (truth tables)
are neither shuffled nor split. It does not cache results or validate the spec (the spec
validated itself when it was built).
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .spec import DatasetSpec, dataset_info
from .split import shuffle_split


def generate(spec: DatasetSpec) -> Dataset:
    """Generate the points of ``spec``, shuffle them and split them at ``spec.ratio``."""
    info = dataset_info(spec.name)
    rng = np.random.default_rng(spec.seed)
    X, labels = info.generator(spec.n_points, float(spec.noise), rng)
    if info.fixed_points:
        X_train, y_train, X_test, y_test = X, labels, X[:, :0], labels[:0]
    else:
        X_train, y_train, X_test, y_test = shuffle_split(X, labels, float(spec.ratio), rng)
    return Dataset(
        name=info.name,
        problem=info.problem,
        n_classes=info.n_classes,
        domain=info.domain,
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
    )
