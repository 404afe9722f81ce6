"""The page in headless Chromium against a real server: what a person would check.

Each scenario drives the real page (frontend/) and checks it against the REST API. Screenshots
of the main page and the watch page are kept under artifacts/ (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

import httpx
import pytest

try:
    from .browser_helpers import (
        browser,
        context,
        epoch_of,
        eventually,
        nnp_server,
        open_playground,
        page,
        save_screenshot,
        session_id,
        until,
        watch_problems,
    )
except ImportError:
    from browser_helpers import (  # type: ignore[no-redef]  # noqa: F401
        browser,
        context,
        epoch_of,
        eventually,
        nnp_server,
        open_playground,
        page,
        save_screenshot,
        session_id,
        until,
        watch_problems,
    )

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

EPOCH = "Number(document.querySelector('#epoch').textContent.replace(/,/g, ''))"
VISIBLE_NEURONS = "document.querySelectorAll('.network .node.neuron').length > 0"
READY = "!document.querySelector('#play').disabled"
HEAT_CHANGED = """(expected) => {
  const c = document.querySelector('#heatmap canvas.heatmap-grid');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  return Array.from(d).join(',') !== expected;
}"""
LABELLESS = """() => [...document.querySelectorAll('button, select, input')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.textContent.trim() && !el.title)
  .map((el) => el.outerHTML.slice(0, 80))"""
BP_TABLES = """() => Object.fromEntries([...document.querySelectorAll('.bp-matrix')].map((f) => [
  f.dataset.matrix,
  [...f.querySelectorAll('tr')].map((tr) =>
    [...tr.querySelectorAll('td[data-v]')].map((td) =>
      [Number(td.dataset.v), td.textContent]))]))"""
Z1 = """() => [...document.querySelector('.bp-matrix[data-matrix="z1"]').querySelectorAll('tr')]
  .map((tr) => [...tr.querySelectorAll('td[data-v]')].map((td) => Number(td.dataset.v)))"""
VISIBLE_BUTTONS = """() => [...document.querySelectorAll('button')]
  .filter((b) => b.offsetParent !== null).map((b) => b.id || b.textContent)"""
HAS_GRADCHECK = """[...document.querySelectorAll('.bp-phase')]
  .some((s) => s.dataset.phase === 'Gradient check')"""
HEAT_PIXELS = """() => {
  const c = document.querySelector('#heatmap canvas.heatmap-grid');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  return Array.from(d).join(',');
}"""


POINTS_CANVAS = "#heatmap canvas.heatmap-points"


def is_dataset_get(r: Any) -> bool:
    """The page's request for a session's points (after every dataset or session change)."""
    return r.request.method == "GET" and r.url.endswith("/dataset")


def is_points_put(r: Any) -> bool:
    """The page's upload of edited points."""
    return r.request.method == "PUT" and r.url.endswith("/dataset")


def canvas_xy(page: Any, ds: dict[str, Any], point: dict[str, float]) -> dict[str, float]:
    """Where a data point is drawn on the output's point canvas (CSS pixels in the canvas)."""
    box = page.locator(POINTS_CANVAS).bounding_box()
    x0, x1, y0, y1 = ds["domain"]
    return {"x": (point["x1"] - x0) / (x1 - x0) * box["width"],
            "y": (y1 - point["x2"]) / (y1 - y0) * box["height"]}


