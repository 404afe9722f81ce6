"""Every REST route and stream command, written once for the sync and the async clients.

Each class is generic in what a call returns: the JSON itself (``sync``) or an awaitable of it
(``aio``); subclasses provide ``_send``/``_send_text``. What it leaves out: the transport.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import numpy as np

from .wire import JSON, Call, command, without_none

D = TypeVar("D")  # what a call answering a JSON object returns: JSON, or an awaitable of it
L = TypeVar("L")  # the same for a JSON list
N = TypeVar("N")  # what sending a stream command returns: None, or an awaitable of it


class ServerCalls(Generic[D, L]):
    """The server-wide routes."""

    def _send(self, call: Call, token: str | None = None) -> Any:
        raise NotImplementedError

    def datasets(self) -> L:
        """Every built-in dataset (name, title, problem, classes, domain, defaults)."""
        return self._send(Call("GET", "/api/datasets"))

    def presets(self) -> L:
        """The tutorial's examples, the 2-2-2 worked example and the playground default."""
        return self._send(Call("GET", "/api/presets"))

    def limits(self) -> D:
        """The server's limits (``max_layers``, ``max_epochs_per_call``, ...)."""
        return self._send(Call("GET", "/api/limits"))

    def health(self) -> D:
        return self._send(Call("GET", "/api/health"))

    def share(self) -> D:
        """Where students reach the server: ``base`` of share links, ``lan_url``, ...."""
        return self._send(Call("GET", "/api/share"))


def create_call(preset: str | None, config: JSON | None, challenge: JSON | None = None) -> Call:
    return Call("POST", "/api/sessions", without_none(preset=preset, config=config,
                                                      challenge=challenge))


def fork_call(path: str, nickname: str | None) -> Call:
    return Call("POST", path, without_none(nickname=nickname) or None)


class SessionCalls(Generic[D]):
    """The routes of one session (``id``; ``token`` for the changes) of a server at
    ``base_url``."""

    def __init__(self, base_url: str, id: str, token: str | None = None,
                 watch_url: str | None = None) -> None:
        self.id, self.token = id, token
        self.watch_url = watch_url or f"{base_url}/watch.html#id={id}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r}, owner={self.token is not None})"

    def _send(self, call: Call) -> Any:
        raise NotImplementedError

    def _path(self, suffix: str = "") -> str:
        return f"/api/sessions/{quote(self.id, safe='')}{suffix}"

    def summary(self) -> D:
        """Status, epoch, version, configuration and the ``last`` losses and accuracies."""
        return self._send(Call("GET", self._path()))

    def update(self, **changes: Any) -> D:
        """Change options (``learning_rate=0.03``, ``hidden_layers=[8, 8]``, ...): some apply
        live, the others reset the run (``reset: true`` in the answer)."""
        return self._send(Call("PATCH", self._path(), changes, owner=True))

    def train(self, epochs: int) -> D:
        """Train ``epochs`` epochs; the summary once they are done (the session is paused)."""
        return self._send(Call("POST", self._path("/train"), {"epochs": epochs}, owner=True))

    def reset(self) -> D:
        """Back to epoch 0 and the seed's initial weights (the data stays)."""
        return self._send(Call("POST", self._path("/reset"), owner=True))

    def predict(self, inputs: Sequence[Sequence[float]]) -> D:
        """``{outputs, classes?}`` for points ``[[x1, x2], ...]``."""
        return self._send(Call("POST", self._path("/predict"), {"inputs": rows(inputs)}))

    def boundary(self, resolution: int = 50, neurons: bool = False) -> D:
        """The output (and every neuron's, with ``neurons``) over a square grid."""
        params = {"resolution": resolution, "neurons": str(neurons).lower()}
        return self._send(Call("GET", self._path("/boundary"), params=params))

    def backprop(self, index: int | None = None, points: Sequence[JSON] | None = None,
                 check: bool = False) -> D:
        """One forward and backward pass (every ``z, a, delta, dW, db``) on the training set,
        one of its points (``index``) or given ``points``; ``check``: the gradient check."""
        body = without_none(index=index, points=list(points) if points is not None else None)
        return self._send(Call("POST", self._path("/backprop"), {**body, "check": check}))

    def history(self, since: int = 0) -> D:
        """Every epoch after ``since``: ``first`` and the loss and accuracy series."""
        return self._send(Call("GET", self._path("/history"), params={"since": since}))

    def model(self) -> D:
        """The complete model: spec, config, weights, biases, epoch, optimiser and RNG state."""
        return self._send(Call("GET", self._path("/model")))

    def load_model(self, model: JSON) -> D:
        """Replace the network by an exported model (bit-identical predictions)."""
        return self._send(Call("PUT", self._path("/model"), model, owner=True))

    def dataset(self) -> D:
        """The points ``{train: [{x1, x2, label}], test: [...]}``, problem and domain."""
        return self._send(Call("GET", self._path("/dataset")))

    def challenge(self) -> D:
        """Whether the session's challenge is met (``met``, first at ``met_at``) and why: each
        condition with its current value; ``classroom``: the teacher's session of a fork."""
        return self._send(Call("GET", self._path("/challenge")))

    def forks(self) -> D:
        """The teacher's dashboard (the token of this session): ``{rows: [...]}``, one row per
        fork in its class (nickname, epoch, status, figures, network, challenge met)."""
        return self._send(Call("GET", self._path("/forks"), owner=True))

    def set_dataset(self, train: Iterable[JSON], test: Iterable[JSON] = ()) -> D:
        """Train on these points instead (the session resets)."""
        body = {"train": list(train), "test": list(test)}
        return self._send(Call("PUT", self._path("/dataset"), body, owner=True))


def rows(inputs: Sequence[Sequence[float]]) -> Any:
    """Lists of floats, from lists or a NumPy array."""
    return np.asarray(inputs, dtype=np.float64).tolist()


class Commands(Generic[N]):
    """Stream commands (they need the token; the server answers ``ack`` or ``error``)."""

    def _send_text(self, text: str) -> Any:
        raise NotImplementedError

    def start(self) -> N:
        return self._send_text(command("start"))

    def pause(self) -> N:
        return self._send_text(command("pause"))

    def step(self, epochs: int = 1) -> N:
        """Train ``epochs`` epochs, then pause."""
        return self._send_text(command("step", epochs=epochs))

    def reset(self) -> N:
        return self._send_text(command("reset"))

    def set(self, **changes: Any) -> N:
        """Change options (``learning_rate=0.01``); as ``update`` over REST, live."""
        return self._send_text(command("set", changes=changes))

    def ping(self) -> N:
        """The server answers ``pong``."""
        return self._send_text(command("ping"))
