"""Reads over the ledger: balances and statements."""

from __future__ import annotations

from django.db.models import Sum

from .models import AccountKind, LedgerAccount, LedgerPosting


def owner_balances(*, owner_type: str, owner_id: int) -> dict[tuple[str, str], int]:
    """{(kind, currency): normal-side balance} for one owner's accounts."""
    return {
        (a.kind, a.currency): a.balance
        for a in LedgerAccount.objects.filter(owner_type=owner_type, owner_id=owner_id)
    }


def order_share_sums(order_ids: list[int]) -> dict[int, int]:
    """Per order, the credit-side sum of every share posted about it (sellers, creators,
    fee revenue net of refunded fees): what the parties hold of the buyer's money."""
    shares = (
        LedgerPosting.objects.filter(order_id__in=order_ids)
        .exclude(account__kind=AccountKind.PLATFORM_CASH)
        .values("order_id")
        .annotate(total=Sum("amount_minor"))
    )
    return {row["order_id"]: -row["total"] for row in shares}


def order_cash_sums(order_ids: list[int]) -> dict[int, int]:
    cash = (
        LedgerPosting.objects.filter(
            order_id__in=order_ids, account__kind=AccountKind.PLATFORM_CASH
        )
        .values("order_id")
        .annotate(total=Sum("amount_minor"))
    )
    return {row["order_id"]: row["total"] for row in cash}
