"""Last-click attribution: which creator a sale belongs to.

A line is the creator's whose product tap (a chip in their video, their LIVE, or their
affiliate link) by that buyer on that product is the last one within the window before
payment. No tap, no commission; a creator's own purchase earns nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from ..models import ProductTap


def attribution_window() -> timedelta:
    return timedelta(days=settings.ATTRIBUTION_WINDOW_DAYS)


def last_taps(*, buyer_id: int, product_ids: list[int], at: datetime) -> dict[int, ProductTap]:
    """{product id: the buyer's last tap on it within the window before ``at``}."""
    taps = (
        ProductTap.objects.filter(
            user_id=buyer_id,
            product_id__in=product_ids,
            created_at__gt=at - attribution_window(),
            created_at__lte=at,
        )
        .select_related("creator")
        .order_by("product_id", "-created_at", "-pk")
    )
    last: dict[int, ProductTap] = {}
    for tap in taps:
        last.setdefault(tap.product_id, tap)
    return last


def attributable(tap: ProductTap | None, *, buyer_id: int) -> bool:
    return tap is not None and tap.creator.user_id != buyer_id and tap.creator.is_active
