"""REST routes of one resource, the session: create, read, change, fork, train, inspect.

Thin: each route checks limits, then asks the session's worker (``pool.call``) and returns
its answer. Reading (GET, predict, boundary, backprop, history) needs only the id; changing
needs the token (``Owner``). What it leaves out: the WebSocket stream (``stream.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response

from ..datasets import DatasetError
from ..engine import EngineError, Network
from ..presets import PRESETS
from ..sessions.challenge import Challenge
from ..sessions.spec import SessionSpec
from ..sessions.tokens import hash_token, new_id, new_token
from .deps import Client, Owner, SessionId, State
from .errors import CREATES, TRAINS, invalid_field, keep_limit, responses, unknown_preset
from .limits import (
    check_config_limits,
    check_epochs,
    check_model_limits,
    check_points,
    check_resolution,
    nickname,
)
from .quotas import CLASS, billed, class_of
from .room import make_room
from .schemas import (
    BackpropIn,
    ConfigIn,
    Created,
    DatasetPut,
    ForkIn,
    ModelIn,
    PredictIn,
    Predictions,
    SessionCreate,
    Summary,
    TrainIn,
    limit,
)

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


def _summary(state: State, result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "watchers": state.pool.watcher_count(result["id"])}


async def _register(state: State, request: Request, sid: str, token: str, key: str,
                    result: dict[str, Any]) -> Created:
    await state.registry.add(sid, hash_token(token), key)
    base = state.settings.public_url or str(request.base_url).rstrip("/")
    url = f"{base}/watch.html#id={sid}"
    return Created(id=sid, token=token, watch_url=url, session=Summary(**_summary(state, result)))


@router.post("", status_code=201, response_model=Created, responses=responses(*CREATES))
async def create_session(body: SessionCreate, state: State, request: Request,
                         client: Client) -> Created:
    """A new session from a preset and/or a configuration; returns its id and secret token."""
    preset = None
    if body.preset is not None:
        preset = PRESETS.get(body.preset)
        if preset is None:
            raise unknown_preset(body.preset, list(PRESETS))
    changes = body.config.changes() if body.config else {}
    check_config_limits(state.settings, changes)
    spec = (preset.spec if preset else SessionSpec()).with_changes(changes)
    check_points(state.settings, spec.dataset.n_points, "dataset.n_points")
    await state.quotas.create(client)
    await make_room(state)
    sid, token = new_id(), new_token()
    payload: dict[str, Any] = {"token_hash": hash_token(token), "spec": spec.to_dict(),
                               "client": client}
    if preset is not None and preset.weights is not None and "hidden_layers" not in changes:
        payload["weights"], payload["biases"] = preset.weights, preset.biases
    if body.challenge is not None:  # checked here: a challenge without a figure is a 422
        payload["challenge"] = Challenge.from_dict(
            body.challenge.model_dump(exclude_none=True)).to_dict()
    elif preset is not None and preset.challenge is not None:
        payload["challenge"] = preset.challenge.to_dict()
    state.pool.assign(sid)
    result = await state.pool.call(sid, "create", payload)
    return await _register(state, request, sid, token, client, result)


@router.get("/{id}", response_model=Summary)
async def read_session(sid: SessionId, state: State) -> dict[str, Any]:
    return _summary(state, await state.pool.call(sid, "summary"))


@router.patch("/{id}", response_model=Summary)
async def change_session(sid: Owner, body: ConfigIn, state: State) -> dict[str, Any]:
    """Change options: learning rate, batch size, regularisation and optimiser apply live;
    anything else (layers, features, activations, dataset, seed) resets (``reset: true``)."""
    changes = body.changes()
    check_config_limits(state.settings, changes)
    return _summary(state, await state.pool.call(sid, "update", {"changes": changes}))


@router.delete("/{id}", status_code=204)
async def delete_session(sid: Owner, state: State) -> Response:
    await state.pool.call(sid, "delete")
    await state.registry.remove(sid)
    state.pool.release(sid)
    return Response(status_code=204)


@router.post("/{id}/fork", status_code=201, response_model=Created,
             responses=responses(*CREATES))
async def fork_session(sid: SessionId, state: State, request: Request, client: Client,
                       body: ForkIn | None = None) -> Created:
    """A copy of the session (weights, data, history, challenge) owned by the caller, with an
    optional ``nickname``; it joins the class of the session it was forked from (the
    teacher's dashboard, ``GET /forks``) and counts toward it, not the caller's address."""
    name = nickname(state.settings, body.nickname if body else None)
    key = class_of(sid, await state.registry.client_of(sid))
    await state.quotas.create(key, client)
    await make_room(state)
    new, token = new_id(), new_token()
    snapshot = await state.pool.call(sid, "fork_state", {
        "id": new, "token_hash": hash_token(token), "classroom": key.removeprefix(CLASS),
        "nickname": name})
    state.pool.assign(new)
    result = await state.pool.call(new, "create_from_state", {"state": snapshot,
                                                                  "client": key})
    return await _register(state, request, new, token, key, result)


@router.post("/{id}/train", response_model=Summary, responses=responses(*TRAINS))
async def train(sid: Owner, body: TrainIn, state: State, client: Client) -> dict[str, Any]:
    """Train ``epochs`` epochs and answer when they are done (then the session is paused)."""
    check_epochs(state.settings, body.epochs)
    key = await billed(state.registry, sid, client)
    async with state.quotas.hold("train", key):
        result = await state.pool.call(sid, "step", {"epochs": body.epochs, "wait": True,
                                                     "client": key})
    return _summary(state, result)


@router.post("/{id}/keep", response_model=Summary)
async def keep(sid: Owner, state: State) -> dict[str, Any]:
    """Keep the session (a teacher's): never evicted for room, and the full idle lifetime
    even if nobody opens it; at most ``max_kept_sessions`` on the server."""
    if not await state.registry.keep(sid, state.settings.max_kept_sessions):
        raise keep_limit(state.settings.max_kept_sessions)
    return _summary(state, await state.pool.call(sid, "summary"))


@router.post("/{id}/reset", response_model=Summary)
async def reset(sid: Owner, state: State) -> dict[str, Any]:
    """Back to epoch 0 with the seed's initial weights (data kept)."""
    return _summary(state, await state.pool.call(sid, "reset"))


@router.get("/{id}/model")
async def export_model(sid: SessionId, state: State) -> dict[str, Any]:
    """The complete model: spec, network config, weights, biases, epoch, optimiser state."""
    result: dict[str, Any] = await state.pool.call(sid, "model")
    return result


@router.put("/{id}/model", response_model=Summary)
async def import_model(sid: Owner, body: ModelIn, state: State) -> dict[str, Any]:
    """Replace the network by an exported model (bit-identical predictions); history resets."""
    model = body.model_dump()
    check_model_limits(state.settings, model)
    spec = model.get("spec")
    for name in ("weights", "biases"):  # numbers in rectangular arrays, or a 422 here
        for l, value in enumerate(model[name]):
            try:
                np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise invalid_field(f"{name}[{l}]", f"{name}[{l}] must be an array of numbers "
                                    "with one length per row", "invalid_config") from None
    try:  # parse it here first: a part the engine cannot read is the client's error
        if isinstance(spec, dict):
            SessionSpec.from_dict(spec)
        Network.from_dict(model)
    except (EngineError, DatasetError):
        raise  # 422 naming the field
    except Exception as exc:
        raise invalid_field("model", f"the model cannot be loaded: {type(exc).__name__}: "
                            f"{exc}"[:300], "invalid_config") from None
    return _summary(state, await state.pool.call(sid, "load_model", {"model": model}))


@router.get("/{id}/dataset")
async def read_dataset(sid: SessionId, state: State) -> dict[str, Any]:
    """The points (train and test) with labels, the problem type and the drawing domain."""
    result: dict[str, Any] = await state.pool.call(sid, "dataset")
    return result


@router.put("/{id}/dataset")
async def replace_dataset(sid: Owner, body: DatasetPut, state: State) -> dict[str, Any]:
    """Train on these points instead of the generated ones (the session resets)."""
    n = len(body.train) + len(body.test)
    check_points(state.settings, n, "train")
    points = body.model_dump(exclude={"dataset"})
    result: dict[str, Any] = await state.pool.call(
        sid, "set_points", {"points": points, "dataset": body.dataset})
    return result


@router.post("/{id}/predict", response_model=Predictions)
async def predict(sid: SessionId, body: PredictIn, state: State) -> dict[str, Any]:
    check_points(state.settings, len(body.inputs), "inputs")
    result: dict[str, Any] = await state.pool.call(sid, "predict", {"inputs": body.inputs})
    return result


@router.get("/{id}/boundary")
async def boundary(sid: SessionId, state: State,
                   resolution: Annotated[int, Query(ge=2, json_schema_extra=limit(
                       maximum="max_resolution"))] = 50,
                   neurons: bool = False) -> dict[str, Any]:
    """The output (and optionally every neuron) over a ``resolution x resolution`` grid."""
    check_resolution(state.settings, resolution)
    result: dict[str, Any] = await state.pool.call(
        sid, "boundary", {"resolution": resolution, "neurons": neurons})
    return result


@router.post("/{id}/backprop")
async def backprop(sid: SessionId, body: BackpropIn, state: State) -> dict[str, Any]:
    """One forward and backward pass: per layer ``z, a, delta, dW, db`` (and the update),
    on the training data, one point (``index``) or given ``points``; ``check`` adds the
    numerical gradient check with its relative error."""
    if body.points is not None:
        check_points(state.settings, len(body.points), "points")
    payload = body.model_dump()
    result: dict[str, Any] = await state.pool.call(sid, "backprop", payload)
    return result


@router.get("/{id}/timeline")
async def timeline(sid: SessionId, state: State) -> dict[str, Any]:
    """The run's kept frames (epochs, kinds, training losses): any epoch between ``first``
    and ``epoch`` can be shown with ``snapshot?epoch=``."""
    result: dict[str, Any] = await state.pool.call(sid, "timeline")
    return result


@router.get("/{id}/snapshot")
async def snapshot(sid: SessionId, state: State,
                   epoch: Annotated[int, Query(ge=0)]) -> dict[str, Any]:
    """What a live snapshot holds (weights, biases, boundary, neuron grids) at exactly
    ``epoch`` of the run, rebuilt from the nearest kept frame."""
    result: dict[str, Any] = await state.pool.call(sid, "snapshot_at", {"epoch": epoch})
    return result


@router.get("/{id}/history")
async def history(sid: SessionId, state: State,
                  since: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Every epoch after ``since``: train and test loss, and accuracy for classification."""
    result: dict[str, Any] = await state.pool.call(sid, "history", {"since": since})
    return result
