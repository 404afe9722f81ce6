"""ASGI middleware: ``OPTIONS`` and methods a path does not take, for the API's paths.

Without it a request whose method no ``/api`` route takes falls through to the page's static
files, which answer ``405`` with ``Allow: GET, HEAD`` even where the resource takes ``POST``.
Here ``OPTIONS`` gets ``204`` with ``Allow`` listing the methods the path's routes take (and
``OPTIONS``), and any other method they do not take a ``405`` error body with the same
``Allow``. What it leaves out: paths no route matches (the page's 404) and CORS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import method_not_allowed, respond

ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def http_routes(routes: Sequence[BaseRoute]) -> list[tuple[re.Pattern[str], set[str]]]:
    """Each HTTP route (those of included routers too): its path pattern and methods."""
    return [(context.path_regex, set(context.methods)) for context in iter_route_contexts(routes)
            if context.methods]


def allowed(routes: Sequence[tuple[re.Pattern[str], set[str]]], path: str) -> list[str]:
    """The methods the routes matching ``path`` take, in a conventional order."""
    methods: set[str] = set()
    for pattern, taken in routes:
        if pattern.match(path):
            methods |= taken
    if not methods:
        return []
    methods.add("OPTIONS")
    return sorted(methods, key=lambda m: ORDER.index(m) if m in ORDER else len(ORDER))


class ApiMethods:
    """Answer ``OPTIONS`` and wrong methods on ``prefix`` paths from ``routes()``."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[BaseRoute]],
                 prefix: str = "/api/") -> None:
        self.app, self.routes, self.prefix = app, routes, prefix
        self.table: list[tuple[re.Pattern[str], set[str]]] | None = None  # once routed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            if self.table is None:
                self.table = http_routes(self.routes())
            methods = allowed(self.table, scope["path"])
            if methods and scope["method"] not in methods:
                await respond(method_not_allowed(methods))(scope, receive, send)
                return
            if methods and scope["method"] == "OPTIONS":
                await send({"type": "http.response.start", "status": 204,
                            "headers": [(b"allow", ", ".join(methods).encode())]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
