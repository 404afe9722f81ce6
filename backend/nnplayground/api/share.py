"""REST routes of the share dialog: where students reach this server, and its QR codes.

``GET /api/share`` tells the page what the server knows (``NNP_PUBLIC_URL``, whether it
listens on loopback only, its LAN address) and which base a share link should use
(``reach.py`` decides). ``GET /api/qr.svg?url=`` draws the QR code of a URL of this server
(its public URL, the address the request came through, or its LAN address) with segno; any
other URL is refused (403: a well-formed URL this server will not encode), so this is not an
open QR generator. What it leaves out: the
dialog itself (frontend/js/views/share.js).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from .. import qr
from ..reach import Reach, belongs, reach
from .deps import State
from .errors import over_limit, refused_url, responses
from .schemas import limit

router = APIRouter(prefix="/api", tags=["meta"])
#: an absolute http(s) URL (422 otherwise); whether it is this server's is the 403's question
URL = re.compile(r"^https?://[^/?#\s]")


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
            responses={200: {"content": {"image/svg+xml": {}}}, **responses(403)})
async def qr_svg(state: State, request: Request,
                 url: Annotated[str, Query(
                     description="a URL of this server (403 for another's)",
                     json_schema_extra={"pattern": URL.pattern,
                                        **limit(maxLength="qr_max_url_chars")})]) -> Response:
    """The QR code (SVG) of ``url``, which must be a URL of this server (403 otherwise)."""
    longest = state.settings.qr_max_url_chars
    if len(url) > longest:
        raise over_limit("url", "qr_max_url_chars", f"{len(url)} characters long", longest)
    if not URL.match(url):
        raise refused_url("invalid_url", "url must be an absolute http:// or https:// URL")
    bases = _reach(state, request).allowed_bases()
    try:
        ours = belongs(url, bases)
    except ValueError:  # "http://[" (an unclosed IPv6 address): no server's, ours neither
        ours = False
    if not ours:
        raise refused_url("foreign_url", status=403, message="url must be a URL of this server: "
                          f"it must start with {' or '.join(bases)}")
    return Response(qr.svg(url), media_type="image/svg+xml")
