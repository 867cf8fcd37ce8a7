"""Seller center: settlements and payouts. The shop's pending and available balances (read
from the ledger), its orders waiting for settlement with the day each becomes available,
the orders settled, and its payouts with a CSV statement each.

A shop sees only its own money: everything is filtered by the seller that ``seller_view``
resolved from the URL, and another shop's payout statement is a 404."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from marketplace.ledger.models import AccountKind, LedgerPosting, OwnerType
from marketplace.ledger.selectors import owner_balances

from ..models import Order, OrderStatus, Payout
from ..services.payouts_support import payout_statement_csv
from .access import seller_view

LIST_SIZE = 25
# Orders that will never be settled: nothing of theirs is held for the shop.
NOT_SETTLING = [OrderStatus.CANCELLED, OrderStatus.REFUNDED]


def balances_for(seller) -> list[dict]:
    """One row per currency the shop has money in: pending and available."""
    found = owner_balances(owner_type=OwnerType.SELLER, owner_id=seller.pk)
    currencies = sorted({cur for _kind, cur in found} | {seller.market.currency})
    return [
        {
            "currency": cur,
            "pending": found.get((AccountKind.SELLER_PENDING, cur), 0),
            "available": found.get((AccountKind.SELLER_AVAILABLE, cur), 0),
        }
        for cur in currencies
    ]


def _seller_shares(seller, orders: list[Order]) -> None:
    """Set ``order.seller_share``: what the ledger holds for the shop on each order (its
    part of the gross after fee and commission, net of refunds). One query."""
    shares = dict(
        LedgerPosting.objects.filter(
            order_id__in=[o.pk for o in orders],
            account__owner_type=OwnerType.SELLER,
            account__owner_id=seller.pk,
            account__kind__in=[AccountKind.SELLER_PENDING, AccountKind.SELLER_AVAILABLE],
        )
        .exclude(entry__kind="seller.settled")  # a move between the shop's own accounts
        .values("order_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("order_id", "total")
    )
    for order in orders:
        order.seller_share = -shares.get(order.pk, 0)


def pending_orders(seller) -> tuple[list[Order], int]:
    orders = (
        Order.objects.filter(seller=seller, paid_at__isnull=False, settled_at__isnull=True)
        .exclude(status__in=NOT_SETTLING)
        .select_related("market")
        .order_by("delivered_at", "-paid_at")
    )
    total = orders.count()
    rows = list(orders[:LIST_SIZE])
    for order in rows:
        days = order.market.seller_settlement_days
        order.available_on = (
            order.delivered_at + timedelta(days=days) if order.delivered_at else None
        )
        order.settlement_days = days
    _seller_shares(seller, rows)
    return rows, total


def settled_orders(seller) -> tuple[list[Order], int]:
    orders = Order.objects.filter(seller=seller, settled_at__isnull=False).order_by(
        "-settled_at", "-pk"
    )
    total = orders.count()
    rows = list(orders[:LIST_SIZE])
    _seller_shares(seller, rows)
    return rows, total


def seller_payouts(seller):
    return Payout.objects.filter(payee_type=OwnerType.SELLER, payee_id=seller.pk).order_by(
        "-period_start", "-pk"
    )


@seller_view
def money(request, seller):
    pending, pending_total = pending_orders(seller)
    settled, settled_total = settled_orders(seller)
    return render(
        request,
        "shop/seller/money.html",
        {
            "seller": seller,
            "balances": balances_for(seller),
            "pending": pending,
            "pending_total": pending_total,
            "settled": settled,
            "settled_total": settled_total,
            "payouts": list(seller_payouts(seller)[:LIST_SIZE]),
            "settlement_days": seller.market.seller_settlement_days,
            "list_size": LIST_SIZE,
        },
    )


@seller_view
def payout_statement(request, seller, pk: int):
    payout = get_object_or_404(seller_payouts(seller), pk=pk)
    response = HttpResponse(payout_statement_csv(payout), content_type="text/csv; charset=utf-8")
    name = f"payout-{payout.pk}-{payout.period_start:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
