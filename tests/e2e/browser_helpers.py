"""Fixtures for the real-browser tests: the module's real server (``server`` from
tests/e2e/conftest.py), headless Chromium (one per module, so its event loop is gone before
other modules run), and pages that record console errors and failed requests.

Chromium is Debian's /usr/bin/chromium: missing, the tests skip -- except in CI (CI=true),
where they fail.
What it leaves out: the scenarios themselves (test_browser.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("NNP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def nnp_server(server: str) -> str:
    """The base URL of the module's real server (``server`` in tests/e2e/conftest.py)."""
    return server.rstrip("/")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class PageProblems:
    """What went wrong on a page: console errors, uncaught exceptions, failed requests."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.console, f"console errors: {self.console}"
        assert not self.failed, f"failed requests: {self.failed}"


def watch_problems(page: Any) -> PageProblems:
    problems = PageProblems()
    page.on("console", lambda m: m.type == "error" and problems.console.append(m.text))
    page.on("pageerror", lambda e: problems.console.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.failed.append(f"{r.status} {r.url}"))
    return problems


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(15000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    p = context.new_page()
    p.problems = watch_problems(p)  # type: ignore[attr-defined]
    return p


def session_id(page: Any) -> str:
    """The session id in the page's URL hash."""
    sid = page.evaluate("new URLSearchParams(location.hash.slice(1)).get('id')")
    assert sid, f"no id in {page.url}"
    return str(sid)


def epoch_of(page: Any) -> int:
    return int(page.text_content("#epoch").replace(",", ""))


def open_playground(page: Any, base: str, hash_: str = "") -> str:
    """Open the playground and wait until it is connected as the owner; returns the id."""
    page.goto(f"{base}/{hash_}")
    until(page, "document.querySelector('#play') && !document.querySelector('#play').disabled")
    until(page, "new URLSearchParams(location.hash.slice(1)).get('id')")
    return session_id(page)


def save_screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def until(page: Any, expr: str, arg: Any = None) -> Any:
    """Wait until a JS expression (or arrow function) is truthy in the page. Expressions are
    wrapped in a function: the page's CSP forbids eval, which string predicates would need."""
    head, called = expr.lstrip()[:60], expr.rstrip().endswith(")()")  # an IIFE is a value
    fn = expr if "=>" in head and head.startswith("(") and not called else f"() => ({expr})"
    return page.wait_for_function(fn, arg=arg)


def eventually(check: Any, timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``check()`` (e.g. a REST read) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # poll interval