def drawn(page: Any) -> None:
    """Return once the page has drawn two more animation frames."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def api(base: str, method: str, path: str, **kw: Any) -> Any:
    r = httpx.request(method, f"{base}/api{path}", timeout=30, **kw)
    r.raise_for_status()
    return r.json() if r.content else None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def wait_epoch_at_least(page: Any, n: int) -> None:
    until(page, f"{EPOCH} >= {n}")


def wait_epoch(page: Any, n: int) -> None:
    until(page, f"{EPOCH} === {n}")


def train_count(base: str, sid: str) -> int:
    return len(api(base, "GET", f"/sessions/{sid}/dataset")["train"])


def readout(page: Any) -> str:
    return str(page.text_content("#lossReadout"))


def wait_status(page: Any, status: str) -> None:
    until(page, f"document.querySelector('#status').textContent === '{status}'")


def test_page_loads_without_errors(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    until(page, VISIBLE_NEURONS)
    until(page, "document.querySelectorAll('#datasets button.dataset').length >= 8")
    assert api(nnp_server, "GET", f"/sessions/{sid}")["epoch"] == 0
    assert page.text_content("#epoch") == "0"
    # every control has a label a screen reader can read
    assert page.evaluate(LABELLESS) == []
    save_screenshot(page, "main-page.png")
    page.problems.assert_clean()


def test_play_advances_counter_chart_and_boundary_then_pause_stops(nnp_server: str,
                                                                   page: Any) -> None:
    sid = open_playground(page, nnp_server)
    until(page, "document.querySelector('#heatmap canvas.heatmap-grid').width > 1")
    before_pixels = page.evaluate(HEAT_PIXELS)
    before = digest(before_pixels)
    readout_before = page.text_content("#lossReadout")
    page.click("#play")
    wait_status(page, "running")
    wait_epoch_at_least(page, 300)
    until(page, f"document.querySelector('#lossReadout').textContent !== "
                f"{json.dumps(readout_before)}")
    assert re.search(r"train loss \d", page.text_content("#lossReadout"))
    until(page, HEAT_CHANGED, arg=before_pixels)
    after = digest(page.evaluate(HEAT_PIXELS))
    assert after != before, "the decision boundary did not change while training"
    page.click("#play")
    wait_status(page, "paused")
    eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}")["status"] == "paused",
               what="paused")
    server_epoch = api(nnp_server, "GET", f"/sessions/{sid}")["epoch"]
    wait_epoch(page, server_epoch)
    frozen = epoch_of(page)
    readout = page.text_content("#lossReadout")
    page.wait_for_timeout(600)  # nothing may move while paused
    assert epoch_of(page) == frozen
    assert page.text_content("#lossReadout") == readout
    assert api(nnp_server, "GET", f"/sessions/{sid}")["epoch"] == frozen


def test_step_advances_exactly_one_epoch(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    page.click("#step")
    wait_epoch_at_least(page, 1)
    wait_status(page, "paused")
    assert epoch_of(page) == 1
    page.keyboard.press("s")
    wait_epoch_at_least(page, 2)
    page.wait_for_timeout(300)
    assert epoch_of(page) == 2
    assert api(nnp_server, "GET", f"/sessions/{sid}")["epoch"] == 2
    assert api(nnp_server, "GET", f"/sessions/{sid}/history")["epoch"] == 2


def test_space_toggles_play(nnp_server: str, page: Any) -> None:
    open_playground(page, nnp_server)
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press(" ")
    wait_status(page, "running")
    page.keyboard.press(" ")
    wait_status(page, "paused")


def test_space_and_s_on_a_focused_control_are_left_to_the_control(nnp_server: str,
                                                                  page: Any) -> None:
    sent: list[str] = []  # every frame the page sends on its streams, in order
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)))

    def commands() -> list[str]:
        types = [json.loads(f)["type"] for f in sent if isinstance(f, str)]
        return [t for t in types if t not in ("auth", "ping")]

    sid = open_playground(page, nnp_server)
    page.focus("#regenerate")
    page.keyboard.press(" ")  # presses Regenerate: a new data seed, no training
    until(page, "location.hash.includes('dseed=1')")
    summary = api(nnp_server, "GET", f"/sessions/{sid}")
    assert summary["spec"]["dataset"]["seed"] == 1
    assert (summary["status"], summary["epoch"]) == ("idle", 0)
    page.focus(".network button.node.input[aria-label*='x₁²']")
    page.keyboard.press(" ")  # switches the feature on
    until(page, "location.hash.includes('features=x1,x2,x1sq')")
    # the rebuilt diagram gives the focus back to the tile
    until(page, "document.activeElement.dataset.feature === 'x1^2'")
    page.focus("#ratio")
    page.keyboard.press("s")  # a letter typed on a field, not a step
    page.focus("#activation")
    page.keyboard.press("s")  # the menu's type-ahead (to Sigmoid, where it is)
    page.focus("footer a")
    page.keyboard.press(" ")  # scrolls, does not play
    page.focus("#regenerate")
    page.keyboard.press("s")  # a button has no use for s: this one steps
    # commands go out in order: once the last key's step is sent, any earlier one would be too
    eventually(lambda: "step" in commands(), what="the step command")
    assert commands() == ["step"]
    wait_epoch(page, 1)
    wait_status(page, "paused")
    page.locator("body").click(position={"x": 5, "y": 300})  # nothing focused: Space plays
    page.keyboard.press(" ")
    wait_status(page, "running")
    page.keyboard.press(" ")
    wait_status(page, "paused")
    assert commands() == ["step", "start", "pause"]
    assert api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["features"] == ["x1", "x2", "x1^2"]


def test_switching_every_dataset_and_preset_logs_no_error(nnp_server: str, page: Any) -> None:
    """Every dataset tile, then every preset, in turn (regression ones between
    classification ones); the page must log no console error and throw nothing."""
    sid = open_playground(page, nnp_server)
    until(page, VISIBLE_NEURONS)
    assert {d["problem"] for d in api(nnp_server, "GET", "/datasets")} == {
        "classification", "regression"}
    tiles = page.eval_on_selector_all("#datasets button.dataset",
                                      "bs => bs.map((b) => b.getAttribute('aria-label'))")
    assert len(tiles) >= 10
    for label in [*tiles[1:], tiles[0]]:
        tile = f"#datasets button[aria-label={json.dumps(label)}]"
        with page.expect_response(is_dataset_get):
            page.click(tile)
        until(page, f"document.querySelector({json.dumps(tile)})"
                    f".getAttribute('aria-pressed') === 'true'")
        drawn(page)
    presets = page.eval_on_selector_all("#preset option", "os => os.map((o) => o.value)")[1:]
    datasets = {p["name"]: p["spec"]["dataset"]["name"] for p in api(nnp_server, "GET", "/presets")}
    assert sorted(presets) == sorted(datasets)
    for preset in presets:
        before = sid
        with page.expect_response(is_dataset_get):
            page.select_option("#preset", preset)
        until(page, f"new URLSearchParams(location.hash.slice(1)).get('id') !== '{before}'")
        until(page, READY)
        sid = session_id(page)
        assert api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["dataset"]["name"] == (
            datasets[preset])
        drawn(page)
    page.problems.assert_clean()


def test_only_visible_points_can_be_removed(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    until(page, VISIBLE_NEURONS)
    ds = api(nnp_server, "GET", f"/sessions/{sid}/dataset")
    n_train, n_test = len(ds["train"]), len(ds["test"])
    target = ds["test"][0]
    assert not page.is_checked("#showTest")
    with page.expect_response(is_points_put):
        page.locator(POINTS_CANVAS).click(position=canvas_xy(page, ds, target),
                                          modifiers=["Control"])  # on a hidden test point
    drawn(page)
    after = api(nnp_server, "GET", f"/sessions/{sid}/dataset")
    assert (len(after["train"]), len(after["test"])) == (n_train - 1, n_test)
    assert target in after["test"]
    nearest = min(ds["train"], key=lambda p: (p["x1"] - target["x1"]) ** 2
                  + (p["x2"] - target["x2"]) ** 2)
    assert nearest not in after["train"]
    # shown, the test point is the nearest one and the remove tool takes it
    page.check("#showTest")
    page.check("#toolOptions input[value='remove']")
    with page.expect_response(is_points_put):
        page.locator(POINTS_CANVAS).click(position=canvas_xy(page, after, target))
    final = api(nnp_server, "GET", f"/sessions/{sid}/dataset")
    assert (len(final["train"]), len(final["test"])) == (n_train - 1, n_test - 1)
    assert target not in final["test"]
    page.problems.assert_clean()


def test_owner_and_watcher_see_the_same_viewer_count(nnp_server: str, page: Any,
                                                      context: Any) -> None:
    sid = open_playground(page, nnp_server)
    until(page, "document.querySelector('#watchers').textContent === '1 watching'")
    watch = context.new_page()
    problems = watch_problems(watch)
    try:
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, "document.querySelector('#watchers').textContent === '2 watching'")
        until(page, "document.querySelector('#watchers').textContent === '2 watching'")
        page.click("#share")
        assert page.text_content("#viewers") == "2 watching"
        page.click("#closeShare")
        assert api(nnp_server, "GET", f"/sessions/{sid}")["watchers"] == 2
        titles = {p.get_attribute(sel, "title") for p, sel in
                  ((page, "#watchers"), (page, "#viewers"), (watch, "#watchers"))}
        assert titles == {"pages open on this session, yours included"}
        problems.assert_clean()
    finally:
        watch.close()
    until(page, "document.querySelector('#watchers').textContent === '1 watching'")


def test_one_tile_for_the_xor_table_and_the_tutorials_xnor(nnp_server: str, page: Any) -> None:
    open_playground(page, nnp_server, "#preset=xnor")
    until(page, VISIBLE_NEURONS)
    labels = page.eval_on_selector_all("#datasets button.dataset span",
                                       "ss => ss.map((s) => s.textContent)")
    assert "XOR table" in labels and not any("XNOR" in t for t in labels)
    until(page, "document.querySelector('#datasets button.selected span').textContent "
                "=== 'XOR table'")
    # the preset keeps the tutorial's name, and the menu says once what its labels are
    titles = page.eval_on_selector_all("#preset option", "os => os.map((o) => o.textContent)")
    assert any("'XNOR'" in t for t in titles)
    notes = page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3
                                             && n.textContent.includes("are XOR's"))
                      || (el.label || '').includes("are XOR's"))
      .map((el) => el.tagName)""")
    assert notes == ["OPTGROUP"]


