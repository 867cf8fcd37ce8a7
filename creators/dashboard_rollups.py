"""Keeping the dashboard's rollups and cache in step with commissions.

Called from the commission services inside their transaction: ``rollups_accrued`` and
``rollups_reversed`` add to the per-day and per-video sums with one upsert per table
(``INSERT ... ON CONFLICT DO UPDATE``, adding to what is there, in key order so two
accruals for one creator do not deadlock), and ``dashboard_invalidate`` drops the
creators' cached dashboards (the summary and the rendered page, one per chart metric)
once the transaction commits (a reader before the commit would otherwise cache what is
about to change). The commission and payout services call it; targeted plans (the offers
on the page) and the creator row call it through the model signals below. This module is
imported at start-up (creators.apps imports creators.payouts, which imports it), so the
receivers are connected in every process that writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from shop.models import Seller

from .dashboard_chart import METRICS
from .models import (
    NO_VIDEO,
    Commission,
    Creator,
    CreatorDayStats,
    CreatorVideoStats,
    TargetedPlan,
)

SUMS = ("orders", "gross_minor", "amount_minor", "reversed_minor")
CACHE_KEY = "creator:dashboard:v1:{}"
PAGE_KEY = "creator:dashboard:page:v1:{}:{}"
# The query strings a cached dashboard document exists for (creators.dashboard_page).
PAGE_VARIANTS = ("", *(f"chart={m}" for m in METRICS))
OF_USER_KEY = "creator:of-user:v1:{}"


def dashboard_cache_key(creator_id: int) -> str:
    return CACHE_KEY.format(creator_id)


def dashboard_page_key(creator_id: int, variant: str) -> str:
    return PAGE_KEY.format(creator_id, variant)


def creator_of_user_key(user_id: int) -> str:
    return OF_USER_KEY.format(user_id)


def dashboard_invalidate(creator_ids: Iterable[int]) -> None:
    keys = [
        key
        for pk in set(creator_ids)
        for key in (dashboard_cache_key(pk), *(dashboard_page_key(pk, v) for v in PAGE_VARIANTS))
    ]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


@receiver(post_save, sender=TargetedPlan, dispatch_uid="dashboard-plan-saved")
@receiver(post_delete, sender=TargetedPlan, dispatch_uid="dashboard-plan-deleted")
def _plan_changed(sender, instance: TargetedPlan, **kwargs) -> None:
    """Offers and accepted plans are on the cached page: an offer, an answer, a withdrawal
    or a rate change shows at once."""
    dashboard_invalidate([instance.creator_id])


@receiver(m2m_changed, sender=TargetedPlan.products.through, dispatch_uid="dashboard-plan-m2m")
def _plan_products_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        dashboard_invalidate([instance.creator_id])
    elif pk_set:  # product.targeted_plans.add(...): the plans' creators
        ids = TargetedPlan.objects.filter(pk__in=pk_set).values_list("creator_id", flat=True)
        dashboard_invalidate(list(ids))


@receiver(post_save, sender=Seller, dispatch_uid="dashboard-seller-saved")
@receiver(post_delete, sender=Seller, dispatch_uid="dashboard-seller-deleted")
def _seller_changed(sender, instance: Seller, created: bool = True, **kwargs) -> None:
    """The cached page's header links a seller's owner to the seller center: a seller made
    or deleted changes it (an edit does not)."""
    if created:
        ids = Creator.objects.filter(user_id=instance.owner_id).values_list("pk", flat=True)
        dashboard_invalidate(list(ids))


@receiver(post_save, sender=Creator, dispatch_uid="dashboard-creator-saved")
@receiver(post_delete, sender=Creator, dispatch_uid="dashboard-creator-deleted")
def _creator_changed(sender, instance: Creator, **kwargs) -> None:
    """The page shows the handle, and the cached user → creator lookup holds the row (a
    new profile, a deactivation)."""
    key = creator_of_user_key(instance.user_id)
    transaction.on_commit(lambda: cache.delete(key))
    dashboard_invalidate([instance.pk])


def _day(c: Commission) -> date:
    return c.created_at.astimezone(UTC).date()


def rollups_accrued(made: list[Commission]) -> None:
    """Add the commissions just accrued on one order: one order per creator (and per
    creator and video), their gross, amount and anything already refunded."""
    days: dict[tuple, list[int]] = {}
    videos: dict[tuple, list[int]] = {}
    for c in made:
        for sums, key in (
            (days, (c.creator_id, _day(c), c.currency)),
            (videos, (c.creator_id, c.video_id or NO_VIDEO, c.currency)),
        ):
            row = sums.setdefault(key, [1, 0, 0, 0])  # an order counts once per key
            row[1] += c.gross_minor
            row[2] += c.amount_minor
            row[3] += c.reversed_minor
    _upsert(CreatorDayStats, ("creator_id", "day", "currency"), days)
    _upsert(CreatorVideoStats, ("creator_id", "video_id", "currency"), videos)
    dashboard_invalidate(c.creator_id for c in made)


def rollups_reversed(changes: list[tuple[Commission, int]]) -> None:
    """Add what a refund took back: [(commission, newly reversed amount)]."""
    days: dict[tuple, list[int]] = {}
    videos: dict[tuple, list[int]] = {}
    for c, back in changes:
        for sums, key in (
            (days, (c.creator_id, _day(c), c.currency)),
            (videos, (c.creator_id, c.video_id or NO_VIDEO, c.currency)),
        ):
            sums.setdefault(key, [0, 0, 0, 0])[3] += back
    _upsert(CreatorDayStats, ("creator_id", "day", "currency"), days)
    _upsert(CreatorVideoStats, ("creator_id", "video_id", "currency"), videos)
    dashboard_invalidate(c.creator_id for c, _ in changes)


def _upsert(model, key_columns: tuple[str, ...], rows: dict[tuple, list[int]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = (*key_columns, *SUMS)
    qn = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    add = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in SUMS)
    ordered = sorted(rows.items())
    # Identifiers come from the model's meta, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(ordered))} "
        f"ON CONFLICT ({', '.join(qn(c) for c in key_columns)}) DO UPDATE SET {add}"
    )
    params = [value for key, sums in ordered for value in (*key, *sums)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rollups_rebuild(*, creator_ids: list[int] | None = None) -> int:
    """Recompute the rollups from the commissions (set-based), for data written around the
    services (a bulk load, a repair). Returns how many day rows were written."""
    sums = {
        "orders": Count("order", distinct=True),
        "gross": Sum("gross_minor"),
        "amount": Sum("amount_minor"),
        "back": Sum("reversed_minor"),
    }
    commissions = Commission.objects.all()
    days_qs, videos_qs = CreatorDayStats.objects.all(), CreatorVideoStats.objects.all()
    if creator_ids is not None:
        commissions = commissions.filter(creator_id__in=creator_ids)
        days_qs = days_qs.filter(creator_id__in=creator_ids)
        videos_qs = videos_qs.filter(creator_id__in=creator_ids)
    per_day = (
        commissions.annotate(d=TruncDate("created_at", tzinfo=UTC))
        .values("creator_id", "d", "currency")
        .annotate(**sums)
        .order_by()
    )
    per_video = (
        commissions.annotate(v=Coalesce("video_id", NO_VIDEO))
        .values("creator_id", "v", "currency")
        .annotate(**sums)
        .order_by()
    )

    def sums_of(r) -> dict:
        return {
            "orders": r["orders"],
            "gross_minor": r["gross"],
            "amount_minor": r["amount"],
            "reversed_minor": r["back"],
        }

    with transaction.atomic():
        days_qs.delete()
        videos_qs.delete()
        made = CreatorDayStats.objects.bulk_create(
            (
                CreatorDayStats(
                    creator_id=r["creator_id"], day=r["d"], currency=r["currency"], **sums_of(r)
                )
                for r in per_day.iterator()
            ),
            batch_size=2000,
        )
        CreatorVideoStats.objects.bulk_create(
            (
                CreatorVideoStats(
                    creator_id=r["creator_id"],
                    video_id=r["v"],
                    currency=r["currency"],
                    **sums_of(r),
                )
                for r in per_video.iterator()
            ),
            batch_size=2000,
        )
        if creator_ids is None:
            creator_ids = list(commissions.values_list("creator_id", flat=True).distinct())
        dashboard_invalidate(creator_ids)
    return len(made)
