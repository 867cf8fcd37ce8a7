"""Targeted commission plans: a seller offers one creator a rate on chosen products; once
the creator accepts, that rate overrides the product's open rate for the creator's sales.
As with open rates, a raise applies at once and a cut 30 days after it is made."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.errors import DomainError

from ..models import Creator, PlanStatus, TargetedPlan


class PlanError(DomainError):
    code = "invalid_plan"
    status = 400


class PlanNotOpen(DomainError):
    code = "plan_not_open"
    status = 409


def _check_rate(rate_bp: int) -> None:
    lo, hi = settings.COMMISSION_RATE_MIN_BP, settings.COMMISSION_RATE_MAX_BP
    if not isinstance(rate_bp, int) or not lo <= rate_bp <= hi:
        raise PlanError(f"The rate must be between {lo / 100:g} % and {hi / 100:g} %.")


def plan_offer(
    *, seller, creator: Creator, products, rate_bp: int, message: str = ""
) -> TargetedPlan:
    _check_rate(rate_bp)
    products = list(products)
    if not products:
        raise PlanError("Choose at least one product.")
    if any(p.seller_id != seller.pk for p in products):
        raise PlanError("A plan may only cover your own products.")
    if creator.market_id != seller.market_id:
        raise PlanError("The creator sells in another market.")
    try:
        with transaction.atomic():
            plan = TargetedPlan.objects.create(
                seller=seller, creator=creator, rate_bp=rate_bp, message=message[:300]
            )
            plan.products.set(products)
    except IntegrityError:
        raise PlanError("This creator already has an open or accepted plan from you.") from None
    return plan


def plan_respond(*, plan_id: int, creator: Creator, accept: bool) -> TargetedPlan:
    with transaction.atomic():
        plan = TargetedPlan.objects.select_for_update().get(pk=plan_id, creator=creator)
        if plan.status != PlanStatus.OFFERED:
            raise PlanNotOpen("This offer is no longer open.")
        plan.status = PlanStatus.ACCEPTED if accept else PlanStatus.DECLINED
        plan.responded_at = timezone.now()
        plan.accepted_at = plan.responded_at if accept else None
        plan.save(update_fields=["status", "responded_at", "accepted_at"])
    return plan


def plan_withdraw(*, plan_id: int, seller) -> TargetedPlan:
    with transaction.atomic():
        plan = TargetedPlan.objects.select_for_update().get(pk=plan_id, seller=seller)
        if plan.status not in (PlanStatus.OFFERED, PlanStatus.ACCEPTED):
            raise PlanNotOpen("This plan has already ended.")
        now = timezone.now()
        if plan.status == PlanStatus.ACCEPTED:
            # Ending a plan lowers the creator's rate: like any cut, it waits the notice.
            plan.ends_at = now + timedelta(days=settings.COMMISSION_CUT_NOTICE_DAYS)
        else:
            plan.responded_at, plan.ends_at = now, now
        plan.status = PlanStatus.WITHDRAWN
        plan.save(update_fields=["status", "responded_at", "ends_at"])
    return plan


def plan_rate_change(
    *, plan_id: int, seller, rate_bp: int, now: datetime | None = None
) -> TargetedPlan:
    """A raise applies now; a cut is scheduled ``COMMISSION_CUT_NOTICE_DAYS`` ahead, and the
    rate in force until then stays."""
    _check_rate(rate_bp)
    now = now or timezone.now()
    with transaction.atomic():
        plan = TargetedPlan.objects.select_for_update().get(pk=plan_id, seller=seller)
        current = plan.rate_at(now)
        if rate_bp >= current:
            plan.rate_bp, plan.rate_next_bp, plan.rate_next_at = rate_bp, None, None
        else:
            plan.rate_bp = current
            plan.rate_next_bp = rate_bp
            plan.rate_next_at = now + timedelta(days=settings.COMMISSION_CUT_NOTICE_DAYS)
        plan.save(update_fields=["rate_bp", "rate_next_bp", "rate_next_at"])
    return plan


def targeted_rates(
    *, seller_id: int, creator_ids: set[int], product_ids: set[int], at: datetime
) -> dict[tuple[int, int], int]:
    """{(creator id, product id): the targeted rate in force at ``at``}. A plan is in force
    from its acceptance until its end (a withdrawn plan keeps the notice period); where two
    overlap (a plan being withdrawn and its successor), the higher rate applies, since a
    cut may not take effect before its notice has run."""
    plans = (
        TargetedPlan.objects.filter(
            seller_id=seller_id, creator_id__in=creator_ids, accepted_at__lte=at
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .prefetch_related("products")
    )
    rates: dict[tuple[int, int], int] = {}
    for plan in plans:
        for product in plan.products.all():
            if product.pk in product_ids:
                key = (plan.creator_id, product.pk)
                rates[key] = max(rates.get(key, 0), plan.rate_at(at))
    return rates