def test_changing_the_dataset_resets(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    page.click("#step")
    wait_epoch_at_least(page, 1)
    page.click("#datasets button[aria-label^='Dataset Spiral']")
    until(page, "location.hash.includes('dataset=spiral')")
    until(page, "document.querySelector('#epoch').textContent === '0'")
    summary = api(nnp_server, "GET", f"/sessions/{sid}")
    assert summary["epoch"] == 0
    assert summary["spec"]["dataset"]["name"] == "spiral"
    assert api(nnp_server, "GET", f"/sessions/{sid}/dataset")["name"] == "spiral"
    spiral = "#datasets button[aria-label^='Dataset Spiral']"
    assert page.get_attribute(spiral, "aria-pressed") == "true"


def test_reloaded_url_restores_the_configuration(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    page.select_option("#lr", "0.03")
    until(page, "location.hash.includes('lr=0.03')")
    page.select_option("#activation", "relu")
    until(page, "location.hash.includes('act=relu')")
    page.click("#addLayer")
    until(page, "location.hash.includes('layers=4%2C2%2C2')")
    page.click("#datasets button[aria-label^='Dataset Exclusive or']")
    until(page, "location.hash.includes('dataset=xor')")
    # the dataset came with its suggested setup; the line offers to keep the network
    until(page, "document.querySelector('#setupText').textContent"
                ".startsWith('Suggested setup for Exclusive or')")
    assert api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["learning_rate"] == 0.3
    page.click("#keepNetwork")
    until(page, "location.hash.includes('lr=0.03')")
    until(page, "document.querySelector('#setupText').textContent"
                ".startsWith('Your own setup on Exclusive or')")
    assert page.is_hidden("#keepNetwork") and page.is_visible("#useSuggested")
    url = page.url
    page.reload()
    until(page, READY)
    assert session_id(page) == sid
    assert page.input_value("#lr") == "0.03"
    assert page.input_value("#activation") == "relu"
    assert page.text_content("#layerCount") == "3 hidden layers"
    spec = api(nnp_server, "GET", f"/sessions/{sid}")["spec"]
    assert spec["learning_rate"] == 0.03 and spec["hidden_activation"] == "relu"
    assert spec["hidden_layers"] == [4, 2, 2] and spec["dataset"]["name"] == "xor"
    # the same link in a browser that does not own the session gives the same configuration
    other = page.context.browser.new_context()
    try:
        p2 = other.new_page()
        p2.goto(url)
        until(p2, READY)
        sid2 = session_id(p2)
        assert sid2 != sid
        spec2 = api(nnp_server, "GET", f"/sessions/{sid2}")["spec"]
        assert {k: v for k, v in spec2.items()} == spec
    finally:
        other.close()


def test_clicking_the_output_adds_a_point(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server)
    n0 = train_count(nnp_server, sid)
    box = page.locator("#heatmap").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    eventually(lambda: train_count(nnp_server, sid) == n0 + 1, what="the new point")
    ds = api(nnp_server, "GET", f"/sessions/{sid}/dataset")
    new = ds["train"][-1]
    assert ds["custom"] is True
    assert new["label"] == 0
    assert abs(new["x1"] - 3.0) < 0.3 and abs(new["x2"] - 3.0) < 0.3  # domain [-6, 6]²
    page.keyboard.down("Shift")
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    page.keyboard.up("Shift")
    eventually(lambda: train_count(nnp_server, sid) == n0 + 2, what="the new point")
    new2 = api(nnp_server, "GET", f"/sessions/{sid}/dataset")["train"][-1]
    assert new2["label"] == 1 and abs(new2["x1"] + 3.0) < 0.3 and abs(new2["x2"] + 3.0) < 0.3


def test_backward_pass_view_shows_the_api_numbers_for_xnor(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server, "#preset=xnor")
    page.click(".bp-compute")
    until(page, "document.querySelectorAll('.bp-matrix').length > 10")
    expected = api(nnp_server, "POST", f"/sessions/{sid}/backprop", json={})
    shown = page.evaluate(BP_TABLES)
    checked = 0
    for layer in expected["layers"]:
        l = layer["l"]
        for key, name in (("W", f"W{l}"), ("b", f"b{l}"), ("z", f"z{l}"), ("a", f"a{l}"),
                          ("delta", f"delta{l}"), ("dW", f"dW{l}"), ("db", f"db{l}"),
                          ("W_next", f"W_next{l}"), ("b_next", f"b_next{l}")):
            assert name in shown, f"{name} is not shown"
            rows = shown[name]
            assert len(rows) == len(layer[key])
            for row_shown, row in zip(rows, layer[key], strict=True):
                assert [v for v, _ in row_shown] == row  # bit-identical
                for (_, text), v in zip(row_shown, row, strict=True):
                    assert abs(float(text) - v) <= 5e-4 * max(1.0, abs(v)), (name, text, v)
                checked += len(row)
    assert [[v for v, _ in r] for r in shown["y"]] == expected["y"]
    assert checked > 30
    # the tutorial's formula is on the page
    assert "δ² = (a² − y) ⊙ a² ⊙ (1 − a²)" in page.text_content(".bp-body")
    # gradient check: the relative error the API reports is the one shown
    page.check("input[name='bp-check']")
    page.click(".bp-compute")
    until(page, HAS_GRADCHECK)
    check = api(nnp_server, "POST", f"/sessions/{sid}/backprop",
                json={"check": True})["gradient_check"]
    text = page.text_content(".bp-phase[data-phase='Gradient check']")
    from_page = float(re.search(r"relative error = .* = ([0-9.e+-]+)", text).group(1))
    assert from_page == pytest.approx(check["relative_error"], rel=1e-2)
    # one point: index 2 of the four
    page.check("input[name='bp-which'][value='one']")
    page.fill("input[name='bp-index']", "2")
    page.click(".bp-compute")
    until(page, "document.querySelector('.bp-head span').textContent.includes('m = 1 point')")
    one = api(nnp_server, "POST", f"/sessions/{sid}/backprop", json={"index": 2})
    z1 = page.evaluate(Z1)
    assert z1 == one["layers"][0]["z"]


def test_watch_page_follows_and_cannot_change(nnp_server: str, page: Any, context: Any) -> None:
    sid = open_playground(page, nnp_server)
    watch = context.browser.new_page(viewport={"width": 1400, "height": 900})
    problems = watch_problems(watch)
    try:
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, VISIBLE_NEURONS)
        until(page, "document.querySelector('#watchers').textContent === '2 watching'")
        page.click("#play")
        until(watch, f"{EPOCH} > 200")
        until(watch, "document.querySelector('#lossReadout').textContent.includes('train loss')")
        until(watch, "document.querySelector('#status').textContent === 'running'")
        page.click("#play")
        wait_status(page, "paused")
        until(watch, "document.querySelector('#status').textContent === 'paused'")
        final = api(nnp_server, "GET", f"/sessions/{sid}")["epoch"]
        wait_epoch(watch, final)
        # nothing on the page can change the session: the only buttons are Fork, projector
        # mode (this page's view only, tests/e2e/test_present.py) and the timeline's Replay,
        # which only reads past epochs (tests/e2e/test_timeline_page.py)
        buttons = watch.evaluate(VISIBLE_BUTTONS)
        assert buttons == ["fork", "present", "Replay"]
        for sel in ("#play", "#step", "#reset", "#lr", "#addLayer", ".bp-compute"):
            assert watch.query_selector(sel) is None
        assert watch.query_selector(".network .hit[data-kind='W']") is not None
        watch.click(".network .hit[data-kind='W']", force=True)  # no editor on the watch page
        assert watch.query_selector(".param-editor:not([hidden])") is None
        box = watch.locator("#heatmap").bounding_box()
        n0 = train_count(nnp_server, sid)
        watch.mouse.click(box["x"] + 20, box["y"] + 20)
        watch.keyboard.press(" ")
        watch.wait_for_timeout(300)
        assert train_count(nnp_server, sid) == n0
        assert api(nnp_server, "GET", f"/sessions/{sid}")["epoch"] == final
        save_screenshot(watch, "watch-page.png")
        problems.assert_clean()
    finally:
        watch.close()


def test_fork_from_the_watch_page_opens_an_own_session(nnp_server: str, page: Any,
                                                       context: Any) -> None:
    sid = open_playground(page, nnp_server, "#preset=xnor")
    page.click("#step")
    wait_epoch_at_least(page, 1)
    watch = context.new_page()
    try:
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, "document.querySelector('#epoch').textContent === '1'")
        watch.click("#fork")
        watch.click("#forkConfirm")  # (no nickname: it is optional)
        watch.wait_for_url(re.compile(r"/#id="))
        until(watch, READY)
        new = session_id(watch)
        assert new != sid
        assert api(nnp_server, "GET", f"/sessions/{new}")["parent"] == sid
        watch.click("#step")
        until(watch, "document.querySelector('#epoch').textContent === '2'")
        assert api(nnp_server, "GET", f"/sessions/{sid}")["epoch"] == 1
    finally:
        watch.close()


