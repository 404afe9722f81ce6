"""``nnplayground.client`` against a real server (uvicorn on a loopback port): what a notebook
or an autograder does -- create, train, predict, fork, export and import, boundary, backprop,
history, data, the live stream with commands -- sync and async, and refusals as ``ApiError``
with the API's codes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.protocol import State

from nnplayground.client import (
    ApiError,
    AsyncClient,
    Client,
    Session,
    Stream,
    StreamClosedError,
    grid_array,
)

from .browser_helpers import eventually
from .conftest import Server

pytestmark = pytest.mark.e2e
CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.fixture(scope="module")
def nnp(server: str) -> Iterator[Client]:
    with Client(server) as client:
        yield client


def paused_at(epoch: int) -> Any:
    return lambda e: e["type"] == "status" and e["status"] == "paused" and e["epoch"] == epoch


def test_a_notebook_trains_the_tutorial_s_xnor_and_predicts(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    assert s.token and s.watch_url == f"{nnp.base_url}/watch.html#id={s.id}"
    summary = s.train(10_000)
    assert (summary["epoch"], summary["status"]) == (10_000, "paused")
    labels = [int(p["label"]) for p in s.dataset()["train"]]
    points = [[p["x1"], p["x2"]] for p in s.dataset()["train"]]
    assert s.predict(np.array(points))["classes"] == labels  # a NumPy array is fine too
    assert summary["last"]["accuracy"] == 1.0


def test_answers_are_the_api_s_own(nnp: Client, server: str) -> None:
    s = nnp.create(preset="xnor")
    s.train(50)
    raw = httpx.post(f"{server}/api/sessions/{s.id}/predict", json={"inputs": CORNERS}).json()
    assert s.predict(CORNERS) == raw
    assert s.model() == httpx.get(f"{server}/api/sessions/{s.id}/model").json()
    assert s.summary()["epoch"] == 50


def test_a_fork_is_an_owned_copy_and_a_watcher_can_fork_but_not_change(nnp: Client) -> None:
    teacher = nnp.create(preset="xnor")
    teacher.train(200)
    watched = nnp.session(teacher.id)  # the id alone, as a student has it
    assert watched.token is None
    with pytest.raises(ApiError) as missing:
        watched.train(10)
    assert (missing.value.status, missing.value.code) == (401, "missing_token")
    fork = watched.fork()
    assert fork.id != teacher.id and fork.token and fork.token != teacher.token
    info = fork.summary()
    assert (info["parent"], info["epoch"]) == (teacher.id, 200)
    assert fork.model()["weights"] == teacher.model()["weights"]
    assert fork.train(100)["epoch"] == 300
    assert teacher.summary()["epoch"] == 200  # the teacher's session is untouched
    with pytest.raises(ApiError) as wrong:
        Session(nnp, teacher.id, fork.token).reset()
    assert (wrong.value.status, wrong.value.code, wrong.value.field) == (403, "wrong_token",
                                                                         "Authorization")


def test_refusals_carry_the_api_s_codes(nnp: Client) -> None:
    limit = nnp.limits()["max_epochs_per_call"]
    s = nnp.create(preset="xnor")
    with pytest.raises(ApiError) as over:
        s.train(limit + 1)
    assert (over.value.status, over.value.code, over.value.field) == (422, "over_limit", "epochs")
    assert "max_epochs_per_call" in over.value.message
    with pytest.raises(ApiError) as unknown:
        nnp.create(preset="no_such_preset")
    assert (unknown.value.status, unknown.value.code) == (422, "unknown_preset")
    with pytest.raises(ApiError) as gone:
        nnp.session("no-such-session").summary()
    assert (gone.value.status, gone.value.code) == (404, "not_found")
    with pytest.raises(ApiError) as bad:
        s.update(learning_rate=-1)
    assert (bad.value.code, bad.value.field) == ("validation_error", "learning_rate")
    assert "validation_error" in str(bad.value)


def test_an_exported_model_imported_elsewhere_predicts_bit_identically(nnp: Client) -> None:
    a = nnp.create(config={"hidden_layers": [5, 3], "dataset": {"name": "spiral"}})
    a.train(300)
    b = nnp.create()
    b.load_model(a.model())
    grid = np.random.default_rng(0).uniform(-5, 5, (50, 2))
    assert b.predict(grid) == a.predict(grid)
    assert b.summary()["epoch"] == 300


def test_boundary_backprop_history_and_data(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    s.train(30)
    boundary = s.boundary(resolution=7, neurons=True)
    assert np.array(boundary["output"]).shape == (1, 7, 7)
    assert [np.array(n).shape for n in boundary["neurons"]] == [(2, 7, 7), (1, 7, 7)]
    bp = s.backprop(check=True)
    assert len(bp["layers"]) == len(s.summary()["layers"]) - 1
    assert bp["gradient_check"]["relative_error"] < 1e-6
    assert s.backprop(index=2)["m"] == 1
    history = s.history()
    assert (history["first"], len(history["train_loss"])) == (1, 30)
    later = s.history(since=10)
    assert later["first"] == 11 and later["train_loss"] == history["train_loss"][10:]
    points = [{"x1": 0.1, "x2": 0.2, "label": 0}, {"x1": 0.9, "x2": 0.8, "label": 1}]
    s.set_dataset(points, test=[{"x1": 0.5, "x2": 0.5, "label": 1}])
    data = s.dataset()
    assert data["custom"] and data["train"] == points and len(data["test"]) == 1
    assert s.summary()["epoch"] == 0  # new points reset the run
    changed = s.update(learning_rate=0.5)
    assert changed["spec"]["learning_rate"] == 0.5 and not changed["reset"]
    s.delete()
    with pytest.raises(ApiError) as gone:
        s.summary()
    assert gone.value.code == "not_found"


def test_server_routes(nnp: Client) -> None:
    assert nnp.health()["status"] == "ok"
    assert "xnor" in {p["name"] for p in nnp.presets()}
    assert "spiral" in {d["name"] for d in nnp.datasets()}
    assert nnp.share()["base"] == nnp.base_url  # a loopback server: only this computer


def test_the_stream_gives_every_epoch_in_order_and_obeys_the_owner(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    s.train(10)
    with s.stream(since=4, timeout=30) as events:
        hello = events.receive(timeout=30)
        assert (hello["type"], hello["role"]) == ("hello", "owner")
        replay = events.until(lambda e: e["type"] == "epoch", timeout=30)
        assert replay["first"] == 5 and len(replay["train_loss"]) == 6  # epochs 5..10
        events.step(25)
        epochs: list[float] = list(replay["train_loss"])
        for event in events:
            if event["type"] == "epoch":
                assert event["first"] == 5 + len(epochs)  # no gap, no repeat
                epochs += event["train_loss"]
            if paused_at(35)(event):
                break
    assert epochs == s.history(since=4)["train_loss"]


def test_a_watcher_s_stream_refuses_commands(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    with nnp.session(s.id).stream() as events:
        assert events.receive(timeout=30)["role"] == "watcher"
        events.start()
        refusal = events.until(lambda e: e["type"] == "error", timeout=30)
        assert (refusal["code"], refusal["command"]) == ("forbidden", "start")
    assert s.summary()["status"] == "idle"


def test_a_snapshot_grid_decodes_to_the_boundary(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    s.train(100)
    with s.stream() as events:
        snapshot = events.until(lambda e: e["type"] == "snapshot", timeout=30)
    grid = grid_array(snapshot["boundary"])
    assert list(grid.shape) == snapshot["boundary"]["shape"]
    exact = np.array(s.boundary(resolution=grid.shape[-1])["output"])
    step = (snapshot["boundary"]["max"] - snapshot["boundary"]["min"]) / 255
    # rounded to the nearest level of a float32 picture (docs/protocol.md, Grids)
    assert np.abs(grid - exact).max() <= step / 2 + 1e-6


def test_a_stream_of_an_unknown_session_is_refused(nnp: Client) -> None:
    with pytest.raises(ApiError) as gone:
        nnp.session("no-such-session").stream()
    assert (gone.value.status, gone.value.code) == (None, "not_found")


def test_deleting_the_session_is_an_event_on_its_stream(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    with s.stream(timeout=30) as events:
        events.receive()
        s.delete()
        gone = events.until(lambda e: e["type"] == "status", timeout=30)
    assert gone["status"] == "deleted"


def test_iteration_stops_when_the_server_closes_the_stream(tmp_path: Path) -> None:
    srv = Server(tmp_path).start()
    try:
        with Client(srv.url) as nnp:
            events = nnp.create(preset="xnor").stream(timeout=60)
        assert events.receive()["type"] == "hello"
    finally:
        srv.stop()  # a graceful shutdown closes every stream
    kinds = [e["type"] for e in events]  # ends instead of waiting
    assert "hello" not in kinds
    with pytest.raises(StreamClosedError) as closed:
        events.receive(timeout=5)
    assert (closed.value.code, closed.value.status) == ("closed", None)
    events.close()


def test_the_async_client_does_the_same(server: str) -> None:
    async def run() -> tuple[list[int], Any, str]:
        async with AsyncClient(server) as nnp:
            s = await nnp.create(preset="xnor")
            await s.train(20)
            fork = await s.fork()
            assert (await fork.summary())["parent"] == s.id
            outputs = await fork.predict(CORNERS)
            async with fork.stream(timeout=30) as events:
                assert (await events.receive(timeout=30))["role"] == "owner"
                await events.step(5)
                seen: list[int] = []
                async for event in events:
                    if event["type"] == "epoch":
                        seen += range(event["first"], event["first"] + len(event["train_loss"]))
                    if paused_at(25)(event):
                        break
            try:
                await nnp.session("no-such-session").history()
            except ApiError as exc:
                code = exc.code
            return seen, outputs, code

    seen, outputs, code = asyncio.run(run())
    assert seen == list(range(1, 26)) and len(outputs["outputs"]) == 4 and code == "not_found"


def test_a_stream_is_a_context_manager_that_closes(nnp: Client) -> None:
    s = nnp.create(preset="xnor")
    stream: Stream = s.stream()
    with stream:
        assert stream.receive(timeout=30)["type"] == "hello"
        assert s.summary()["watchers"] == 1
    assert stream.ws.state is State.CLOSED
    eventually(lambda: s.summary()["watchers"] == 0, what="the server to see the stream go")


def test_the_readme_s_notebook_example_runs(server: str) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Python: notebooks and autograders", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert 'Client("http://127.0.0.1:8000")' in code
    code = code.replace("http://127.0.0.1:8000", server)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    last, classes, error = run.stdout.splitlines()
    assert "'accuracy': 1.0" in last and classes == "[0, 1, 1, 0]" and float(error) < 1e-6


def test_an_autograder_checks_a_students_challenge(nnp: Client) -> None:
    teacher = nnp.create(preset="lesson_or")
    student = nnp.session(teacher.id).fork(nickname="Ada")  # what the watch page's Fork does
    assert student.challenge()["met"] is False
    student.update(hidden_layers=[])
    student.train(400)
    report = student.challenge()
    assert report["met"] and report["classroom"] == teacher.id and report["nickname"] == "Ada"
    assert {c["name"]: c["ok"] for c in report["conditions"]} == {
        "accuracy": True, "max_hidden_neurons": True, "dataset": True}
    (row,) = teacher.forks()["rows"]
    assert (row["id"], row["nickname"], row["challenge"]["met"]) == (student.id, "Ada", True)
    assert student.forks()["rows"] == []  # a student's own class: nobody forked it
    with pytest.raises(ApiError) as refused:  # the teacher's, with the student's token
        nnp.session(teacher.id, student.token).forks()
    assert refused.value.status == 403 and refused.value.code == "wrong_token"


def test_the_async_client_checks_challenges_too(server: str) -> None:
    async def run() -> tuple[bool, bool, list[str]]:
        async with AsyncClient(server) as nnp:
            teacher = await nnp.create(config={"hidden_layers": [], "features": ["x1*x2"],
                                               "dataset": {"name": "xor"}},
                                       challenge={"test_accuracy": 0.9})
            student = await nnp.session(teacher.id).fork("Bo")
            before = (await student.challenge())["met"]
            await student.train(50)
            after = (await student.challenge())["met"]
            rows = (await teacher.forks())["rows"]
            return before, after, [r["nickname"] for r in rows]

    assert asyncio.run(run()) == (False, True, ["Bo"])
