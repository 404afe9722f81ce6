"""QR codes of share links (``nnplayground.qr``): what ``serve`` prints in the terminal and the
SVG the share dialog shows, read back by a real decoder (zbarimg)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nnplayground import qr

from .zbar import decode, terminal_bitmap

URLS = ["http://192.168.1.20:8000", "https://nn.school.example/lab/watch.html#id=Zk3_q-9xYv0aBcDeFgHiJ"]


@pytest.mark.parametrize("url", URLS)
def test_the_terminal_code_reads_as_the_url(url: str, tmp_path: Path) -> None:
    lines = qr.terminal(url).splitlines()
    assert lines and all(set(line) <= {"█", "▀", "▄", " "} for line in lines)
    assert decode(terminal_bitmap(lines, tmp_path / "code.pbm")) == [url]


def test_a_garbled_terminal_code_does_not_read(tmp_path: Path) -> None:
    """The decoder check can fail: the same code with its finder patterns blanked reads as
    nothing."""
    lines = qr.terminal(URLS[0]).splitlines()
    blanked = ["█" * len(line) if 2 <= i <= 5 else line for i, line in enumerate(lines)]
    assert decode(terminal_bitmap(blanked, tmp_path / "blank.pbm")) == []


def test_the_svg_scales_and_is_titled_with_its_url() -> None:
    url = "http://127.0.0.1:8000/watch.html#id=a<b>&c"
    text = qr.svg(url).decode()
    side = qr.make(url).symbol_size(border=qr.QUIET_ZONE)[0]
    assert re.search(rf'viewBox="0 0 {side} {side}"', text)
    assert 'width="' not in text.split(">", 1)[0]  # no fixed size: the page sizes it
    assert "<title>http://127.0.0.1:8000/watch.html#id=a&lt;b&gt;&amp;c</title>" in text
    assert "<script" not in text