def test_phone_viewport_has_no_overflow_and_touch_works(nnp_server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    try:
        p = ctx.new_page()
        sid = open_playground(p, nnp_server)
        until(p, VISIBLE_NEURONS)
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        p.click("details.more-options > summary")
        p.click("#share")
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        p.click("#closeShare")
        n0 = train_count(nnp_server, sid)
        p.check("#touchDraw")  # a tap adds a point only while Draw is on (test_data_page.py)
        p.locator("#heatmap").scroll_into_view_if_needed()
        box = p.locator("#heatmap").bounding_box()
        p.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        eventually(lambda: train_count(nnp_server, sid) == n0 + 1, what="the new point")
        p.tap("#play")
        until(p, "document.querySelector('#status').textContent === 'running'")
        p.tap("#play")
        until(p, "document.querySelector('#status').textContent === 'paused'")
        save_screenshot(p, "phone.png")
    finally:
        ctx.close()


def test_server_refusal_is_shown_in_words(nnp_server: str, page: Any) -> None:
    open_playground(page, nnp_server)
    page.click("details.more-options > summary")
    page.fill("#momentum", "5")
    page.press("#momentum", "Enter")
    page.locator("#momentum").blur()
    page.wait_for_selector(".notice.error")
    text = page.text_content(".notice.error")
    assert "momentum" in text
    assert "refused" in text.lower()


def test_dropped_websocket_reconnects_without_a_gap(nnp_server: str, page: Any) -> None:
    """Playwright sits between the page and the server's stream, records every epoch message
    and drops the connection mid-training; the page reconnects with since=<last epoch> and
    the epochs it holds are exactly 1..N with none missing or repeated."""
    urls: list[str] = []
    routes: list[Any] = []
    received: list[tuple[int, int]] = []  # (first, last) of every epochs message, in order

    def handler(ws: Any) -> None:
        urls.append(ws.url)
        server = ws.connect_to_server()
        routes.append((ws, server))

        def to_page(message: str | bytes) -> None:
            if isinstance(message, str) and '"type":"epochs"' in message:
                m = json.loads(message)
                received.append((m["first"], m["ends"][-1]))
            ws.send(message)

        server.on_message(to_page)
        ws.on_message(lambda message: server.send(message))

    page.route_web_socket(re.compile(r".*/stream.*"), handler)
    sid = open_playground(page, nnp_server)  # at 50 epochs/s: live buckets are never coarse
    page.click("#play")
    wait_epoch_at_least(page, 200)
    ws, server = routes[-1]
    dropped = len(urls)
    ws.close(code=4000, reason="test drop")
    server.close()
    until(page, "document.querySelector('#connection').textContent !== ''")
    until(page, "document.querySelector('#connection').textContent === ''")  # open again
    assert len(urls) >= 2 and all("detail=display" in u for u in urls)
    since = int(re.search(r"since=(\d+)", urls[dropped]).group(1))
    assert since >= 200
    wait_epoch_at_least(page, since + 200)
    page.click("#play")
    wait_status(page, "paused")
    final = api(nnp_server, "GET", f"/sessions/{sid}")["epoch"]
    wait_epoch(page, final)
    until(page, f"document.querySelector('#lossReadout').textContent"
                f".includes('Last epoch {final:,}')")
    # every epoch 1..final arrived exactly once across both connections (history refills aside)
    covered: list[int] = []
    for first, last in received:
        covered.extend(range(first, last + 1))
    missing = sorted(set(range(1, final + 1)) - set(covered))
    assert not missing, f"epochs never received: {missing[:10]}"
    assert since in covered and since + 1 in covered
    # the page's chart reads the same values as the server's history at the seam
    hist = api(nnp_server, "GET", f"/sessions/{sid}/history")
    box = page.locator("#loss canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 35, box["y"] + box["height"] / 2)
    until(page, "document.querySelector('#lossReadout').textContent.startsWith('Epoch ')")
    readout = page.text_content("#lossReadout")
    epoch = int(re.search(r"Epoch ([\d,]+)", readout).group(1).replace(",", ""))
    loss = float(re.search(r"train loss ([0-9.e+-]+)", readout).group(1))
    assert loss == pytest.approx(hist["train_loss"][epoch - hist["first"]], rel=1e-3)


def test_clicking_a_link_or_bias_edits_its_value(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server, "#preset=xnor")
    until(page, VISIBLE_NEURONS)
    page.dispatch_event(".network .hit[data-kind='W'][data-l='1'][data-i='0'][data-j='1']", "click")
    page.wait_for_selector(".param-editor:not([hidden])")
    assert page.text_content(".param-editor span") == "W¹[1,2] ="
    page.fill(".param-editor input", "2.5")
    page.press(".param-editor input", "Enter")
    eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}/model")["weights"][0][0][1] == 2.5,
               what="the edited weight")
    page.click(".network .bias[data-l='2'][data-i='0']")
    page.fill(".param-editor input", "-1.25")
    page.click(".param-editor button[type=submit]")
    eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}/model")["biases"][1] == [[-1.25]],
               what="the edited bias")
    # the diagram shows the new value
    page.hover(".network .bias[data-l='2'][data-i='0']")
    until(page, "document.querySelector('.network .tooltip').textContent.includes('-1.25')")


