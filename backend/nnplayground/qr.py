"""QR codes of share links, drawn by segno (a maintained QR library, pinned in pyproject.toml).

``svg`` is what the share dialog shows (``GET /api/qr.svg``); ``terminal`` is what
``nnplayground serve`` prints for a classroom. Both use error correction level M (15% of the
code may be damaged or covered) and the standard quiet zone of 4 modules. What it leaves out:
which URLs deserve a code (``reach.py`` and ``api/share.py``).
"""

from __future__ import annotations

import io

import segno

ERROR_LEVEL = "m"
QUIET_ZONE = 4


def make(text: str) -> segno.QRCode:
    """The smallest regular (not micro) QR code holding ``text`` at level M."""
    return segno.make(text, error=ERROR_LEVEL, micro=False, boost_error=False)


def svg(text: str) -> bytes:
    """An SVG document of the code: black modules on white, one unit per module in its
    ``viewBox`` and no fixed size (the page sizes it; crisp edges at any scale), titled with
    the text it holds."""
    out = io.BytesIO()
    make(text).save(out, kind="svg", border=QUIET_ZONE, scale=1, dark="#000", light="#fff",
                    title=text, xmldecl=False, omitsize=True)
    return out.getvalue().replace(b"<svg ", b'<svg shape-rendering="crispEdges" ', 1)


def terminal(text: str) -> str:
    """The code in half-block characters (two modules a line), light on a dark terminal."""
    out = io.StringIO()
    make(text).terminal(out=out, border=QUIET_ZONE, compact=True)
    return out.getvalue()
