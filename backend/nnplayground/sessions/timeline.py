"""A run's kept frames, from which the parameters at any past epoch are rebuilt exactly.

A frame is the network's whole model at one epoch (weights and biases as base64 of their
bytes, the optimiser's state, the shuffling generator's state when it shuffles, and the config
where it starts or changes: at epoch 0 and in change frames), so training on from it repeats
the run bit for bit.
Frames are kept at

* epoch 0 and the log-spaced epochs 1, 2, ... 9, 10, 20, ... 90, 100, 200, ...;
* every ``stride`` epochs (``stride`` doubles, dropping the frames off its new grid, whenever
  the frames would exceed ``max_frames``), so no epoch is far from a frame;
* at least every ``seconds`` of wall-clock time while training (the newest of these kept,
  thinned first when the frames are too many);
* wherever a live change (learning rate, optimiser...) takes effect, never dropped: replaying
  from a frame never crosses a change, because the next frame is the change itself.

Log and change frames are never dropped (a run of the longest history, 2,000,000 epochs,
has 64 log frames), so ``max_frames`` should leave room for them (the setting is at least 100).

:meth:`Timeline.base` names the frame to rebuild an epoch from; ``max_replay`` caps how many
epochs that may take. What it leaves out: training (the session), HTTP (the API).
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Network, NetworkConfig
from .errors import RefusedError

FIRST_STRIDE = 256


def log_spaced(epoch: int) -> bool:
    """1..9, 10, 20, ..., 90, 100, 200, ...: one significant digit."""
    if epoch <= 0:
        return epoch == 0
    scale = 10 ** int(math.log10(epoch))
    return epoch % scale == 0


@dataclass
class Frame:
    epoch: int
    kind: str  # "log", "stride", "clock", "change"
    train_loss: float | None
    model: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "kind": self.kind, "train_loss": self.train_loss,
                "model": self.model}


def pack(net: Network, with_config: bool) -> dict[str, Any]:
    """A frame's model: what :func:`unpack` needs to rebuild ``net`` exactly."""
    flat = np.concatenate([P.ravel() for P in net.W + net.b])
    out: dict[str, Any] = {"epoch": net.epoch, "params": base64.b64encode(flat.tobytes()).decode(),
                           "optimizer_state": net.optimizer.state()}
    if net.config.batch_size is not None:  # only mini-batches use the generator
        out["rng_state"] = net.rng_state
    if with_config:
        out["config"] = net.config.to_dict()
    return out


def unpack(model: dict[str, Any], config: dict[str, Any]) -> Network:
    """The network a :func:`pack` ed frame holds, with the run's ``config`` at that epoch."""
    net = Network(config=NetworkConfig.from_dict({**config, "layers": tuple(config["layers"])}))
    flat = np.frombuffer(base64.b64decode(model["params"]), dtype=net.dtype)
    start = 0
    for P in net.W + net.b:
        P[...] = flat[start : start + P.size].reshape(P.shape)
        start += P.size
    net.epoch = model["epoch"]
    net.optimizer.load_state(model["optimizer_state"])
    if model.get("rng_state"):
        net.rng_state = model["rng_state"]
    return net


class Timeline:
    """The frames of one run, oldest first, at most ``max_frames`` (change frames aside)."""

    def __init__(self, max_frames: int = 200, seconds: float = 5.0,
                 max_replay: int = 50_000) -> None:
        self.max_frames, self.seconds, self.max_replay = max_frames, seconds, max_replay
        self.frames: dict[int, Frame] = {}
        self.stride = FIRST_STRIDE
        self.last_kept_at = -math.inf  # clock time of the last frame

    def configure(self, max_frames: int, seconds: float, max_replay: int) -> None:
        self.max_frames, self.seconds, self.max_replay = max_frames, seconds, max_replay
        self._thin()

    def next_due(self, epoch: int) -> int:
        """The next epoch after ``epoch`` that gets a frame by its number."""
        scale = 10 ** int(math.log10(epoch)) if epoch > 0 else 1
        log_next = (epoch // scale + 1) * scale
        return min(log_next, (epoch // self.stride + 1) * self.stride)

    def due(self, epoch: int, now: float) -> str | None:
        """Why ``epoch`` gets a frame now, or ``None``."""
        if epoch in self.frames:
            return None
        if log_spaced(epoch):
            return "log"
        if epoch % self.stride == 0:
            return "stride"
        if now - self.last_kept_at >= self.seconds:
            return "clock"
        return None

    def keep(self, epoch: int, kind: str, train_loss: float | None, model: dict[str, Any],
             now: float) -> None:
        old = self.frames.get(epoch)
        if old is not None and old.kind == "change" and kind != "change":
            return
        self.frames[epoch] = Frame(epoch, kind, train_loss, model)
        self.last_kept_at = now
        self._thin()

    def _thin(self) -> None:
        while len(self.frames) > self.max_frames:
            clocks = [e for e, f in self.frames.items() if f.kind == "clock"]
            if len(clocks) > 1:  # every other one, keeping the newest
                for e in clocks[-2::-2]:
                    del self.frames[e]
                continue
            self.stride *= 2
            drop = [e for e, f in self.frames.items() if f.kind in ("stride", "clock")
                    and e % self.stride]
            if not drop and self.stride > 2**62:
                return  # only log and change frames left: they stay
            for e in drop:
                del self.frames[e]

    def base(self, epoch: int) -> Frame:
        """The frame to train on from to reach ``epoch`` (the latest one at or before it)."""
        start = max((e for e in self.frames if e <= epoch), default=None)
        if start is None:
            raise RefusedError(f"epoch {epoch:,} is before this run's first kept frame")
        if epoch - start > self.max_replay:
            raise RefusedError(f"epoch {epoch:,} is {epoch - start:,} epochs after the nearest "
                               f"kept frame; the limit is {self.max_replay:,} "
                               "(NNP_TIMELINE_MAX_REPLAY)")
        return self.frames[start]

    def network(self, frame: Frame) -> Network:
        """The network of ``frame``, with the config of the latest frame that has one."""
        config = next(self.frames[e].model["config"] for e in sorted(self.frames, reverse=True)
                      if e <= frame.epoch and "config" in self.frames[e].model)
        return unpack(frame.model, config)

    def clear(self) -> None:
        self.frames.clear()
        self.stride = FIRST_STRIDE
        self.last_kept_at = -math.inf

    def to_state(self) -> dict[str, Any]:
        return {"stride": self.stride,
                "frames": [self.frames[e].to_dict() for e in sorted(self.frames)]}

    def load_state(self, state: dict[str, Any] | None) -> None:
        self.clear()
        if not state:
            return
        self.stride = int(state.get("stride", FIRST_STRIDE))
        for f in state.get("frames", []):
            self.frames[int(f["epoch"])] = Frame(int(f["epoch"]), f["kind"], f["train_loss"],
                                                 f["model"])