def test_url_can_hide_controls_for_a_class(nnp_server: str, page: Any) -> None:
    open_playground(page, nnp_server, "#hide=lr,data,backprop,features")
    until(page, VISIBLE_NEURONS)
    for sel in ("#lr", "#datasets", "#backpropPanel"):
        assert not page.is_visible(sel), sel
    assert page.is_visible("#activation") and page.is_visible("#play")
    assert page.query_selector(".network button.node.input") is None  # features not clickable
    page.reload()
    until(page, READY)
    assert "hide=lr,data,backprop,features" in page.url
    assert not page.is_visible("#lr")


def test_learning_rate_changes_live_while_training(nnp_server: str, page: Any) -> None:
    sid = open_playground(page, nnp_server, "#pace=max")
    page.click("#play")
    wait_epoch_at_least(page, 200)
    before = epoch_of(page)
    page.select_option("#lr", "0.03")
    page.select_option("#regRate", "0.001")

    def rates() -> tuple[Any, Any]:
        spec = api(nnp_server, "GET", f"/sessions/{sid}")["spec"]
        return spec["learning_rate"], spec["reg_rate"]

    eventually(lambda: rates() == (0.03, 0.001), what="the new rates on the server")
    # the hash follows the page's configuration once the server has taken each change
    until(page, "() => { const h = new URLSearchParams(location.hash.slice(1));"
                " return h.get('lr') === '0.03' && h.get('regRate') === '0.001'; }")
    wait_epoch_at_least(page, before + 200)  # no reset: the count goes on
    assert page.text_content("#status") == "running"
    page.click("#play")
    wait_status(page, "paused")


