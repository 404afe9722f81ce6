"""The OpenAPI document of the running app, made to tell the truth about the contract.

Three things FastAPI's own document leaves out, added by :func:`install`:

- **Error statuses.** Every ``/api`` operation lists the statuses it can answer, each with the
  error body (``errors.ErrorOut``). They follow from what the route is made of
  (:func:`statuses`): a session id (``SessionId``: not found, and whatever its worker answers),
  the owner's token (``Owner``), parameters, a body, the store; a route adds what its own body
  raises with ``responses=errors.responses(...)`` (quotas, the session limit). A router goes
  through :func:`document_errors` before it is included; its new routes need nothing more.
- **Limits.** A field marked with ``schemas.limit`` (``maximum="max_resolution"``) gets the running
  app's setting as its bound, so a value the server refuses is not "valid" in the document.
- **Its own security scheme** comes from ``deps.owner`` (HTTP bearer), not from here.

What it leaves out: answering ``OPTIONS`` and wrong methods (``methods.py``), and the routes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from ..config import Settings
from . import deps, errors
from .schemas import LIMITS_KEY

#: the error statuses a dependency brings to every route that uses it
BY_DEPENDENCY: dict[Callable[..., Any], tuple[int, ...]] = {
    deps.session_id: errors.SESSION,
    deps.owner: errors.OWNER + errors.SESSION,  # it resolves the id itself, after the token
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def statuses(route: APIRoute) -> set[int]:
    """The error statuses ``route`` can answer, from its parts."""
    out: set[int] = set()
    dependant = route.dependant
    for call in _calls(dependant):
        out.update(BY_DEPENDENCY.get(call, ()))
    if dependant.query_params or dependant.path_params or dependant.header_params:
        out.update(errors.PARAMETERS)
    if dependant.body_params:
        out.update(errors.BODY)
    return out


def document_errors(router: APIRouter) -> APIRouter:
    """Add the error statuses of each of ``router``'s routes to its ``responses``; call it
    before the router is included (FastAPI copies the responses then)."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            for status, response in errors.responses(*statuses(route)).items():
                route.responses.setdefault(status, response)
    return router


def _apply_limits(node: Any, settings: Settings) -> None:
    if isinstance(node, dict):
        bounds = node.pop(LIMITS_KEY, None)
        if bounds:
            node.update({keyword: getattr(settings, name) for keyword, name in bounds.items()})
        for value in node.values():
            _apply_limits(value, settings)
    elif isinstance(node, list):
        for value in node:
            _apply_limits(value, settings)


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` (``/openapi.json``, ``/docs``) carry the settings' limits."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            _apply_limits(schema, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
