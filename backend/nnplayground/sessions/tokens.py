"""Session ids and tokens: unguessable, and a token is kept only as its hash.

The id is public (watching is read-only); the token is the bearer credential for every change.
What it leaves out: where the hashes are kept (the registries) and the ``Authorization``
header (``api/deps.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_id() -> str:
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token_hash: str, token: str) -> bool:
    """Whether ``token`` is the one ``token_hash`` was made from (in constant time)."""
    return hmac.compare_digest(token_hash, hash_token(token))
