"""Projector mode in the real page (Chromium at 1280x720, a real server): ``#present``.

It measures what the back of a room sees: the readout and the epoch at least 28 px, the labels
at least 18 px, the loss chart's tick labels at the size the chart draws with (its
``data-tick-font``, from ``--chart-font``), the boundary larger than in the normal layout, no
control but play/pause and the speed, the viewer count shown, and nothing overflowing the
viewport. Leaving it (Escape, the button, removing ``#present``) restores the layout; the
watch page has it too. Screenshots go to artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from .browser_helpers import browser as browser  # a fixture (re-exported for pytest)
from .browser_helpers import nnp_server as nnp_server  # a fixture
from .browser_helpers import open_playground, save_screenshot, until, watch_problems

VIEWPORT = {"width": 1280, "height": 720}
HIDDEN = ["#reset", "#step", "#lr", "#activation", "#preset", "#share", "#datasets", "#ratio",
          "#logScale", "#stopKind", "#showTest", "#matricesPanel", "#exportModel", "#addLayer"]
SHOWN = ["#play", "#pace", "#paceOut", "#epoch", "#watchers", "#present", "#heatmap", "#loss",
         "#lossReadout"]

MEASURE = """() => {
  const size = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  const box = (sel) => document.querySelector(sel).getBoundingClientRect();
  const labels = [...document.querySelectorAll('.topbar .label, .col h2, .chart-key')]
    .filter((e) => e.offsetParent !== null).map((e) => parseFloat(getComputedStyle(e).fontSize));
  const root = document.documentElement;
  return {
    readout: size('#lossReadout'), epoch: size('#epoch'), labels,
    tickFont: Number(document.querySelector('#loss').dataset.tickFont),
    heatTicks: Number(document.querySelector('#heatmap').dataset.tickFont),
    heat: box('#heatmap').width, loss: box('#loss').width,
    overflowX: root.scrollWidth > innerWidth, overflowY: root.scrollHeight > innerHeight,
    scroll: [root.scrollWidth, root.scrollHeight, innerWidth, innerHeight],
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5).slice(0, 5)
      .map((e) => `${e.tagName}#${e.id}.${e.className}`),
    present: document.body.classList.contains('present'),
  };
}"""


def visible(page: Any, selector: str) -> bool:
    return bool(page.evaluate("(s) => { const e = document.querySelector(s); "
                              "return !!e && e.getClientRects().length > 0 && "
                              "getComputedStyle(e).visibility !== 'hidden'; }", selector))


@pytest.fixture
def small(browser: Any) -> Any:
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


def trained(page: Any, base: str) -> str:
    sid = open_playground(page, base)
    page.click("#play")
    until(page, "parseInt(document.querySelector('#epoch').textContent.replace(/,/g, '')) >= 50")
    page.click("#play")
    until(page, "document.querySelector('#status').textContent !== 'running'")
    until(page, "document.querySelector('#loss').dataset.tickFont")
    return sid


def test_projector_mode_is_readable_and_fits_1280x720(small: Any, nnp_server: str) -> None:
    page = small.new_page()
    problems = watch_problems(page)
    sid = trained(page, nnp_server)
    normal = page.evaluate(MEASURE)
    save_screenshot(page, "present-normal-1280x720.png")
    assert not normal["present"] and normal["tickFont"] == 10
    assert normal["readout"] < 28  # what the issue measured: too small for a room

    page.goto(f"{nnp_server}/#id={sid}&present")
    until(page, "document.body.classList.contains('present')")
    until(page, "document.querySelector('#loss').dataset.tickFont === '18'")
    m = page.evaluate(MEASURE)
    save_screenshot(page, "present-1280x720.png")
    assert m["readout"] >= 28 and m["epoch"] >= 28, m
    assert m["labels"] and min(m["labels"]) >= 18, m
    assert m["tickFont"] >= 18 and m["heatTicks"] >= 18, m
    assert m["heat"] > normal["heat"] * 1.4, (m["heat"], normal["heat"])
    assert m["loss"] > normal["loss"], (m["loss"], normal["loss"])
    assert not m["overflowX"] and not m["overflowY"], (m["scroll"], m["wide"])
    for selector in HIDDEN:
        assert not visible(page, selector), selector
    for selector in SHOWN:
        assert visible(page, selector), selector
    assert page.evaluate("new URLSearchParams(location.hash.slice(1)).get('id')") == sid
    problems.assert_clean()


def test_leaving_projector_mode_restores_the_layout(small: Any, nnp_server: str) -> None:
    page = small.new_page()
    sid = open_playground(page, nnp_server)
    until(page, "document.querySelector('#heatmap').getBoundingClientRect().width > 0")
    normal = page.evaluate(MEASURE)
    page.click("#present")  # the button: on, and #present in the URL beside the rest
    until(page, "document.body.classList.contains('present')")
    assert page.get_attribute("#present", "aria-pressed") == "true"
    until(page, "location.hash.split('&').includes('present')")
    assert "id=" + sid in page.url
    page.keyboard.press("Escape")  # Escape: off, and the flag leaves the URL
    until(page, "!document.body.classList.contains('present')")
    until(page, "!location.hash.split('&').includes('present')")
    assert visible(page, "#reset") and visible(page, "#lr") and visible(page, "#datasets")
    back = page.evaluate(MEASURE)
    assert back["readout"] == normal["readout"] and back["heat"] == normal["heat"]
    until(page, "document.querySelector('#loss').dataset.tickFont === '10'")
    page.click("#present")
    until(page, "document.body.classList.contains('present')")
    page.click("#present")  # the button again: off
    until(page, "!document.body.classList.contains('present')")
    page.evaluate("location.hash = location.hash + '&present'")  # the URL: on ...
    until(page, "document.body.classList.contains('present')")
    page.evaluate("location.hash = location.hash.replace('&present', '')")  # ... and off
    until(page, "!document.body.classList.contains('present')")


def test_the_watch_page_has_projector_mode(small: Any, nnp_server: str) -> None:
    owner = small.new_page()
    sid = trained(owner, nnp_server)
    page = small.new_page()
    page.goto(f"{nnp_server}/watch.html#id={sid}&present")
    until(page, "document.body.classList.contains('present')")
    until(page, "document.querySelector('#loss').dataset.tickFont === '18'")
    until(page, "/watching/.test(document.querySelector('#watchers').textContent)")
    m = page.evaluate(MEASURE)
    save_screenshot(page, "present-watch-1280x720.png")
    assert m["readout"] >= 28 and min(m["labels"]) >= 18, m
    assert not m["overflowX"] and not m["overflowY"], (m["scroll"], m["wide"])
    assert not visible(page, "#fork") and not visible(page, "#arch")
    assert visible(page, "#watchers") and visible(page, "#heatmap")
    page.keyboard.press("Escape")
    until(page, "!document.body.classList.contains('present')")
    assert visible(page, "#fork")