# Runs before the page's scripts (the page carries no test hooks; this global is the test's):
# after every animation frame the page drew, it compares the output canvas with the last frame
# it counted and counts the frame when it is visibly different (at least 1% of its cells
# changed by more than 2 levels in a colour channel), and notes how many it had counted when
# the loss readout first showed a test accuracy of at least 95%, at which epoch.
FRAME_COUNTER = """(() => {
  const seen = { changed: 0, reached: null, last: null };
  window.__nnpFrames = seen;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((time) => {
    callback(time);
    const c = document.querySelector('#heatmap canvas.heatmap-grid');
    if (c && c.width > 1) {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let cells = 0;
      for (let i = 0; seen.last && i < d.length; i += 4) {
        if (Math.abs(d[i] - seen.last[i]) > 2 || Math.abs(d[i + 1] - seen.last[i + 1]) > 2
            || Math.abs(d[i + 2] - seen.last[i + 2]) > 2) cells++;
      }
      if (!seen.last || cells >= d.length / 400) {
        if (seen.last) seen.changed++;
        seen.last = d;
      }
    }
    const text = (document.getElementById('lossReadout') || {}).textContent || '';
    const m = text.match(/Last epoch ([\\d,]+) .*\\/ test ([\\d.]+)%/);
    if (m && seen.reached === null && Number(m[2]) >= 95) {
      seen.reached = { frames: seen.changed, epoch: Number(m[1].replace(/,/g, '')) };
    }
  });
})();"""


def stream_log(page: Any) -> list[dict[str, Any]]:
    """Every JSON message the page's streams receive from now on (binary frames as
    ``{"type": "frame"}``), in order."""
    log: list[dict[str, Any]] = []

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda payload: log.append(
            json.loads(payload) if isinstance(payload, str) else {"type": "frame"}))

    page.on("websocket", on_ws)
    return log


def epochs_per_second(messages: list[dict[str, Any]]) -> float:
    """Epochs a second of server time (``t``) over live ``epochs`` messages."""
    live = [m for m in messages if m["type"] == "epochs" and "t" in m]
    assert len(live) >= 3, live
    return (live[-1]["ends"][-1] - live[0]["ends"][-1]) / (live[-1]["t"] - live[0]["t"])


def hover_epoch(page: Any, fraction: float) -> int:
    """The epoch the loss readout shows with the mouse at ``fraction`` of the chart's plot
    width (its plot area starts 44 px in and ends 34 px before the right edge); the mouse
    then leaves and the readout is back on the last epoch."""
    box = page.locator("#loss canvas").bounding_box()
    page.mouse.move(box["x"] + 44 + (box["width"] - 78) * fraction, box["y"] + box["height"] / 2)
    until(page, "document.querySelector('#lossReadout').textContent.startsWith('Epoch ')")
    text = page.text_content("#lossReadout")
    page.mouse.move(box["x"] - 20, box["y"] - 20)
    until(page, "document.querySelector('#lossReadout').textContent.startsWith('Last')")
    return int(re.search(r"Epoch ([\d,]+)", text).group(1).replace(",", ""))


