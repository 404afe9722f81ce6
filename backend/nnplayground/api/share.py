"""REST routes of the share dialog: where students reach this server, and its QR codes.

``GET /api/share`` tells the page what the server knows (``NNP_PUBLIC_URL``, whether it
listens on loopback only, its LAN address) and which base a share link should use
(``reach.py`` decides). ``GET /api/qr.svg?url=`` draws the QR code of a URL of this server
(its public URL, the address the request came through, or its LAN address) with segno; any
other URL is refused, so this is not an open QR generator. What it leaves out: the
dialog itself (frontend/js/views/share.js).
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from .. import qr
from ..reach import Reach, belongs, reach
from .deps import State
from .errors import over_limit, refused_url

router = APIRouter(prefix="/api", tags=["meta"])


class ReachOut(BaseModel):
    """Where a share link should point, and what the server knows about its addresses."""

    base: str
    source: Literal["public_url", "browser", "network", "this_computer"]
    reachable: bool
    public_url: str | None
    loopback_only: bool
    lan_url: str | None
    browser_url: str
    container: bool


def _reach(state: State, request: Request) -> Reach:
    server = request.scope.get("server")
    port = int(server[1]) if server and server[1] else state.settings.port
    return reach(state.settings.public_url, state.settings.host, port, str(request.base_url))


@router.get("/share", response_model=ReachOut)
async def share(state: State, request: Request) -> Reach:
    """The base URL of share links: ``NNP_PUBLIC_URL``, else the host the browser used unless
    it is loopback, else the LAN address if the server listens on it (``reachable`` false:
    only this computer can open the link; ``lan_url`` is the address to use instead)."""
    return _reach(state, request)


@router.get("/qr.svg", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}}}})
async def qr_svg(state: State, request: Request,
                 url: Annotated[str, Query(description="a URL of this server")]) -> Response:
    """The QR code (SVG) of ``url``, which must be a URL of this server (422 otherwise)."""
    limit = state.settings.qr_max_url_chars
    if len(url) > limit:
        raise over_limit("url", "qr_max_url_chars", f"{len(url)} characters long", limit)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise refused_url("invalid_url", "url must be an absolute http:// or https:// URL")
    bases = _reach(state, request).allowed_bases()
    if not belongs(url, bases):
        raise refused_url("foreign_url", f"url must be a URL of this server: it must start "
                          f"with {' or '.join(bases)}")
    return Response(qr.svg(url), media_type="image/svg+xml")
