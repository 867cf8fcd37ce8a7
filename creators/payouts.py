"""Creators' side of payouts: which commissions a payout covers, and their status.

Connected in ``CreatorsConfig.ready`` to the shop's payout signals, which are sent inside
the payout's transaction, so a commission is marked exactly when its money moves."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from marketplace.ledger.models import OwnerType
from marketplace.money import to_decimal
from shop.models import Payout

from .dashboard_rollups import dashboard_invalidate
from .models import Commission, CommissionStatus, Creator


def attach_on_built(sender, payouts: list[Payout], **kwargs) -> None:
    mine = [p for p in payouts if p.payee_type == OwnerType.CREATOR]
    if not mine:
        return
    payout_for = Payout.objects.filter(
        pk__in=[p.pk for p in mine], payee_id=OuterRef("creator_id"), currency=OuterRef("currency")
    ).values("pk")[:1]
    Commission.objects.filter(
        creator_id__in=[p.payee_id for p in mine],
        status=CommissionStatus.AVAILABLE,
        payout__isnull=True,
    ).update(payout_id=Subquery(payout_for))
    dashboard_invalidate(p.payee_id for p in mine)


def mark_paid(sender, payout: Payout, **kwargs) -> None:
    if payout.payee_type == OwnerType.CREATOR:
        Commission.objects.filter(payout=payout, status=CommissionStatus.AVAILABLE).update(
            status=CommissionStatus.PAID, paid_at=timezone.now()
        )
        dashboard_invalidate([payout.payee_id])


def detach_on_failed(sender, payout: Payout, **kwargs) -> None:
    if payout.payee_type == OwnerType.CREATOR:
        Commission.objects.filter(payout=payout, status=CommissionStatus.AVAILABLE).update(
            payout=None
        )
        dashboard_invalidate([payout.payee_id])


def creator_payees(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (f"{name} (@{handle})", dest or f"acct_creator_{pk}")
        for pk, name, handle, dest in Creator.objects.filter(pk__in=ids).values_list(
            "pk", "display_name", "handle", "payout_destination"
        )
    }


def statement_commissions(payout: Payout) -> tuple[str, list[str], list[list]]:
    """The commissions a creator's payout covers, for its CSV statement."""
    rows = (
        Commission.objects.filter(payout=payout)
        .select_related("order", "order_line")
        .order_by("created_at", "pk")
    )
    cur = payout.currency
    return (
        "Commissions in this payout",
        ["order", "product", "paid on", "sale", "rate %", "commission", "refunded", "earned"],
        [
            [
                c.order.number,
                c.order_line.title,
                c.created_at.date().isoformat(),
                to_decimal(c.gross_minor, cur),
                f"{c.rate_bp / 100:g}",
                to_decimal(c.amount_minor, cur),
                to_decimal(c.reversed_minor, cur),
                to_decimal(c.net_minor, cur),
            ]
            for c in rows
        ],
    )