def test_first_visit_learns_visibly_at_the_default_pace(nnp_server: str, browser: Any) -> None:
    circle = next(d for d in api(nnp_server, "GET", "/datasets") if d["name"] == "circle")
    setup = circle["suggested"]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(15000)
    try:
        page = ctx.new_page()
        problems = watch_problems(page)
        page.add_init_script(FRAME_COUNTER)
        sid = open_playground(page, nnp_server)
        spec = api(nnp_server, "GET", f"/sessions/{sid}")["spec"]
        assert {k: spec[k] for k in setup} == setup  # the circle's suggested setup, its pace too
        assert spec["dataset"]["name"] == "circle"
        # the page says what it uses, and the speed control shows the pace
        layers = ", ".join(map(str, setup["hidden_layers"]))
        assert page.text_content("#setupText") == (
            f"Suggested setup for Circle: {setup['hidden_activation']} [{layers}], learning "
            f"rate {setup['learning_rate']:g}, {setup['pace']:g} epochs/s.")
        assert page.text_content("#paceOut") == f"{setup['pace']:g} epochs/s (suggested)"
        page.click("#play")
        wait_status(page, "running")
        page.wait_for_function("() => window.__nnpFrames.reached !== null", timeout=120_000)
        reached = page.evaluate("() => window.__nnpFrames.reached")
        # the boundary changed visibly in at least 30 drawn frames before 95% test accuracy
        assert reached["frames"] >= 30, reached
        # ... within 20 s of play at this pace (by the epoch count: no clock in the test)
        assert reached["epoch"] <= 20 * setup["pace"], reached
        hist = api(nnp_server, "GET", f"/sessions/{sid}/history")
        assert hist["test_accuracy"][reached["epoch"] - hist["first"]] >= 0.95
        page.click("#play")
        wait_status(page, "paused")
        problems.assert_clean()
    finally:
        ctx.close()


def test_speed_changes_live_without_a_reset_and_max_is_full_speed(nnp_server: str,
                                                                  page: Any) -> None:
    log = stream_log(page)
    sid = open_playground(page, nnp_server)
    page.click("#play")
    wait_epoch_at_least(page, 10)
    page.focus("#pace")

    def move_to(key: str, label: str, pace: float | None, more: int) -> float:
        """Press ``key`` on the speed control; once the server has ``pace``, the rate over
        the next ``more`` epochs."""
        page.keyboard.press(key)
        until(page, f"document.querySelector('#paceOut').textContent === '{label}'")
        eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["pace"] == pace,
                   what=f"pace {pace} on the server")
        until(page, f"location.hash.includes('pace={pace or 'max'}')")
        start = len(log)
        wait_epoch_at_least(page, epoch_of(page) + more)
        return epochs_per_second(log[start:])

    at_100 = move_to("ArrowRight", "100 epochs/s", 100, 100)  # from 50
    at_max = move_to("End", "max speed", None, 40_000)  # a second or more: tens of messages
    assert page.text_content("#status") == "running"
    assert not any(m.get("reset") for m in log if m["type"] in ("status", "ack"))
    assert {m["status"] for m in log if m["type"] == "status"} == {"running"}  # never paused
    assert 80 <= at_100 <= 120, at_100
    assert at_max > 10 * at_100, (at_max, at_100)  # not held to any pace
    page.click("#play")
    wait_status(page, "paused")


def test_stop_at_shows_why_and_the_epoch_axis_goes_log_for_a_long_run(nnp_server: str,
                                                                      page: Any) -> None:
    sid = open_playground(page, nnp_server, "#pace=max&stop=epoch:4000")
    assert api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["stop_at"] == {"epoch": 4000}
    assert page.input_value("#stopKind") == "epoch" and page.input_value("#stopValue") == "4000"
    assert not page.is_checked("#logEpochs")
    page.click("#play")
    wait_status(page, "paused")
    wait_epoch(page, 4000)
    note = page.text_content("#runNote")
    assert note.startswith("Stopped at epoch 4,000 (stop_at: epoch 4,000): train loss"), note
    assert api(nnp_server, "GET", f"/sessions/{sid}")["message"].lower() == note.lower()
    # a run of more than 1,000 epochs: the epoch axis is logarithmic by itself
    until(page, "document.querySelector('#logEpochs').checked")
    assert page.text_content("#logEpochsNote") == "(auto)"
    assert eventually(lambda: 45 <= hover_epoch(page, 0.5) <= 90,  # 10^(log10(4000)/2) = 63
                      what="a log axis, fine at its start")
    page.uncheck("#logEpochs")
    until(page, "location.hash.includes('xlog=0')")
    assert page.text_content("#logEpochsNote") == ""
    assert 1800 <= hover_epoch(page, 0.5) <= 2200  # linear: 2,000
    page.check("#logEpochs")
    until(page, "location.hash.includes('xlog=1')")
    assert 45 <= hover_epoch(page, 0.5) <= 90
    # Play after a stop goes on; choosing "never" clears the condition
    page.select_option("#stopKind", "")
    eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}")["spec"]["stop_at"] is None,
               what="no stop condition")
    until(page, "!location.hash.includes('stop=')")
    page.click("#play")
    wait_status(page, "running")
    until(page, "document.querySelector('#runNote').hidden")
    page.click("#play")
    wait_status(page, "paused")


