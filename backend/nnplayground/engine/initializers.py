"""Weight initialisers: ``INITIALIZERS[name](rng, n_out, n_in) -> W`` of shape ``(n_out, n_in)``.

Biases start at zero, as in the tutorial, or at the config's ``bias_init`` (``network.py``).
``he`` is the tutorial's default
(``randn * sqrt(2 / n_in)``); ``xavier`` is Glorot's normal ``sqrt(2 / (n_in + n_out))``;
``uniform`` is TensorFlow Playground's ``U(-0.5, 0.5)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Init = Callable[[np.random.Generator, int, int], NDArray[np.float64]]


def _he(rng: np.random.Generator, n_out: int, n_in: int) -> NDArray[np.float64]:
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)


def _xavier(rng: np.random.Generator, n_out: int, n_in: int) -> NDArray[np.float64]:
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / (n_in + n_out))


def _uniform(rng: np.random.Generator, n_out: int, n_in: int) -> NDArray[np.float64]:
    return rng.random((n_out, n_in)) - 0.5


INITIALIZERS: dict[str, Init] = {"he": _he, "xavier": _xavier, "uniform": _uniform}
