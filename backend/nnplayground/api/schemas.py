"""Request and response bodies of the REST API (pydantic v2), with OpenAPI examples.

Requests forbid unknown fields and non-finite numbers, and are strict: a boolean or a numeric
string is not a number, so a typo, a NaN or ``"epochs": true`` is a 422 naming the field (an
integer written ``3.0`` is one, as JSON Schema says; seeds stop at 2**53 - 1, exact in every
JSON reader).
Responses mirror the worker's answers. Fields bounded by a server limit carry it as a
:func:`limit` marker, which the document of the running app turns into its setting's value
(``openapi.py``); built-in datasets and presets are enums of their registries. What it leaves
out: checking those limits (``limits.py``) and the engine's own cross-field checks (softmax
needs cce, ...).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..datasets import DATASETS
from ..engine.config import MAX_MOMENTUM
from ..presets import PRESETS
from .limits import NICKNAME_PATTERN

LIMITS_KEY = "x-nnp-limits"


def limit(**bounds: str) -> dict[str, Any]:
    """``json_schema_extra`` of a field bounded by settings: ``limit(maximum="max_points")``
    (a JSON Schema keyword, and the name of the ``Settings`` field that gives its value)."""
    return {LIMITS_KEY: bounds}


Hidden = Literal["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
Output = Literal["auto", "sigmoid", "tanh", "linear", "softmax"]
Feature = Literal["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2"]
Finite = Annotated[float, Field(allow_inf_nan=False)]


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: an integer, also written ``3.0`` (JSON Schema's integers); ``3.5`` and ``true`` are not.
#: (The validator wraps the whole type, ``None`` too: else pydantic's schema loses the bounds.)
Int = Annotated[int, BeforeValidator(_integral)]
OptInt = Annotated[int | None, BeforeValidator(_integral)]
MAX_SEED = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
#: a hidden layer's neurons: at least 1, at most the server's max_neurons
Neurons = Annotated[Annotated[int, Field(ge=1, json_schema_extra=limit(maximum="max_neurons"))],
                    BeforeValidator(_integral)]
#: config fields whose ``null`` is a value: full batch, full speed, no stop condition
NULLABLE = ("batch_size", "pace", "stop_at")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="null", strict=True)


class DatasetIn(Strict):
    """A built-in dataset: name, size, noise (0..0.5), train fraction, seed."""

    name: str = Field("circle", max_length=64, examples=["circle"],
                      json_schema_extra={"enum": list(DATASETS)})
    n_points: OptInt = Field(None, ge=1, description="default: the dataset's own",
                                 json_schema_extra=limit(maximum="max_points"))
    noise: Finite = Field(0.0, ge=0, le=0.5)
    ratio: Finite | None = Field(None, ge=0.1, le=1.0, description="train fraction")
    seed: Int = Field(0, ge=0, le=MAX_SEED)


class StopAtIn(Strict):
    """When Play pauses by itself: the first condition met (explicit train/step ignore it)."""

    epoch: OptInt = Field(None, ge=1, examples=[10000])
    train_loss: Finite | None = Field(None, ge=0, description="at or below")
    test_loss: Finite | None = Field(None, ge=0, description="at or below")
    accuracy: Finite | None = Field(None, ge=0, le=1, description="at or above (0.95 = 95%)")
    test_accuracy: Finite | None = Field(None, ge=0, le=1, description="at or above")


class ConfigIn(Strict):
    """Every option of a session; all optional (defaults: the preset's, else the tutorial's)."""

    hidden_layers: list[Neurons] | None = Field(None, examples=[[4, 2]],
                                                json_schema_extra=limit(maxItems="max_layers"))
    features: list[Feature] | None = Field(None, min_length=1, examples=[["x1", "x2"]])
    hidden_activation: Hidden | None = None
    output_activation: Output | None = None
    loss: Literal["auto", "mse", "bce", "cce"] | None = None
    init: Literal["he", "xavier", "uniform"] | None = None
    bias_init: Finite | None = Field(None, ge=-1, le=1, examples=[0.1], description=(
        "every bias's starting value: 0 (the tutorial's), 0.1 (TensorFlow Playground's)"))
    optimizer: Literal["sgd", "momentum", "adam"] | None = None
    learning_rate: Finite | None = Field(None, gt=0, le=1000, examples=[0.1])
    batch_size: OptInt = Field(None, ge=1, description="null or absent: full batch")
    regularization: Literal["none", "l1", "l2"] | None = None
    reg_rate: Finite | None = Field(None, ge=0, le=1000)
    momentum: Finite | None = Field(None, ge=0, le=MAX_MOMENTUM)
    seed: OptInt = Field(None, ge=0, le=MAX_SEED)
    dataset: DatasetIn | None = None
    pace: Finite | None = Field(None, gt=0, le=1e6, examples=[30], description=(
        "epochs a second while running; null: as fast as the machine goes (the default)"))
    stop_at: StopAtIn | None = Field(None, examples=[{"epoch": 10000}],
                                     description="null: no stop condition")

    def changes(self) -> dict[str, Any]:
        """Only the fields the client sent with a value: ``null`` means "unchanged" (or the
        dataset's default), except for the fields where it means something (``NULLABLE``)."""
        out = {k: v for k, v in self.model_dump(exclude_unset=True).items()
               if v is not None or k in NULLABLE}
        if out.get("stop_at") is not None:
            out["stop_at"] = {k: v for k, v in out["stop_at"].items() if v is not None}
        if self.dataset is not None and "dataset" in out:
            out["dataset"] = {k: v for k, v in self.dataset.model_dump(exclude_unset=True).items()
                              if v is not None}
        return out


class ChallengeIn(Strict):
    """A goal the server checks on the session's own numbers (and every fork's): each figure
    and limit set must hold at one epoch. It is set on the session's dataset."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"test_accuracy": 0.95, "max_hidden_neurons": 3, "features": ["x1", "x2"]}]})

    test_accuracy: Finite | None = Field(None, ge=0, le=1, description="at or above")
    accuracy: Finite | None = Field(None, ge=0, le=1, description="training, at or above")
    test_loss: Finite | None = Field(None, ge=0, description="at or below")
    train_loss: Finite | None = Field(None, ge=0, description="at or below")
    max_hidden_neurons: OptInt = Field(None, ge=0, description="all hidden layers together")
    max_hidden_layers: OptInt = Field(None, ge=0)
    max_features: OptInt = Field(None, ge=1)
    features: list[Feature] | None = Field(None, min_length=1, description="allowed features")
    text: str | None = Field(None, max_length=200, description="the goal in the teacher's words")


class ForkIn(Strict):
    """An optional nickname for the fork (shown on the teacher's dashboard; no accounts)."""

    nickname: str | None = Field(None, examples=["Ada"], description=(
        "trimmed; at most max_nickname_chars characters (GET /api/limits); no control or "
        "invisible formatting characters"), json_schema_extra={"pattern": NICKNAME_PATTERN})


class SessionCreate(Strict):
    """Create from a preset, a configuration, or a preset with some options changed."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"preset": "xnor"},
        {"config": {"hidden_layers": [4, 2], "hidden_activation": "tanh", "learning_rate": 0.03,
                    "dataset": {"name": "spiral", "noise": 0.1}}},
    ]})

    preset: str | None = Field(None, max_length=64,
                               json_schema_extra={"enum": [*PRESETS, None]})
    config: ConfigIn | None = None
    challenge: ChallengeIn | None = Field(None, description="default: the preset's, if any")


class Summary(BaseModel):
    """A session's state (no weights: see ``/model``)."""

    id: str
    status: Literal["idle", "running", "paused", "diverged"]
    message: str | None
    epoch: int
    version: int
    spec: dict[str, Any]
    layers: list[int]
    network: dict[str, Any]
    problem: str
    n_classes: int
    custom_data: bool
    parent: str | None
    created: float
    updated: float
    last: dict[str, float | None]
    diagnostics: dict[str, Any] | None = Field(None, description=(
        "per layer figures, the plateau, a divergence and advice (docs/protocol.md)"))
    watchers: int = 0
    reset: bool | None = None
    nickname: str | None = None
    challenge: dict[str, Any] | None = Field(None, description=(
        "the challenge and whether it is met (as GET /challenge), null without one"))


class Created(BaseModel):
    """The new session: ``token`` is the secret for every change; ``id`` is safe to share."""

    id: str
    token: str
    watch_url: str
    session: Summary


class TrainIn(Strict):
    epochs: Int = Field(..., ge=1, examples=[1000],
                        json_schema_extra=limit(maximum="max_epochs_per_call"))


class PredictIn(Strict):
    inputs: list[Annotated[list[Finite], Field(min_length=2, max_length=2)]] = Field(
        ..., min_length=1, examples=[[[0, 0], [0, 1], [1, 0], [1, 1]]],
        json_schema_extra=limit(maxItems="max_points"))


class Predictions(BaseModel):
    outputs: list[list[float]]
    classes: list[int] | None = None


class PointIn(Strict):
    x1: Finite
    x2: Finite
    label: Finite | Annotated[list[Finite], Field(min_length=1)]


class DatasetPut(Strict):
    train: list[PointIn] = Field(..., min_length=1, json_schema_extra=limit(
        maxItems="max_points"), description="train and test together: at most max_points")
    test: list[PointIn] = Field(default_factory=list,
                                json_schema_extra=limit(maxItems="max_points"))
    dataset: str | None = Field(
        None, description="a built-in dataset whose problem, classes and drawing area the "
        "points take (switched to in the same step); default: the session's")


class BackpropIn(Strict):
    """One forward and backward pass on the session's training data, one of its points
    (``index``), or the given ``points``; ``check`` adds the numerical gradient check."""

    points: list[PointIn] | None = Field(None, min_length=1,
                                         json_schema_extra=limit(maxItems="max_points"))
    index: OptInt = Field(None, ge=0)
    check: bool = False
    epoch: OptInt = Field(None, ge=0, description="a past epoch of the run (default: now)")


class ModelIn(Strict):
    """A model as exported by ``GET /model`` (config, weights, biases, epoch, states)."""

    model_config = ConfigDict(extra="allow")

    config: dict[str, Any]
    weights: list[list[list[Finite]]] = Field(..., description="W[l], shape (n_l, n_{l-1})")
    biases: list[list[list[Finite]]] = Field(..., description="b[l], shape (n_l, 1)")
    epoch: Int = Field(0, ge=0)
    spec: dict[str, Any] | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    workers: int
    workers_alive: int
    sessions: int
    store: str
    version: str
