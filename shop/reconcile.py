"""The shop's reconciliation of the ledger against its own records (run by ledger_check):
per order, cash in minus cash out equals what the buyer paid minus refunds; what the
parties hold about the order (seller, creator, platform net of refunded fees) equals it
too; and per line, the shares equal the line's gross minus its refunds."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, Sum

from marketplace.ledger.models import AccountKind, LedgerPosting

from .models import Order, OrderLine

CHUNK = 2000


def orders_reconcile() -> Iterator[str]:
    after = 0
    booked = Q(paid_at__isnull=False) | Q(refunded_minor__gt=0)
    while True:
        orders = list(
            Order.objects.filter(booked, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "number", "total_minor", "refunded_minor")[:CHUNK]
        )
        if not orders:
            return
        after = orders[-1][0]
        ids = [o[0] for o in orders]
        cash, shares = _sums(ids)
        for pk, number, total, refunded in orders:
            kept = total - refunded
            if cash.get(pk, 0) != kept:
                yield (
                    f"order {number}: the buyer paid {total} and got {refunded} back, "
                    f"but cash postings for it sum to {cash.get(pk, 0)}"
                )
            if shares.get(pk, 0) != kept:
                yield (
                    f"order {number}: seller + creator + platform shares sum to "
                    f"{shares.get(pk, 0)}, not {kept} (paid minus refunds)"
                )
        yield from _lines_reconcile(ids)


def _sums(ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    rows = (
        LedgerPosting.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(
            cash=Sum("amount_minor", filter=Q(account__kind=AccountKind.PLATFORM_CASH)),
            shares=Sum("amount_minor", filter=~Q(account__kind=AccountKind.PLATFORM_CASH)),
        )
    )
    cash = {r["order_id"]: r["cash"] or 0 for r in rows}
    shares = {r["order_id"]: -(r["shares"] or 0) for r in rows}
    return cash, shares


def _lines_reconcile(order_ids: list[int]) -> Iterator[str]:
    posted = dict(
        LedgerPosting.objects.filter(order_id__in=order_ids, order_line_id__isnull=False)
        .values("order_line_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("order_line_id", "total")
    )
    lines = OrderLine.objects.filter(order_id__in=order_ids, order__paid_at__isnull=False)
    for pk, gross, refunded in lines.order_by("pk").values_list(
        "pk", "gross_minor", "refunded_minor"
    ):
        held = -posted.get(pk, 0)
        if held != gross - refunded:
            yield (
                f"order line {pk}: shares sum to {held}, not its gross {gross} "
                f"minus refunds {refunded}"
            )
