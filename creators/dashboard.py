"""Reads for the creator dashboard (page and API).

``dashboard_summary`` is what both show at the top: totals, a weekly series and the
per-video table. It reads only small tables (the ledger's balances, the creator's payouts,
the day and video rollups, their videos' counters, a 12-week count of taps), never the
commissions themselves, and is cached per creator: the commission services drop the
cache when a commission changes; views and taps, folded in continuously, may lag by up
to ``SUMMARY_TTL_S``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from marketplace.ledger.models import AccountKind, OwnerType
from marketplace.ledger.selectors import owner_balances
from marketplace.markets import markets_by_code
from shop.models import Payout, PayoutStatus

from .access import own_videos
from .dashboard_rollups import dashboard_cache_key
from .models import (
    NO_VIDEO,
    Commission,
    CommissionStatus,
    Creator,
    CreatorDayStats,
    CreatorVideoStats,
    PlanStatus,
    ProductTap,
    TargetedPlan,
)

WEEKS = 12
VIDEO_ROWS = 20
SUMMARY_TTL_S = 300
IN_FLIGHT = (PayoutStatus.REVIEW, PayoutStatus.SENDING)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def dashboard_summary(creator: Creator, *, today: date | None = None) -> dict:
    """The creator's dashboard numbers (JSON-able; money in minor units of ``currency``)."""
    key = dashboard_cache_key(creator.pk)
    if today is None:
        summary = cache.get(key)
        if summary is not None:
            return summary
    summary = _summary(creator, today or timezone.now().astimezone(UTC).date())
    if today is None:
        cache.set(key, summary, SUMMARY_TTL_S)
    return summary


def creator_currency(creator: Creator) -> str:
    """The creator's market currency without a query (markets are held in the process)."""
    market = markets_by_code().get(creator.market_id)
    return market.currency if market is not None else creator.market.currency


def _summary(creator: Creator, today: date) -> dict:
    cur = creator_currency(creator)
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    balances = owner_balances(owner_type=OwnerType.CREATOR, owner_id=creator.pk)
    payouts = dict(
        Payout.objects.filter(payee_type=OwnerType.CREATOR, payee_id=creator.pk, currency=cur)
        .values_list("status")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    videos_stats = list(
        CreatorVideoStats.objects.filter(creator=creator, currency=cur).values_list(
            "video_id", "orders", "gross_minor", "amount_minor", "reversed_minor"
        )
    )
    series = _series(creator, cur, first, today)
    videos, views, taps = _videos(creator, videos_stats)
    return {
        "currency": cur,
        "as_of": timezone.now().isoformat(),
        "period_start": first.isoformat(),
        "totals": {
            "views": views,
            "taps": taps,
            "orders": sum(v[1] for v in videos_stats),
            "gmv_minor": sum(v[2] for v in videos_stats),
            "earned_minor": sum(v[3] - v[4] for v in videos_stats),
            "pending_minor": balances.get((AccountKind.CREATOR_PENDING, cur), 0),
            "available_minor": balances.get((AccountKind.CREATOR_AVAILABLE, cur), 0),
            "in_payout_minor": sum(payouts.get(s, 0) for s in IN_FLIGHT),
            "paid_minor": payouts.get(PayoutStatus.PAID, 0),
        },
        "series": series,
        "videos": videos,
    }


def _series(creator: Creator, cur: str, first: date, today: date) -> list[dict]:
    weeks = {
        first + timedelta(weeks=i): {"taps": 0, "orders": 0, "gmv_minor": 0, "earned_minor": 0}
        for i in range(WEEKS)
    }
    days = CreatorDayStats.objects.filter(
        creator=creator, currency=cur, day__gte=first, day__lte=today
    ).values_list("day", "orders", "gross_minor", "amount_minor", "reversed_minor")
    for day, orders, gross, amount, back in days:
        week = weeks[week_start(day)]
        week["orders"] += orders
        week["gmv_minor"] += gross
        week["earned_minor"] += amount - back
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    taps = (
        ProductTap.objects.filter(creator=creator, created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for day, n in taps:
        if week_start(day) in weeks:
            weeks[week_start(day)]["taps"] += n
    return [{"week_start": w.isoformat(), **values} for w, values in weeks.items()]


def _videos(creator: Creator, stats: list[tuple]) -> tuple[list[dict], int, int]:
    """The per-video table (best earners first, then the newest), and the total views and
    taps of all the creator's videos."""
    earned = {vid: row for vid, *row in stats}
    mine = own_videos(creator=creator)
    totals = mine.aggregate(views=Sum("view_count"), taps=Sum("tap_count"))
    recent = mine.order_by("-created_at", "-id").values("pk")[:VIDEO_ROWS]
    rows = mine.filter(Q(pk__in=[v for v in earned if v != NO_VIDEO]) | Q(pk__in=recent))
    table = []
    for pk, caption, status, views, taps in rows.values_list(
        "pk", "caption", "status", "view_count", "tap_count"
    ):
        orders, gross, amount, back = earned.get(pk, (0, 0, 0, 0))
        table.append(
            {
                "id": pk,
                "caption": caption[:80],
                "status": status,
                "views": views,
                "taps": taps,
                "orders": orders,
                # Orders per product tap; None before the first tap.
                "conversion": round(orders / taps, 4) if taps else None,
                "gmv_minor": gross,
                "earned_minor": amount - back,
            }
        )
    table.sort(key=lambda r: (-r["earned_minor"], -r["views"], -r["id"]))
    if NO_VIDEO in earned:
        orders, gross, amount, back = earned[NO_VIDEO]
        table.append(
            {
                "id": None,
                "caption": "Affiliate links",
                "status": "",
                "views": 0,
                "taps": 0,
                "orders": orders,
                "conversion": None,
                "gmv_minor": gross,
                "earned_minor": amount - back,
            }
        )
    return table[: VIDEO_ROWS + 1], totals["views"] or 0, totals["taps"] or 0


def creator_commissions(creator: Creator, *, status: str | None = None):
    """The creator's commissions, newest first, with what a row shows."""
    rows = Commission.objects.filter(creator=creator).select_related("order", "product")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def creator_payouts(creator: Creator):
    return Payout.objects.filter(payee_type=OwnerType.CREATOR, payee_id=creator.pk).order_by(
        "-period_start", "-id"
    )


def creator_offers(creator: Creator, *, open_only: bool = False):
    plans = TargetedPlan.objects.filter(creator=creator).select_related("seller")
    if open_only:
        plans = plans.filter(status__in=[PlanStatus.OFFERED, PlanStatus.ACCEPTED])
    return plans.prefetch_related("products").order_by("-created_at", "-id")


COMMISSION_STATUSES = CommissionStatus.choices
