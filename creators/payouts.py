"""Creators' side of payouts: which commissions a payout covers, and their status.

Connected in ``CreatorsConfig.ready`` to the shop's payout signals, which are sent inside
the payout's transaction, so a commission is marked exactly when its money moves."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from marketplace.ledger.models import OwnerType
from marketplace.money import to_decimal
from shop.models import Payout, PayoutStatus

from .dashboard_rollups import dashboard_invalidate
from .models import Commission, CommissionStatus, Creator


def lock_on_building(sender, owner_type: str, owner_ids: list[int], **kwargs) -> None:
    """Lock the commissions a payout may cover before the shop locks the accounts: the
    order refunds and reversals take (commissions, then accounts)."""
    if owner_type != OwnerType.CREATOR or not owner_ids:
        return
    list(
        _payable(owner_ids)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _payable(creator_ids):
    """Available commissions not covered by a live payout (a failed payout's money went
    back to the balance, so the next payout covers its commissions)."""
    return Commission.objects.filter(
        creator_id__in=creator_ids, status=CommissionStatus.AVAILABLE
    ).filter(Q(payout__isnull=True) | Q(payout__status=PayoutStatus.FAILED))


def attach_on_built(sender, payouts: list[Payout], **kwargs) -> None:
    mine = [p for p in payouts if p.payee_type == OwnerType.CREATOR]
    # A retry (round > 1) re-sends exactly what its payout already covers.
    fresh = [p for p in mine if p.round == 1]
    if fresh:
        payout_for = Payout.objects.filter(
            pk__in=[p.pk for p in fresh],
            payee_id=OuterRef("creator_id"),
            currency=OuterRef("currency"),
        ).values("pk")[:1]
        _payable([p.payee_id for p in fresh]).update(payout_id=Subquery(payout_for))
    if mine:
        dashboard_invalidate(p.payee_id for p in mine)


def mark_paid(sender, payout: Payout, **kwargs) -> None:
    if payout.payee_type == OwnerType.CREATOR:
        Commission.objects.filter(payout=payout, status=CommissionStatus.AVAILABLE).update(
            status=CommissionStatus.PAID, paid_at=timezone.now()
        )
        dashboard_invalidate([payout.payee_id])


def note_failed(sender, payout: Payout, **kwargs) -> None:
    """A failed payout keeps its commissions (still available): a staff retry sends them,
    or, once the balance is paid by a later payout, that payout takes them over."""
    if payout.payee_type == OwnerType.CREATOR:
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
