"""Small helpers of the dashboard pages: the status filter and keyset pages of commissions
(newest first; the cursor is the last row's paid time and id, so a page costs one indexed
query however far back it is)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from ..models import CommissionStatus

PAGE_SIZE = 25


def status_param(raw: str | None) -> str:
    return raw if raw in CommissionStatus.values else ""


def _cursor(raw: str | None) -> tuple[datetime, int] | None:
    if not raw or "_" not in raw:
        return None
    stamp, _, pk = raw.rpartition("_")
    try:
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None or not 2000 <= at.year <= 9000:  # edited: the first page
            return None
        return at, int(pk)
    except ValueError:
        return None


def commission_page(rows, before: str | None, *, size: int | None = None):
    """One page of ``rows`` (ordered newest first) after the cursor, and the next cursor."""
    size = size or PAGE_SIZE
    cursor = _cursor(before)
    if cursor is not None:
        at, pk = cursor
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    next_cursor = f"{page[-1].created_at.isoformat()}_{page[-1].pk}" if more else None
    return page, next_cursor
