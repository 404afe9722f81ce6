"""Errors as JSON: ``{"code": ..., "message": ..., "field": ...}`` with a stable ``code``; the
only place that chooses HTTP statuses.

Maps the domain's errors (``sessions/errors.py``: not found 404, refused 409, invalid 422,
limited 429, unavailable 503, timed out 504), the engine's and the datasets' (422) and FastAPI's
validation errors to answers naming the offending field, and builds the API's own (limits,
tokens, the session limit, body size, a method a path does not take). Nothing a client sends
can produce a 500 through these paths. It also says which statuses a part of a route can
answer (``SESSION``, ``OWNER``, ``BODY``, ...) and documents them with the error body
(:func:`responses`, used by ``openapi.py``). What it leaves out: deciding what is an error
(routes and dependencies do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..datasets import DatasetError
from ..engine import EngineError
from ..sessions.errors import InvalidError, SessionError, invalid


class ApiError(Exception):
    """An error answer: HTTP ``status``, stable ``code``, human ``message``, optional ``field``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error answer: a stable ``code``, a human ``message``, the ``field`` at fault."""

    code: str = Field(examples=["not_found"])
    message: str
    field: str | None
    errors: list[FieldError] | None = Field(None, description="validation errors: each field")


#: what each error status means, for the OpenAPI document
STATUS_TEXT = {
    400: "the body cannot be decoded (malformed_json)",
    401: "the change needs the session's token (missing_token)",
    403: "the token does not own the session (wrong_token); for a QR code, the URL is not "
         "this server's (foreign_url)",
    404: "no session with this id (not_found), or it expired (expired)",
    409: "it conflicts with the session's state (conflict, keep_limit, ...)",
    413: "the body is over max_body_bytes (too_large)",
    422: "a field is invalid or over a limit: the answer names it",
    429: "the client is over a quota (see Retry-After)",
    503: "the server is at its session limit, or a worker or the store is unavailable",
    504: "the session's worker did not answer in time (timeout)",
}
#: the statuses a part of a route can answer (``openapi.py`` adds them to the document)
PARAMETERS = (422,)
BODY = (400, 413, 422)
SESSION = (404, 409, 422, 503, 504)  # a session's id: it may be gone; its worker answers
OWNER = (401, 403)
STORE = (503,)
CREATES = (429, 503)  # the quotas of creating a session, the server's session limit
TRAINS = (429,)  # concurrent train calls, sessions running at once


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route answering ``statuses`` with the error body."""
    return {s: {"model": ErrorOut, "description": STATUS_TEXT[s]} for s in sorted(set(statuses))}


#: the domain's error kinds: (HTTP status, the API's code)
KINDS = {"not_found": (404, "not_found"), "refused": (409, "conflict"),
         "invalid": (422, "invalid_config"), "unavailable": (503, "unavailable"),
         "limited": (429, "too_many_running"),
         "timed_out": (504, "timeout"), "internal": (500, "internal")}


def from_session_error(exc: SessionError) -> ApiError:
    status, code = KINDS.get(exc.kind, KINDS["internal"])
    if isinstance(exc, InvalidError):
        code = f"invalid_{exc.subject}"
    headers = {"Retry-After": "5"} if status == 429 else None
    return ApiError(status, code, exc.message, exc.field, headers)


def not_found() -> ApiError:
    return ApiError(404, "not_found", "no session with this id")


def no_challenge() -> ApiError:
    return ApiError(404, "no_challenge", "this session has no challenge (create it from a "
                    "lesson preset, or with \"challenge\" in POST /api/sessions)")


def over_limit(field: str, limit: str, value: object, maximum: object) -> ApiError:
    return ApiError(422, "over_limit",
                    f"{field} is {value}, over the limit {limit}={maximum}", field)


def invalid_field(field: str, message: str, code: str = "validation_error") -> ApiError:
    """A 422 naming ``field``: a value the schemas let through but that cannot be used."""
    return ApiError(422, code, message, field)


def unknown_preset(name: str, valid: Sequence[str]) -> ApiError:
    return ApiError(422, "unknown_preset", f"unknown preset {name!r}; valid: {', '.join(valid)}",
                    "preset")


def missing_token() -> ApiError:
    return ApiError(401, "missing_token", "this change needs the session's token: "
                    "Authorization: Bearer <token>", "Authorization",
                    headers={"WWW-Authenticate": "Bearer"})


def wrong_token() -> ApiError:
    return ApiError(403, "wrong_token", "this token does not own the session", "Authorization")


def session_limit(limit: int) -> ApiError:
    return ApiError(503, "session_limit", f"the server holds its limit of {limit} sessions; "
                    "try again later", headers={"Retry-After": "60"})


def too_many(code: str, message: str, retry_after: int) -> ApiError:
    """A client over one of its quotas (``quotas.py``): try again in ``retry_after`` s."""
    return ApiError(429, code, message, headers={"Retry-After": str(retry_after)})


def keep_limit(limit: int) -> ApiError:
    return ApiError(409, "keep_limit", f"the server keeps at most {limit} sessions "
                    "(max_kept_sessions); this one is not kept")


def expired() -> ApiError:
    return ApiError(404, "expired", "this session expired: it was idle and its space was "
                    "needed, or its idle lifetime ended; create a new one")


def too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"request bodies are limited to {limit} bytes", "body")


def method_not_allowed(allowed: Sequence[str]) -> ApiError:
    return ApiError(405, "method_not_allowed", f"this path takes {', '.join(allowed)}",
                    headers={"Allow": ", ".join(allowed)})


def respond(err: ApiError) -> JSONResponse:
    return JSONResponse(err.body(), status_code=err.status, headers=err.headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def validation_error(errors: Sequence[Any]) -> ApiError:
    """The 422 of a body (or a stream command) that pydantic refused: its first error."""
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
    field = _field(tuple(first.get("loc", ())))
    return ApiError(422, "validation_error", f"{field}: {first.get('msg', 'invalid')}", field)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every known error into a JSON 4xx."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return respond(exc)

    @app.exception_handler(SessionError)
    async def _session(_: Request, exc: SessionError) -> JSONResponse:
        return respond(from_session_error(exc))

    @app.exception_handler(EngineError)
    @app.exception_handler(DatasetError)
    async def _invalid(_: Request, exc: EngineError | DatasetError) -> JSONResponse:
        return respond(from_session_error(invalid(exc)))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        err = validation_error(errors)
        code, message, field = err.code, err.message, err.field
        if errors and errors[0].get("type") == "json_invalid":  # loc: a character position
            first = errors[0]
            code, where = "malformed_json", first.get("loc", ("body", "?"))[-1]
            ctx = first.get("ctx")
            detail = ctx.get("error", "") if isinstance(ctx, dict) else ""
            field, message = "body", f"body: invalid JSON at character {where}: {detail}"
        return JSONResponse({"code": code, "message": message, "field": field,
                             "errors": [{"field": _field(tuple(e.get("loc", ()))),
                                         "message": e.get("msg")} for e in errors[:20]]},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {400: "malformed_json", 404: "not_found", 405: "method_not_allowed",
                 413: "too_large"}  # 400: a body that cannot be decoded at all
        return JSONResponse({"code": codes.get(exc.status_code, "http_error"),
                             "message": str(exc.detail), "field": None},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))


def refused_url(code: str, message: str, status: int = 422) -> ApiError:
    """A URL the QR endpoint will not encode: ``invalid_url`` (422), or ``foreign_url`` (403:
    another server's)."""
    return ApiError(status, code, message, "url")
