"""What the user chose for a built-in dataset (:class:`DatasetSpec`), checked on construction.

A spec that exists is valid: known name, ``n_points`` in ``1..MAX_GENERATED_POINTS``, noise in
[0, 0.5], ratio in [0.1, 1], seed a non-negative integer. It does not generate anything, and it
does not know the per-request point limit of whoever serves it (the API layer caps that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from .errors import DatasetError, shown
from .registry import DATASETS, DatasetInfo

MAX_GENERATED_POINTS = 100_000
"""Hard ceiling on ``n_points`` so a spec can never ask for an unbounded allocation."""

NOISE_RANGE = (0.0, 0.5)
RATIO_RANGE = (0.1, 1.0)


def dataset_info(name: str) -> DatasetInfo:
    """Registry entry of ``name``; :class:`DatasetError` on ``"name"`` listing the valid ones."""
    info = DATASETS.get(name) if isinstance(name, str) else None
    if info is None:
        raise DatasetError(
            f"unknown dataset {shown(name)}; valid names: {', '.join(DATASETS)}", "name"
        )
    return info


def _integer(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _in_range(value: object, low: float, high: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return False
    return math.isfinite(number) and low <= number <= high


@dataclass(frozen=True)
class DatasetSpec:
    """A built-in dataset choice. ``noise`` is a fraction (0.3 = Playground's 30%), ``ratio`` is
    the train fraction. Raises :class:`DatasetError` naming the field if anything is invalid."""

    name: str
    n_points: int = 200
    noise: float = 0.0
    ratio: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        dataset_info(self.name)
        if not _integer(self.n_points) or not 1 <= self.n_points <= MAX_GENERATED_POINTS:
            raise DatasetError(
                f"n_points must be an integer from 1 to {MAX_GENERATED_POINTS}, "
                f"got {shown(self.n_points)}",
                "n_points",
            )
        if not _in_range(self.noise, *NOISE_RANGE):
            raise DatasetError(
                f"noise must be a fraction from 0 to 0.5 (0.3 means 30%), got {shown(self.noise)}",
                "noise",
            )
        if not _in_range(self.ratio, *RATIO_RANGE):
            raise DatasetError(
                f"ratio (the training fraction) must be from 0.1 to 1, got {shown(self.ratio)}",
                "ratio",
            )
        if not _integer(self.seed) or self.seed < 0:
            raise DatasetError(
                f"seed must be a non-negative integer, got {shown(self.seed)}", "seed"
            )


def default_spec(
    name: str,
    *,
    n_points: int | None = None,
    noise: float = 0.0,
    ratio: float | None = None,
    seed: int = 0,
) -> DatasetSpec:
    """A spec for ``name`` using its registry defaults for whatever is left as ``None``.

    ``DatasetSpec(name)`` always defaults to 200 points at ratio 0.5; this gives e.g. the
    tutorial sets' 8 points, all for training.
    """
    info = dataset_info(name)
    return DatasetSpec(
        name=name,
        n_points=info.default_points if n_points is None else n_points,
        noise=noise,
        ratio=info.default_ratio if ratio is None else ratio,
        seed=seed,
    )
