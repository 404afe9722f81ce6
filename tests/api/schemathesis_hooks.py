"""Schemathesis hooks for ``test_openapi.py``'s ``st run`` against a real server.

Loaded by the CLI (``SCHEMATHESIS_HOOKS``); the server's URL and a session's token come in the
environment (``NNP_ST_BASE``, ``NNP_ST_TOKEN``):

- **Auth.** The token of the session every path's ``{id}`` is pinned to (by the config file),
  as ``Authorization: Bearer``; schemathesis removes or spoils it itself for the auth checks.
- **DELETE** gets a fresh session (its id and token) each time, so the pinned one survives.
- **Cross-field rules.** ``positive_data_acceptance`` is replaced by the same check with one
  exception: a 422 whose code is ``invalid_config`` or ``invalid_dataset`` is a rule between
  fields that JSON Schema cannot state (softmax needs cce, weights must fit the layers, labels
  must fit the session's classes), and so is ``over_limit`` on a sum (``SUMS``); a 422
  saying ``validation_error`` or ``over_limit`` for data the document calls valid is still a
  failure.

What it leaves out: running the CLI (the test does).
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import schemathesis
from schemathesis.core.failures import Failure

CROSS_FIELD = {"invalid_config", "invalid_dataset"}
#: limits on a sum of fields: (operation, field) of an ``over_limit`` that is cross-field
SUMS = {("PUT /api/sessions/{id}/dataset", "train")}  # train and test together
ACCEPTED = {401, 403, 404, 409, 429}


def _new_session() -> dict[str, Any]:
    r = httpx.post(os.environ["NNP_ST_BASE"] + "/api/sessions", json={"preset": "xnor"})
    r.raise_for_status()
    created: dict[str, Any] = r.json()
    return created


@schemathesis.auth().skip_for(method="DELETE")
class PinnedToken:
    def get(self, case: Any, ctx: Any) -> str:
        return os.environ["NNP_ST_TOKEN"]

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.auth(refresh_interval=None).apply_to(method="DELETE")
class FreshSession:
    def get(self, case: Any, ctx: Any) -> dict[str, Any]:
        return _new_session()

    def set(self, case: Any, data: dict[str, Any], ctx: Any) -> None:
        case.path_parameters = {**(case.path_parameters or {}), "id": data["id"]}
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data['token']}"}


class RejectedValidData(Failure):
    def __init__(self, operation: str, status: int, body: str) -> None:
        super().__init__(operation=operation, title="Schema-valid request rejected",
                         message=f"valid data got {status}: {body[:300]}")


@schemathesis.check
def valid_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """``positive_data_acceptance``, except for the cross-field codes (see above)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in ACCEPTED:
        return None
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    if status == 422 and code in CROSS_FIELD:
        return None
    if status == 422 and code == "over_limit" and (
            case.operation.label, response.json().get("field")) in SUMS:
        return None
    raise RejectedValidData(case.operation.label, status, response.text)
