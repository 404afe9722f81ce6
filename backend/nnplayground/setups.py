"""Suggested starting points: for every built-in dataset, a setup that visibly learns.

The page switches to a dataset's setup when the dataset is picked (as TensorFlow Playground's
lessons suggest one per exercise: extra features for the spiral, ...), and starts on the
circle's: a first visit sees the boundary form over a few seconds. Each setup is a session
config (``ConfigIn``'s fields) with its ``pace``: ``PAGE_PACE`` epochs a second, or for a
dataset the tutorial uses, its preset's setup at the pace that plays the tutorial's run in
``TUTORIAL_SECONDS``. ``GOALS`` says what "learnt" means for a dataset (accuracy for
classification, loss for regression, on the test split where there is one), which
``bench/setups.py`` measures for README's table. What it leaves out: the REST and Python
defaults, which stay the tutorial's (sigmoid everywhere, full speed), and the data itself.
"""

from __future__ import annotations

from typing import Any

from .datasets import DATASETS
from .engine import FEATURES
from .presets import PRESETS

PAGE_PACE = 50.0  # epochs a second: the page's default speed
TUTORIAL_SECONDS = 10.0
EXTRA_FEATURES = list(FEATURES)  # every input feature the engine has


def _tanh(hidden: list[int], lr: float, **more: Any) -> dict[str, Any]:
    return {"hidden_layers": hidden, "features": ["x1", "x2"], "hidden_activation": "tanh",
            "output_activation": "auto", "loss": "auto", "init": "he", "optimizer": "sgd",
            "learning_rate": lr, "batch_size": None, "regularization": "none",
            "reg_rate": 0.0, "seed": 0, "pace": PAGE_PACE, **more}


_OWN = {
    "circle": _tanh([4, 2], 0.3),
    "xor": _tanh([8, 4], 0.3),
    "gaussians": _tanh([4, 2], 0.03),
    "spiral": _tanh([8, 8, 6], 0.3, features=EXTRA_FEATURES),
    "moons": _tanh([8, 4], 0.3),
    "blobs3": _tanh([4], 0.3),
    "plane": _tanh([2], 0.1),
    "multi_gaussian": _tanh([8, 8], 0.03, features=EXTRA_FEATURES, optimizer="adam"),
}
_TUTORIAL = {"xnor": "xnor", "xor_table": "xnor", "and": "and", "or": "or",
             "circle_unit": "circle", "sin_regression": "sin_regression",
             "worked_example": "worked_example"}


def _from_preset(name: str) -> dict[str, Any]:
    preset = PRESETS[name]
    spec = preset.spec.to_dict()
    pace = max(1.0, preset.epochs / TUTORIAL_SECONDS)
    return {**{k: v for k, v in spec.items() if k not in ("dataset", "dtype", "stop_at")},
            "pace": pace}


SETUPS: dict[str, dict[str, Any]] = {
    **_OWN, **{d: _from_preset(p) for d, p in _TUTORIAL.items()}}
assert set(SETUPS) == set(DATASETS), "every dataset has a setup"

_LOSS_GOALS = {"plane": 0.01, "multi_gaussian": 0.02}  # else the tutorial's 1e-3


def _goal(name: str) -> tuple[str, float]:
    info = DATASETS[name]
    split = "test_" if info.default_ratio < 1 else ""  # the tutorial's sets have no test part
    if info.problem == "classification":
        return f"{split}accuracy", 0.95
    return f"{split or 'train_'}loss", _LOSS_GOALS.get(name, 1e-3)


#: what "learnt" means: (series, threshold), accuracies at or above it, losses at or below;
#: not for the worked example, which is one update
GOALS: dict[str, tuple[str, float]] = {
    name: _goal(name) for name in DATASETS if name != "worked_example"}


def page_config(dataset: str = "circle") -> dict[str, Any]:
    """The page's config for ``dataset``: its setup (with its pace) and the dataset."""
    return {**SETUPS[dataset], "dataset": {"name": dataset}}


def epoch_at_goal(dataset: str, history: dict[str, Any]) -> int | None:
    """The first epoch (1-based) of ``history`` (series lists from epoch 1) at which the
    dataset's goal holds, or ``None``."""
    series, threshold = GOALS[dataset]
    for i, v in enumerate(history[series]):
        if v is not None and (v >= threshold if series.endswith("accuracy") else v <= threshold):
            return i + 1
    return None
