"""What a session trains: the network options, input features and dataset, as one frozen spec.

A :class:`SessionSpec` is what users choose (in the page, over REST, in a preset). It derives
the engine's :class:`NetworkConfig`: the input size is the number of features, the output size
comes from the dataset (one output for binary classification and regression, one per class
otherwise), and ``output_activation``/``loss`` ``"auto"`` pick the tutorial's sigmoid + MSE
for binary classification, softmax + cross-entropy for several classes and linear + MSE for
regression. Validation raises the engine's or datasets' errors naming the field. What it
leaves out: server limits (``config.Settings``), weights and history (``session.py``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from ..datasets import DATASETS, DatasetError, DatasetSpec, dataset_info, default_spec
from ..engine import FEATURES, LIVE_FIELDS, ConfigError, NetworkConfig
from ..engine.config import TrainingOptions

#: Spec fields that change while training without a reset (the engine's, and the pace).
LIVE = LIVE_FIELDS | {"pace", "stop_at"}
MAX_PACE = 1e6  # epochs a second: beyond any machine, so "as fast as it goes" is ``None``


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number; got {value!r}", name)
    return float(value)


@dataclass(frozen=True, kw_only=True)
class StopAt:
    """When a run (Play) pauses by itself: at an epoch, or once a loss falls to a value or an
    accuracy rises to one. Only what is set counts; the first condition met stops the run.
    Explicit ``train``/``step`` calls train exactly the epochs asked for and ignore it."""

    epoch: int | None = None
    train_loss: float | None = None
    test_loss: float | None = None
    accuracy: float | None = None
    test_accuracy: float | None = None

    def __post_init__(self) -> None:
        if self.epoch is not None and (isinstance(self.epoch, bool)
                                       or not isinstance(self.epoch, int) or self.epoch < 1):
            raise ConfigError(f"stop_at.epoch must be a positive integer; got {self.epoch!r}",
                              "stop_at.epoch")
        for name in ("train_loss", "test_loss", "accuracy", "test_accuracy"):
            value = getattr(self, name)
            if value is None:
                continue
            x = _number(value, f"stop_at.{name}")
            if name.endswith("accuracy") and not 0 <= x <= 1:
                raise ConfigError(f"stop_at.{name} must be a fraction in [0, 1] (0.95 for "
                                  f"95%); got {value!r}", f"stop_at.{name}")
            if x < 0:
                raise ConfigError(f"stop_at.{name} must be at least 0; got {value!r}",
                                  f"stop_at.{name}")

    def first_reached(self, first: int, series: dict[str, list[float | None] | None]
                      ) -> tuple[int, str] | None:
        """The first epoch of ``first..`` (``series[k][i]`` is epoch ``first + i``) at which a
        condition holds, and which one; ``None`` if none does."""
        hits: list[tuple[int, str]] = []
        n = len(series.get("train_loss") or [])
        if self.epoch is not None and first <= self.epoch < first + n:
            hits.append((self.epoch, f"epoch {self.epoch:,}"))
        for name, below in (("train_loss", True), ("test_loss", True),
                            ("accuracy", False), ("test_accuracy", False)):
            goal, values = getattr(self, name), series.get(name)
            if goal is None or values is None:
                continue
            for i, v in enumerate(values):
                if v is not None and (v <= goal if below else v >= goal):
                    hits.append((first + i, f"{name.replace('_', ' ')} "
                                            f"{'<=' if below else '>='} {goal:g}"))
                    break
        return min(hits) if hits else None

    @classmethod
    def from_value(cls, value: Any) -> StopAt | None:
        if value is None or isinstance(value, StopAt):
            return value
        if not isinstance(value, dict):
            raise ConfigError("stop_at must be an object such as {\"epoch\": 10000}", "stop_at")
        unknown = sorted(set(value) - {f.name for f in fields(cls)})
        if unknown:
            raise ConfigError(f"unknown stop_at condition {unknown[0]!r}; valid: "
                              f"{', '.join(f.name for f in fields(cls))}", f"stop_at.{unknown[0]}")
        return cls(**value)


@dataclass(frozen=True, kw_only=True)
class SessionSpec(TrainingOptions):
    """A session's whole configuration (everything but the data points themselves): the
    engine's training options plus hidden layers, input features and the dataset."""

    hidden_layers: tuple[int, ...] = (4, 2)
    features: tuple[str, ...] = ("x1", "x2")
    output_activation: str = "auto"
    loss: str = "auto"
    dataset: DatasetSpec = field(default_factory=lambda: DatasetSpec("circle"))
    #: epochs a second while running (Play); ``None``: as fast as the machine goes
    pace: float | None = None
    stop_at: StopAt | None = None

    def __post_init__(self) -> None:
        if self.pace is not None:
            pace = _number(self.pace, "pace")
            if not 0 < pace <= MAX_PACE:
                raise ConfigError(f"pace must be in (0, {MAX_PACE:g}] epochs a second, or null "
                                  f"for full speed; got {self.pace!r}", "pace")
            object.__setattr__(self, "pace", pace)
        object.__setattr__(self, "stop_at", StopAt.from_value(self.stop_at))
        object.__setattr__(self, "hidden_layers", tuple(self.hidden_layers))
        object.__setattr__(self, "features", tuple(self.features))
        if not self.features:
            raise ConfigError("choose at least one input feature", "features")
        for name in self.features:
            if name not in FEATURES:
                raise ConfigError(
                    f"unknown feature {name!r}; valid: {', '.join(FEATURES)}", "features")
        if len(set(self.features)) != len(self.features):
            raise ConfigError("features must not repeat", "features")
        self.network_config()  # validates every network option

    @property
    def problem(self) -> str:
        return dataset_info(self.dataset.name).problem

    @property
    def n_outputs(self) -> int:
        return dataset_info(self.dataset.name).n_outputs

    @property
    def layers(self) -> tuple[int, ...]:
        return (len(self.features), *self.hidden_layers, self.n_outputs)

    def network_config(self) -> NetworkConfig:
        output, loss = self.output_activation, self.loss
        if output == "auto":
            output = {"regression": "linear"}.get(self.problem,
                                                  "softmax" if self.n_outputs > 1 else "sigmoid")
        if loss == "auto":
            loss = "cce" if output == "softmax" else "mse"
        options = {**self.options(), "output_activation": output, "loss": loss}
        return NetworkConfig(layers=self.layers, **options)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden_layers"] = list(self.hidden_layers)
        d["features"] = list(self.features)
        if self.stop_at is not None:
            d["stop_at"] = {k: v for k, v in asdict(self.stop_at).items() if v is not None}
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionSpec:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown option {unknown[0]!r}", unknown[0])
        values = dict(data)
        if isinstance(values.get("dataset"), dict):
            values["dataset"] = dataset_spec(values["dataset"])
        elif "dataset" in values and not isinstance(values["dataset"], DatasetSpec):
            raise DatasetError("dataset must be an object", "dataset")
        try:
            return cls(**values)
        except (TypeError, OverflowError, AttributeError) as exc:  # wrong types in a file
            raise ConfigError(f"invalid session spec: {exc}", "spec") from exc

    def with_changes(self, changes: dict[str, Any]) -> SessionSpec:
        """A copy with ``changes``; a partial ``dataset`` keeps the current dataset's other
        fields, or takes the new dataset's defaults (``default_spec``) if its name changes."""
        values = dict(changes)
        if isinstance(values.get("dataset"), dict):
            name = values["dataset"].get("name", self.dataset.name)
            base = self.dataset
            if name != self.dataset.name and isinstance(name, str) and name in DATASETS:
                base = default_spec(name)
            values["dataset"] = dataset_spec({**asdict(base), **values["dataset"]})
        return replace(self, **values)


def dataset_spec(data: dict[str, Any]) -> DatasetSpec:
    known = {f.name for f in fields(DatasetSpec)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DatasetError(f"unknown dataset option {unknown[0]!r}", f"dataset.{unknown[0]}")
    if "name" not in data:
        raise DatasetError("dataset.name is required", "dataset.name")
    try:
        return DatasetSpec(**data)
    except DatasetError as exc:
        raise DatasetError(exc.message, f"dataset.{exc.field}" if exc.field else "dataset") from exc
