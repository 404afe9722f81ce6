"""Read QR codes with a real decoder: ``zbarimg`` from Debian's zbar-tools.

``decode(path)`` returns the texts of every QR code in an image file (PNG, PBM, ...);
``terminal_bitmap`` turns the half-block characters ``nnplayground serve`` prints back into
an image zbarimg reads. Without zbarimg a test skips locally and fails in CI (``require``).
What it leaves out: making codes (the product's ``nnplayground.qr``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import require

# A terminal cell holds two modules, top and bottom; True is light (segno prints light on dark).
HALF_BLOCKS = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}


def decode(path: Path) -> list[str]:
    """Every QR code zbarimg finds in the image, as text (an empty list: none found)."""
    zbarimg = require("zbarimg")
    result = subprocess.run([zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 4), result.stderr  # 4: no code found
    return result.stdout.splitlines()


def terminal_bitmap(lines: list[str], path: Path, scale: int = 4) -> Path:
    """Write the printed code as a PBM image (dark modules black), ``scale`` pixels a module."""
    rows: list[list[bool]] = []
    for line in lines:
        cells = [HALF_BLOCKS[ch] for ch in line]
        rows += [[top for top, _ in cells], [bottom for _, bottom in cells]]
    width = max(len(r) for r in rows)
    out = [f"P1\n{width * scale} {len(rows) * scale}"]
    for row in rows:
        light = row + [True] * (width - len(row))
        text = " ".join("0" if px else "1" for px in light for _ in range(scale))
        out += [text] * scale
    path.write_text("\n".join(out) + "\n")
    return path