def test_hovering_and_touching_the_loss_chart_read_the_values(nnp_server: str, page: Any,
                                                              browser: Any) -> None:
    sid = open_playground(page, nnp_server, "#pace=max&stop=epoch:600")
    page.click("#play")
    wait_status(page, "paused")
    wait_epoch(page, 600)
    hist = api(nnp_server, "GET", f"/sessions/{sid}/history")
    eventually(lambda: 220 <= hover_epoch(page, 0.4) <= 260, what="epoch 240 under the mouse")
    box = page.locator("#loss canvas").bounding_box()
    page.mouse.move(box["x"] + 44 + (box["width"] - 78) * 0.4, box["y"] + box["height"] / 2)
    until(page, "document.querySelector('#lossReadout').textContent.startsWith('Epoch ')")
    text = page.text_content("#lossReadout")
    epoch = int(re.search(r"Epoch ([\d,]+)", text).group(1).replace(",", ""))
    for name, key in (("train loss", "train_loss"), ("test loss", "test_loss")):
        shown = float(re.search(rf"{name} ([0-9.e+-]+)", text).group(1))
        assert shown == pytest.approx(hist[key][epoch - hist["first"]], rel=1e-3), name
    shown = float(re.search(r"/ test ([0-9.]+)%", text).group(1))
    assert shown == pytest.approx(100 * hist["test_accuracy"][epoch - hist["first"]], abs=0.051)
    # on a phone: a touch reads the chart, and stays; touching the same place again lets go
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    try:
        phone = ctx.new_page()
        phone.goto(f"{nnp_server}/watch.html#id={sid}")
        until(phone, "document.querySelector('#lossReadout').textContent"
                     ".startsWith('Last epoch 600')")
        chart = phone.locator("#loss canvas")
        chart.scroll_into_view_if_needed()
        b = chart.bounding_box()
        phone.touchscreen.tap(b["x"] + b["width"] * 0.5, b["y"] + b["height"] / 2)
        until(phone, "document.querySelector('#lossReadout').textContent.startsWith('Epoch ')")
        phone.touchscreen.tap(b["x"] + b["width"] * 0.5, b["y"] + b["height"] / 2)
        until(phone, "document.querySelector('#lossReadout').textContent.startsWith('Last')")
    finally:
        ctx.close()


def test_watch_page_follows_the_display_stream(nnp_server: str, page: Any,
                                               context: Any) -> None:
    sid = open_playground(page, nnp_server, "#pace=1000&stop=epoch:3000")
    watch = context.new_page()
    problems = watch_problems(watch)
    urls: list[str] = []
    frames: list[int] = []
    watch.on("websocket", lambda ws: (urls.append(ws.url), ws.on(
        "framereceived", lambda p: frames.append(1) if isinstance(p, bytes) else None)))
    try:
        watch.goto(f"{nnp_server}/watch.html#id={sid}")
        until(watch, VISIBLE_NEURONS)
        assert watch.text_content("#paceOut") == "1,000 epochs/s"
        before = watch.evaluate(HEAT_PIXELS)
        page.click("#play")
        until(watch, f"{EPOCH} > 500")
        until(watch, HEAT_CHANGED, arg=before)  # drawn from binary snapshot frames
        until(watch, "document.querySelector('#status').textContent === 'paused'")
        wait_epoch(watch, 3000)
        assert urls and all("detail=display" in u for u in urls)
        assert len(frames) >= 2
        assert watch.text_content("#runNote").startswith("Stopped at epoch 3,000")
        until(watch, "document.querySelector('#lossReadout').textContent"
                     ".startsWith('Last epoch 3,000')")
        hist = api(nnp_server, "GET", f"/sessions/{sid}/history")
        loss = float(re.search(r"train loss ([0-9.e+-]+)", watch.text_content("#lossReadout"))
                     .group(1))
        assert loss == pytest.approx(hist["train_loss"][-1], rel=1e-3)
        save_screenshot(watch, "watch-page-display.png")
        problems.assert_clean()
    finally:
        watch.close()


def served_until(page: Any, check: Any, what: str, timeout: float = 15.0) -> None:
    """Wait for ``check()`` on state that Playwright's handlers change: they run only while
    the page is being waited on, so this polls through the page (``eventually``'s sleep
    would starve them)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(20)  # poll interval, serving the handlers


def test_the_owner_stays_in_charge_while_a_fast_runs_history_is_refreshed(nnp_server: str,
                                                                          page: Any) -> None:
    """A fast run's coarse history is refreshed by a new stream connection (since=0) whose
    hello says "watcher" until the token's auth is acknowledged. The test holds that
    connection's messages to the page and lets the hello through alone: Play stays usable
    and Pause takes effect, without an error."""
    connections: list[dict[str, Any]] = []

    def handler(ws: Any) -> None:
        server = ws.connect_to_server()
        conn: dict[str, Any] = {"url": ws.url, "held": [], "hold": len(connections) == 1,
                                "sent": [], "ws": ws}
        connections.append(conn)

        def to_page(message: str | bytes) -> None:
            if conn["hold"]:
                conn["held"].append(message)
            else:
                ws.send(message)

        def to_server(message: str | bytes) -> None:
            conn["sent"].append(json.loads(message)["type"])
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    page.route_web_socket(re.compile(r".*/stream.*"), handler)
    sid = open_playground(page, nnp_server, "#pace=max")
    page.click("#play")
    refresh = lambda: len(connections) >= 2 and connections[1]["held"]  # noqa: E731
    served_until(page, refresh, "a refresh of the history")
    new = connections[1]
    assert "since=0" in new["url"]
    hello = json.loads(new["held"].pop(0))
    assert hello["type"] == "hello" and hello["role"] == "watcher"
    new["ws"].send(json.dumps(hello))
    drawn(page)
    assert page.is_enabled("#play") and page.is_enabled("#pace")
    page.click("#play")  # pause
    served_until(page, lambda: "pause" in new["sent"], "the pause on the new connection")
    new["hold"] = False
    for message in new["held"]:
        new["ws"].send(message)
    wait_status(page, "paused")
    assert "pause" not in connections[0]["sent"]
    eventually(lambda: api(nnp_server, "GET", f"/sessions/{sid}")["status"] == "paused",
               what="paused on the server")
    page.problems.assert_clean()
    assert page.query_selector(".notice.error") is None
