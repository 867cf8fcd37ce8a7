"""Opaque, signed feed cursors.

For You is generated per viewer, so its cursor names server-side session state (the ids
already ranked) plus an offset. Popular names a pool version and an offset, and past the
pool a keyset position. Newest and Following are plain keysets on (published_at, id).
Each cursor is bound to its mode and viewer, so one cannot be replayed elsewhere.
"""

from __future__ import annotations

from django.core import signing

from marketplace.errors import DomainError

_SALT = "creators.feed.cursor"


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    default_message = "Invalid cursor."


class CursorExpired(DomainError):
    code = "cursor_expired"
    status = 410
    default_message = "This feed session has expired; load the first page again."


def encode(payload: dict) -> str:
    # Uncompressed: payloads are a few short fields, which zlib does not shorten but
    # costs a third of the signing time for. (Compressed cursors still decode.)
    return signing.dumps(payload, salt=_SALT)


def decode(token: str, *, mode: str, viewer_id: int) -> dict:
    try:
        payload = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidCursor() from None
    if not isinstance(payload, dict) or payload.get("m") != mode or payload.get("u") != viewer_id:
        raise InvalidCursor("This cursor belongs to another feed.")
    return payload


def cursor_mode(token: str) -> str:
    """The mode a cursor was issued for (checked again, with its viewer, by its page)."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidCursor() from None
    if not isinstance(payload, dict):
        raise InvalidCursor()
    return payload.get("m", "")
