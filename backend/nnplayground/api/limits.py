"""The server's limits on what a request asks for: layers, neurons, points, epochs, nicknames.

Each check raises a 422 ``over_limit`` naming the field and the limit (``errors.over_limit``);
the limits themselves are settings (``config.Settings``). Used by the REST routes and by the
stream's commands alike. What it leaves out: the engine's own validation of a configuration.
"""

from __future__ import annotations

import re
from typing import Any

from ..config import Settings
from .errors import invalid_field, over_limit


def check_config_limits(settings: Settings, config: dict[str, Any]) -> None:
    """Hidden layers, neurons per layer and the dataset's points of a configuration (change)."""
    layers = config.get("hidden_layers")
    if layers is not None:
        if len(layers) > settings.max_layers:
            raise over_limit("hidden_layers", "max_layers", len(layers), settings.max_layers)
        for i, n in enumerate(layers):
            if n > settings.max_neurons:
                raise over_limit(f"hidden_layers[{i}]", "max_neurons", n, settings.max_neurons)
    dataset = config.get("dataset") or {}
    n = dataset.get("n_points")
    if n is not None and n > settings.max_points:
        raise over_limit("dataset.n_points", "max_points", n, settings.max_points)


def check_epochs(settings: Settings, epochs: int, field: str = "epochs") -> None:
    if epochs > settings.max_epochs_per_call:
        raise over_limit(field, "max_epochs_per_call", epochs, settings.max_epochs_per_call)


def check_points(settings: Settings, n: int, field: str) -> None:
    if n > settings.max_points:
        raise over_limit(field, "max_points", n, settings.max_points)


def check_resolution(settings: Settings, resolution: int) -> None:
    if resolution > settings.max_resolution:
        raise over_limit("resolution", "max_resolution", resolution, settings.max_resolution)


def check_model_limits(settings: Settings, model: dict[str, Any]) -> None:
    """An imported model's layers (inputs and outputs too: they are allocated as well) and its
    spec's points; anything malformed is left to the engine, which names it."""
    layers = model["config"].get("layers")
    if isinstance(layers, list):
        if len(layers) - 2 > settings.max_layers:
            raise over_limit("config.layers", "max_layers", len(layers) - 2, settings.max_layers)
        for n in layers:
            if isinstance(n, int) and n > settings.max_neurons:
                raise over_limit("config.layers", "max_neurons", n, settings.max_neurons)
    spec = model.get("spec")
    dataset = spec.get("dataset") if isinstance(spec, dict) else None
    points = dataset.get("n_points") if isinstance(dataset, dict) else None
    if isinstance(points, int):
        check_points(settings, points, "spec.dataset.n_points")


#: What a nickname may not hold: control characters (tabs and line breaks become spaces) and
#: invisible formatting (zero widths, bidi overrides, the BOM). The same pattern is ForkIn's
#: schema (schemas.py); lone surrogates (which JSON's \\u escapes can carry but no text
#: holds) are refused too.
NICKNAME_PATTERN = (r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e"
                    r"\u2060-\u206f\ufeff\ufff9-\ufffb]*$")
_NICKNAME = re.compile(NICKNAME_PATTERN)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def nickname(settings: Settings, value: str | None) -> str | None:
    """A fork's nickname free of control characters (NICKNAME_PATTERN), trimmed (``None`` if
    blank) and within ``max_nickname_chars``, or a 422 naming ``nickname``."""
    if value is None:
        return None
    if not _NICKNAME.match(value) or _SURROGATE.search(value):
        raise invalid_field("nickname", "nickname must be printable text (no control or "
                            "formatting characters)")
    name = " ".join(value.split())  # trimmed, inner runs of spaces as one space
    if not name:
        return None
    if len(name) > settings.max_nickname_chars:
        raise over_limit("nickname", "max_nickname_chars", f"{len(name)} characters long",
                         settings.max_nickname_chars)
    return name
