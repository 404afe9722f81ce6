"""Your own data on the real page, in headless Chromium against a real server.

A 3-class CSV imported by the file chooser turns the session into a 3-class one that trains
and draws its three class colours (read from the canvases' pixels); a CSV with a bad line is
refused with the line number shown and the session unchanged; a file dropped on the output
panel is imported too (its dataset and summary read
back over REST), as are points the server refuses and files over the server's point limit;
the page's link opened in another browser brings the points; the exported CSV imported into
another session gives the same points; a regression run's R²
and RMSE on the page equal NumPy's from the run's own predictions (``/backprop`` at the
epoch whose weights measured the loss); on a touch screen a tap adds no point until Draw is
on. Screenshots at 1400x1000 and 390x844 go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from .browser_helpers import ARTIFACTS, epoch_of, open_playground, until, watch_problems
from .browser_helpers import browser as browser  # a fixture (re-exported for pytest)
from .browser_helpers import context as context  # a fixture
from .browser_helpers import nnp_server as nnp_server  # a fixture
from .browser_helpers import page as page  # a fixture

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

STATUS = "#importStatus"
EPOCH = "Number(document.querySelector('#epoch').textContent.replace(/,/g, ''))"
POINTS_CANVAS = "#heatmap canvas.heatmap-points"
CENTRES = [(-3.0, -2.0), (3.0, -2.0), (0.0, 3.0)]

# Pixels of a canvas counted by the class colour they are a shade of (a class colour faded
# towards white: the same direction from white, or the colour itself with a dark outline).
CLASS_PIXELS = """async ([selector, k, exact]) => {
  const { CLASS_COLORS } = await import('/js/colors.js');
  const c = document.querySelector(selector);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const counts = new Array(k).fill(0);
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 250) continue;
    for (let j = 0; j < k; j++) {
      const base = CLASS_COLORS[j];
      if (exact) {
        const off = Math.abs(d[i] - base[0]) + Math.abs(d[i + 1] - base[1])
          + Math.abs(d[i + 2] - base[2]);
        if (off <= 6) counts[j]++;
        continue;
      }
      const v = [d[i] - 250, d[i + 1] - 250, d[i + 2] - 250];
      const b = [base[0] - 250, base[1] - 250, base[2] - 250];
      const dot = v[0] * b[0] + v[1] * b[1] + v[2] * b[2];
      const nv = Math.hypot(...v);
      const nb = Math.hypot(...b);
      if (nv > 0.5 * nb && dot / (nv * nb) > 0.995) counts[j]++;
    }
  }
  return counts;
}"""


def is_points_put(request: Any) -> bool:
    return bool(request.method == "PUT" and request.url.endswith("/dataset"))


def rest(base: str, method: str, path: str, **kw: Any) -> Any:
    r = httpx.request(method, f"{base}/api{path}", timeout=30, **kw)
    r.raise_for_status()
    return r.json() if r.content else None


def three_class_csv(path: Path, n: int = 90) -> Path:
    rng = np.random.default_rng(3)
    rows = ["x1,x2,label,split"]
    for i in range(n):
        c = i % 3
        x1, x2 = np.array(CENTRES[c]) + rng.normal(0, 0.7, 2)
        rows.append(f"{x1:.5f},{x2:.5f},{c},{'test' if i % 5 == 0 else 'train'}")
    path.write_text("\n".join(rows) + "\n")
    return path


def import_file(page: Any, *paths: Path) -> str:
    """Choose files in the import chooser; the status line once it says what happened."""
    before = page.text_content(STATUS)
    page.set_input_files("#importPoints", [str(p) for p in paths])
    until(page, "(before) => { const t = document.querySelector('#importStatus').textContent;"
                " return t !== before && !t.startsWith('Sending'); }", before)
    return str(page.text_content(STATUS))


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def train_on_page(page: Any, epochs: int) -> int:
    """Play until at least ``epochs`` epochs, then pause; the epoch it stopped at."""
    page.click("#play")
    until(page, f"{EPOCH} >= {epochs}")
    page.click("#play")
    until(page, "document.querySelector('#status').textContent.trim() === 'paused'")
    return epoch_of(page)


def test_a_three_class_csv_trains_and_draws_three_colours(page: Any, nnp_server: str,
                                                          browser: Any, tmp_path: Path) -> None:
    sid = open_playground(page, nnp_server)
    path = three_class_csv(tmp_path / "three.csv")
    status = import_file(page, path)
    assert status.startswith("Imported 72 training and 18 test points (3 classes)"), status
    data = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
    sizes = (len(data["train"]), len(data["test"]))
    assert (data["n_classes"], data["custom"], sizes) == (3, True, (72, 18))
    assert sorted({p["label"] for p in data["train"]}) == [0, 1, 2]
    until(page, "document.querySelector('#problem').textContent.includes('3 classes')")
    train_on_page(page, 150)
    summary = rest(nnp_server, "GET", f"/sessions/{sid}")
    assert summary["layers"][-1] == 3 and summary["last"]["accuracy"] > 0.9
    until(page, f"(e) => {EPOCH} === e", summary["epoch"])
    # The boundary shows three regions, one per class colour, and the points all three.
    heat = page.evaluate(CLASS_PIXELS, ["#heatmap canvas.heatmap-grid", 3, False])
    total = page.evaluate("() => { const c = document.querySelector('#heatmap .heatmap-grid');"
                          " return c.width * c.height; }")
    assert all(n > 0.05 * total for n in heat), (heat, total)
    dots = page.evaluate(CLASS_PIXELS, [POINTS_CANVAS, 3, True])
    assert all(n > 50 for n in dots), dots
    # And the legend names three classes, each with its own marker shape.
    shapes = page.evaluate("() => [...document.querySelectorAll('#legend .marker-icon')]"
                           ".map((s) => s.firstElementChild.outerHTML)")
    assert len(shapes) == 3 and len(set(shapes)) == 3
    shoot(page, "data-three-classes-1400.png")
    page.problems.assert_clean()
    # The page's link, opened in another browser, brings the points (through a fork).
    elsewhere = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = elsewhere.new_page()
        other.problems = watch_problems(other)
        forked = open_playground(other, nnp_server, "#" + page.url.split("#", 1)[1])
        assert forked != sid
        copy = rest(nnp_server, "GET", f"/sessions/{forked}/dataset")
        assert (copy["train"], copy["test"], copy["n_classes"]) == (data["train"], data["test"], 3)
        other.problems.assert_clean()
    finally:
        elsewhere.close()


def test_a_bad_line_is_refused_with_its_number_and_nothing_changes(page: Any, nnp_server: str,
                                                                   tmp_path: Path) -> None:
    sid = open_playground(page, nnp_server)
    puts: list[str] = []
    page.on("request", lambda r: is_points_put(r) and puts.append(r.url))
    before = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
    spec = rest(nnp_server, "GET", f"/sessions/{sid}")["spec"]
    lines = ["x1,x2,label"] + [f"{i / 10},{-i / 10},{i % 2}" for i in range(15)] + ["0.5,0.5,b"]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    status = import_file(page, bad)
    assert status == "Not imported, nothing changed: bad.csv, line 17: label 'b' is not a number."
    assert page.is_visible(STATUS)
    # Over the server's point limit (NNP_MAX_POINTS, from /api/limits).
    limit = rest(nnp_server, "GET", "/limits")["max_points"]
    many = tmp_path / "many.csv"
    many.write_text("".join(f"{i},{i},{i % 2}\n" for i in range(limit + 1)))
    status = import_file(page, many)
    assert status == (f"Not imported, nothing changed: {limit + 1:,} points, and this server "
                      f"takes at most {limit:,} (NNP_MAX_POINTS).")
    assert puts == []  # none of these was sent
    # A file the page reads but the server refuses: its words, and still nothing changed.
    far = tmp_path / "far.json"
    far.write_text('{"train": [{"x1": 1e9, "x2": 0, "label": 0}, {"x1": 0, "x2": 0, "label": 1}]}')
    page.problems.failed.clear()
    status = import_file(page, far)
    refused = "Not imported, nothing changed: The server refused these points:"
    assert status.startswith(refused), status
    assert "train[0].x1" in status
    assert len(puts) == 1
    assert rest(nnp_server, "GET", f"/sessions/{sid}/dataset") == before
    assert rest(nnp_server, "GET", f"/sessions/{sid}")["spec"] == spec
    shoot(page, "data-bad-line-1400.png")


def test_export_then_import_gives_the_same_points(page: Any, nnp_server: str, context: Any,
                                                  tmp_path: Path) -> None:
    sid = open_playground(page, nnp_server, "#dataset=multi_gaussian&points=80")
    until(page, "!document.querySelector('#exportPoints').disabled")
    with page.expect_download() as info:
        page.click("#exportPoints")
    saved = tmp_path / "exported.csv"
    info.value.save_as(saved)
    original = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    n_train, n_test = len(original["train"]), len(original["test"])
    assert [r["split"] for r in rows] == ["train"] * n_train + ["test"] * n_test
    labels = [p["label"] for p in original["train"] + original["test"]]
    assert [float(r["target"]) for r in rows] == labels
    other = context.new_page()
    other.problems = watch_problems(other)
    sid2 = open_playground(other, nnp_server, "#dataset=circle")
    assert sid2 != sid
    status = import_file(other, saved)
    assert status.startswith(f"Imported {n_train} training and {n_test} test points "
                             "(regression targets)"), status
    copy = rest(nnp_server, "GET", f"/sessions/{sid2}/dataset")
    assert copy["problem"] == "regression"
    assert (copy["train"], copy["test"]) == (original["train"], original["test"])
    other.problems.assert_clean()


DROP = """([name, text]) => {
  const dt = new DataTransfer();
  dt.items.add(new File([text], name, { type: 'text/csv' }));
  const panel = document.querySelector('#outputPanel');
  const event = (type) => new DragEvent(type, { dataTransfer: dt, bubbles: true,
                                                cancelable: true });
  panel.dispatchEvent(event('dragover'));
  const marked = panel.classList.contains('drop-target');
  panel.dispatchEvent(event('drop'));
  return marked;
}"""


def test_a_file_dropped_on_the_output_is_imported(page: Any, nnp_server: str) -> None:
    sid = open_playground(page, nnp_server)
    text = "x1,x2,label\n0,0,0\n1,1,1\n2,0,2\n"
    assert page.evaluate(DROP, ["dropped.csv", text]) is True  # marked as a drop target
    until(page, "document.querySelector('#importStatus').textContent.startsWith('Imported')")
    data = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
    points = [(p["x1"], p["x2"], p["label"]) for p in data["train"]]
    assert points == [(0, 0, 0), (1, 1, 1), (2, 0, 2)]
    assert not page.evaluate(
        "document.querySelector('#outputPanel').classList.contains('drop-target')")
    page.problems.assert_clean()


def shown_figures(text: str) -> dict[str, tuple[float, str]]:
    """{'rmse': (value, as written), 'r2': ..., 'test_rmse': ..., 'test_r2': ...} of the readout."""
    out = {}
    for name, prefix in (("Train", ""), ("Test", "test_")):
        m = re.search(rf"{name} RMSE (\S+) · R² (\S+)", text)
        assert m, text
        out[prefix + "rmse"] = (float(m.group(1)), m.group(1))
        out[prefix + "r2"] = (float(m.group(2)), m.group(2))
    return out


def half_unit(value: float) -> float:
    """Half a unit in the 4th significant digit of ``value`` (the readout's precision)."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - 3)


def test_r2_and_rmse_shown_equal_numpy(page: Any, nnp_server: str) -> None:
    sid = open_playground(page, nnp_server, "#dataset=plane&points=60&ratio=0.5")
    until(page, "document.querySelector('#problem').textContent.includes('Regression')")
    epoch = train_on_page(page, 40)
    until(page, "(e) => document.querySelector('#fitReadout').dataset.epoch === String(e)", epoch)
    shown = shown_figures(str(page.text_content("#fitReadout")))
    data = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
    # The loss of epoch E is measured with the weights E - 1 epochs of training gave.
    for prefix, split in (("", "train"), ("test_", "test")):
        points = data[split]
        bp = rest(nnp_server, "POST", f"/sessions/{sid}/backprop",
                  json={"points": points, "epoch": epoch - 1})
        a = np.array(bp["layers"][-1]["a"]).ravel()
        y = np.array([p["label"] for p in points])
        mse = float(np.mean((a - y) ** 2))
        expected = {"rmse": math.sqrt(mse), "r2": 1 - mse / float(np.var(y))}
        for key, value in expected.items():
            got, written = shown[prefix + key]
            assert abs(got - value) <= half_unit(value) * 1.001, (prefix + key, written, value)
    shoot(page, "data-regression-fit-1400.png")
    page.problems.assert_clean()


def test_a_touch_tap_adds_no_point_unless_draw_is_on(browser: Any, nnp_server: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                              is_mobile=True)
    ctx.set_default_timeout(15000)
    try:
        p = ctx.new_page()
        p.problems = watch_problems(p)
        sid = open_playground(p, nnp_server)
        puts: list[str] = []
        p.on("request", lambda r: is_points_put(r) and puts.append(r.url))
        before = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
        assert p.is_visible("#drawSwitch")
        canvas = p.locator(POINTS_CANVAS)
        canvas.scroll_into_view_if_needed()
        canvas.tap(position={"x": 40, "y": 40})
        until(p, "[...document.querySelectorAll('#notices .notice')]"
                 ".some((n) => n.textContent.includes('Draw'))")
        assert puts == []
        assert rest(nnp_server, "GET", f"/sessions/{sid}/dataset") == before
        p.check("#touchDraw")
        with p.expect_response(lambda r: is_points_put(r.request)):
            canvas.tap(position={"x": 40, "y": 40})
        after = rest(nnp_server, "GET", f"/sessions/{sid}/dataset")
        assert len(after["train"]) == len(before["train"]) + 1
        p.locator("#tools").scroll_into_view_if_needed()
        shoot(p, "data-touch-390.png")
        p.problems.assert_clean()
    finally:
        ctx.close()
