"""Engagement events as clients send them, checked cheaply and made compact.

A batch is ``{"events": [{"id": "c1-42", "type": "view_start", "video": 12}, ...]}``.
``id`` is chosen by the client and unique per viewer: a batch sent twice (a retry after a
lost response) is counted once. Types:

- ``view_start``: the video came into view and started playing
- ``watch``: ``ms`` milliseconds were watched since the last watch event
- ``complete``: watched to the end (once per view)
- ``like`` / ``unlike``: signed-in viewers only; the last one per video wins
- ``share``, ``not_interested``
- ``product_tap``: ``product`` opened from the video (the web page's tap link records
  this itself, server side, so only clients that open products another way send it)
"""

from __future__ import annotations

import re
import time

from marketplace.errors import DomainError

EVENT_TYPES = (
    "view_start",
    "watch",
    "complete",
    "like",
    "unlike",
    "share",
    "product_tap",
    "not_interested",
)
MAX_EVENTS = 100
MAX_BODY_BYTES = 64 * 1024
MAX_WATCH_MS = 10 * 60 * 1000
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Likes and "not interested" should show on the next page: they ask for a prompt fold.
PROMPT_TYPES = frozenset({"like", "unlike", "not_interested"})


class EventsError(DomainError):
    code = "invalid_events"


class BatchTooLarge(EventsError):
    code = "batch_too_large"
    status = 413
    default_message = f"Send at most {MAX_EVENTS} events per batch."


class PayloadTooLarge(EventsError):
    code = "payload_too_large"
    status = 413
    default_message = f"A batch must be under {MAX_BODY_BYTES // 1024} KB."


class InvalidEventType(EventsError):
    code = "invalid_event_type"


class InvalidEvent(EventsError):
    code = "invalid_event"


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53


def clean_batch(data, *, now: float | None = None) -> list[dict]:
    """Validated, compact events: ``{"i", "t", "v"}`` plus ``ms``, ``p``, ``at``."""
    now = now or time.time()
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise InvalidEvent('Send {"events": [...]}.')
    events = data["events"]
    if len(events) > MAX_EVENTS:
        raise BatchTooLarge(count=len(events))
    if not events:
        raise InvalidEvent("The batch has no events.")
    out = []
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise InvalidEvent("Each event is an object.", index=index)
        kind = event.get("type")
        if kind not in EVENT_TYPES:
            raise InvalidEventType(
                f"Unknown event type {str(kind)[:40]!r}.", index=index, allowed=list(EVENT_TYPES)
            )
        eid = event.get("id")
        if not isinstance(eid, str) or not _ID.match(eid):
            raise InvalidEvent("id: 1–64 letters, digits or _.:-", index=index, field="id")
        video = event.get("video")
        if not _positive_int(video):
            raise InvalidEvent("video: a video id.", index=index, field="video")
        clean = {"i": eid, "t": kind, "v": video}
        if kind == "watch":
            ms = event.get("ms")
            if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= MAX_WATCH_MS:
                raise InvalidEvent(
                    f"ms: whole milliseconds from 0 to {MAX_WATCH_MS}.", index=index, field="ms"
                )
            clean["ms"] = ms
        if kind == "product_tap":
            product = event.get("product")
            if not _positive_int(product):
                raise InvalidEvent("product: a product id.", index=index, field="product")
            clean["p"] = product
        at = event.get("at")
        if at is not None:
            if not isinstance(at, int | float) or isinstance(at, bool):
                raise InvalidEvent("at: epoch milliseconds.", index=index, field="at")
            # A client clock is trusted only within a day and never into the future.
            clean["at"] = min(max(at / 1000.0, now - 86400), now)
        out.append(clean)
    return out
