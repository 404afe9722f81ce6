"""A challenge: a goal a session's own numbers must reach, checked by the server.

A :class:`Challenge` holds figures to reach (``test_accuracy``/``accuracy`` at or above,
``test_loss``/``train_loss`` at or below) and limits on the network that reaches them (hidden
neurons and layers, input features), on the data it was set on (``dataset``: the dataset spec
of the session that carries it; points of one's own never count). :meth:`Challenge.first_met`
finds the first epoch of a chunk at which every condition holds (the figures of that same
epoch), :meth:`Challenge.conditions` says each condition with the session's current value.
The session keeps the first epoch it was met at (``Session.challenge_met``); forks take their
parent's challenge. What it leaves out: when it is checked (``session.py``, after every
chunk) and how it is shown (the API, the page).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..engine import FEATURES, ConfigError

#: figure -> whether it must be at or below the goal (losses) rather than at or above
FIGURES = {"test_accuracy": False, "accuracy": False, "test_loss": True, "train_loss": True}
LIMITS = ("max_hidden_neurons", "max_hidden_layers", "max_features")
MAX_TEXT = 200


def _words(name: str) -> str:
    return name.replace("_", " ")


def _shown(name: str, value: float) -> str:
    return f"{value:.1%}" if name.endswith("accuracy") else f"{value:.4g}"


@dataclass(frozen=True, kw_only=True)
class Challenge:
    """The goal (every condition set must hold at one epoch) and, optionally, its words."""

    test_accuracy: float | None = None
    accuracy: float | None = None
    test_loss: float | None = None
    train_loss: float | None = None
    max_hidden_neurons: int | None = None
    max_hidden_layers: int | None = None
    max_features: int | None = None
    features: tuple[str, ...] | None = None  # allowed input features (``None``: any)
    dataset: dict[str, Any] | None = None  # the data it is set on (a DatasetSpec's fields)
    text: str | None = None

    def __post_init__(self) -> None:
        if not any(getattr(self, name) is not None for name in FIGURES):
            raise ConfigError("a challenge needs a figure to reach: test_accuracy, accuracy, "
                              "test_loss or train_loss", "challenge")
        for name, below in FIGURES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or value < 0 or (not below and value > 1):
                span = "at least 0" if below else "a fraction in [0, 1] (0.95 for 95%)"
                raise ConfigError(f"challenge.{name} must be {span}; got {value!r}",
                                  f"challenge.{name}")
            object.__setattr__(self, name, float(value))
        for name in LIMITS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise ConfigError(f"challenge.{name} must be an integer at least 0; got "
                                  f"{value!r}", f"challenge.{name}")
        if self.features is not None:
            object.__setattr__(self, "features", tuple(self.features))
            unknown = [f for f in self.features if f not in FEATURES]
            if unknown or not self.features:
                raise ConfigError(f"challenge.features must be input features among "
                                  f"{', '.join(FEATURES)}", "challenge.features")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise ConfigError(f"challenge.text is limited to {MAX_TEXT} characters",
                              "challenge.text")

    # ----- reading and writing -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        if self.features is not None:
            d["features"] = list(self.features)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Challenge:
        if not isinstance(data, dict):
            raise ConfigError("challenge must be an object such as {\"test_accuracy\": 0.95}",
                              "challenge")
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ConfigError(f"unknown challenge condition {unknown[0]!r}",
                              f"challenge.{unknown[0]}")
        return cls(**data)

    def on(self, dataset: dict[str, Any]) -> Challenge:
        """This challenge, set on ``dataset`` (unless it names its data already)."""
        if self.dataset is not None:
            return self
        return Challenge.from_dict({**self.to_dict(), "dataset": dict(dataset)})

    def goal(self) -> str:
        """The conditions in words: "test accuracy ≥ 95.0%, at most 3 hidden neurons"."""
        parts = [f"{_words(n)} {'≤' if below else '≥'} {_shown(n, getattr(self, n))}"
                 for n, below in FIGURES.items() if getattr(self, n) is not None]
        for name in LIMITS:
            value = getattr(self, name)
            if value is not None:
                what = _words(name.removeprefix("max_"))
                parts.append(f"no {what}" if value == 0 else
                             f"at most {value} {what.removesuffix('s') if value == 1 else what}")
        if self.features is not None:
            parts.append(f"features {', '.join(self.features)} only")
        return ", ".join(parts)

    # ----- checking ------------------------------------------------------------------------
    def network_conditions(self, hidden: tuple[int, ...], features: tuple[str, ...],
                           dataset: dict[str, Any], own_points: bool
                           ) -> list[dict[str, Any]]:
        """The conditions on the network and the data, each ``{name, goal, value, ok}``."""
        out = []
        for name, value in (("max_hidden_neurons", sum(hidden)),
                            ("max_hidden_layers", len(hidden)),
                            ("max_features", len(features))):
            goal = getattr(self, name)
            if goal is not None:
                out.append({"name": name, "goal": goal, "value": value, "ok": value <= goal})
        if self.features is not None:
            out.append({"name": "features", "goal": list(self.features),
                        "value": list(features), "ok": set(features) <= set(self.features)})
        if self.dataset is not None:
            same = {k: dataset.get(k) for k in self.dataset} == self.dataset and not own_points
            out.append({"name": "dataset", "goal": self.dataset,
                        "value": {**dataset, "own_points": own_points}, "ok": same})
        return out

    def figure_conditions(self, last: dict[str, float | None]) -> list[dict[str, Any]]:
        """The conditions on the figures, with ``last`` (each series' latest value)."""
        out = []
        for name, below in FIGURES.items():
            goal = getattr(self, name)
            if goal is None:
                continue
            value = last.get(name)
            ok = value is not None and (value <= goal if below else value >= goal)
            out.append({"name": name, "goal": goal, "value": value, "ok": ok,
                        "op": "<=" if below else ">="})
        return out

    def first_met(self, first: int, series: dict[str, list[float | None]]) -> int | None:
        """The first epoch of ``first..`` (``series[k][i]`` is epoch ``first + i``) at which
        every figure holds its goal, or ``None`` (the network conditions are the caller's)."""
        n = len(series.get("train_loss") or [])
        holds = np.ones(n, dtype=bool)
        for name, below in FIGURES.items():
            goal = getattr(self, name)
            if goal is None:
                continue
            values = series.get(name)
            if values is None or len(values) < n:
                return None
            v = np.array([np.nan if x is None else x for x in values[:n]], dtype=np.float64)
            with np.errstate(invalid="ignore"):
                holds &= (v <= goal) if below else (v >= goal)  # NaN: never
        hits = np.flatnonzero(holds)
        return first + int(hits[0]) if hits.size else None
