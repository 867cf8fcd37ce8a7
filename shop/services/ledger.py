"""The seller's side of the ledger: the buyer's money in, refunds out, and settlement.

Per line the gross divides as ``money.split_line`` says: the referral fee to the platform,
the rest to the seller's pending balance; shipping is the seller's. The creator's
commission, when a creator drove the sale, moves from the seller to the creator in an
entry of its own (``creators.services.commissions``), so shop never needs to know about
creators. Which seller account an order's money sits in is ``seller_account_key``: pending
until the order is settled, available after.

Locking precondition for every function here: the order row is locked by the caller's
transaction (refunds, settlement and commission moves on one order are serialised by it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from marketplace.ledger.models import AccountKind, LedgerPosting, OwnerType
from marketplace.ledger.services import Leg, account_key, accounts_get, entry_post
from marketplace.models import Market
from marketplace.money import percent_of

from ..models import Order, OrderLine, Refund

SETTLE_CHUNK = 500


def seller_account_key(order: Order):
    """Where the order's seller money sits: pending until the order is settled."""
    kind = AccountKind.SELLER_AVAILABLE if order.settled_at else AccountKind.SELLER_PENDING
    return account_key(kind, order.currency, OwnerType.SELLER, order.seller_id)


def _order_accounts(order: Order, *platform_kinds: str):
    """The platform accounts named, then the seller's account for the order: one query."""
    keys = [account_key(kind, order.currency) for kind in platform_kinds]
    keys.append(seller_account_key(order))
    found = accounts_get(keys)
    return [found[k] for k in keys]


def line_fee(line: OrderLine) -> int:
    return percent_of(line.gross_minor, line.referral_fee_bp)


def share_reversed(share: int, *, gross: int, refunded: int) -> int:
    """How much of a line's ``share`` (its fee, or its commission) is given back once
    ``refunded`` of its ``gross`` is. Cumulative, so a full refund gives back exactly the
    whole share. Rounded up: the platform and the creator give back the odd unit, so what
    they keep is ``share * (gross - refunded) // gross`` and the seller's remaining share
    of the line never goes below zero."""
    if gross <= 0:
        return 0
    return -(-share * min(refunded, gross) // gross)


def order_capture_post(*, order: Order, lines: list[OrderLine] | None = None) -> None:
    """The buyer's payment for one order: cash in, fee to the platform, the rest pending for
    the seller. Idempotent per order."""
    lines = list(order.lines.all()) if lines is None else lines
    cash, fees, seller = _order_accounts(
        order, AccountKind.PLATFORM_CASH, AccountKind.PLATFORM_FEES
    )
    legs = [Leg(cash, order.total_minor, order_id=order.pk)]
    for line in lines:
        fee = line_fee(line)
        legs.append(Leg(fees, -fee, order_id=order.pk, order_line_id=line.pk))
        legs.append(
            Leg(seller, -(line.gross_minor - fee), order_id=order.pk, order_line_id=line.pk)
        )
    legs.append(Leg(seller, -order.shipping_minor, order_id=order.pk))
    entry_post(
        key=f"order.captured:{order.pk}",
        kind="order.captured",
        legs=legs,
        memo=f"Order {order.number} paid",
    )


def refund_post(*, order: Order, refund: Refund) -> None:
    """A refund the gateway confirmed: cash out; the refunded part of each line comes back
    from the seller and, pro rata, from the platform's fee. Call after the lines' refunded
    amounts include this refund."""
    order_capture_post(order=order)  # a cancel can refund before "paid" was recorded
    cash, refunded_fees, seller = _order_accounts(
        order, AccountKind.PLATFORM_CASH, AccountKind.REFUNDS
    )
    lines = {
        line.pk: line
        for line in OrderLine.objects.filter(pk__in=[e["line_id"] for e in refund.lines])
    }
    legs = [Leg(cash, -refund.amount_minor, order_id=order.pk)]
    lines_total = 0
    for e in refund.lines:
        line, amount = lines[e["line_id"]], e["amount"]
        if not amount:
            continue
        lines_total += amount
        fee = line_fee(line)
        fee_back = share_reversed(fee, gross=line.gross_minor, refunded=line.refunded_minor) - (
            share_reversed(fee, gross=line.gross_minor, refunded=line.refunded_minor - amount)
        )
        legs.append(Leg(refunded_fees, fee_back, order_id=order.pk, order_line_id=line.pk))
        legs.append(Leg(seller, amount - fee_back, order_id=order.pk, order_line_id=line.pk))
    legs.append(Leg(seller, refund.amount_minor - lines_total, order_id=order.pk))
    entry_post(
        key=f"refund:{refund.pk}",
        kind="order.refunded",
        legs=legs,
        memo=f"Refund {refund.pk} on order {order.number}",
    )


def sellers_settle(*, as_of: datetime | None = None, chunk: int = SETTLE_CHUNK) -> int:
    """Move each delivered order's seller share from pending to available once the market's
    settlement days have passed. Streamed in chunks of ``chunk`` orders, one entry each.
    Returns the number of orders settled; a rerun settles nothing twice."""
    as_of = as_of or timezone.now()
    settled = 0
    for market in Market.objects.order_by("code"):
        cutoff = as_of - timedelta(days=market.seller_settlement_days)
        after = 0
        while True:
            with transaction.atomic():
                orders = list(
                    Order.objects.select_for_update()
                    .filter(
                        market=market,
                        pk__gt=after,
                        settled_at__isnull=True,
                        delivered_at__isnull=False,
                        delivered_at__lte=cutoff,
                    )
                    .order_by("pk")
                    .only("pk", "seller_id", "currency", "number")[:chunk]
                )
                if not orders:
                    break
                after = orders[-1].pk
                settled += _settle_chunk(orders, as_of=as_of)
    return settled


def _settle_chunk(orders: list[Order], *, as_of: datetime) -> int:
    ids = [o.pk for o in orders]
    pending = (
        LedgerPosting.objects.filter(order_id__in=ids, account__kind=AccountKind.SELLER_PENDING)
        .values("order_id", "account__owner_id", "currency")
        .annotate(total=Sum("amount_minor"))
    )
    rows = [r for r in pending if r["total"]]

    def key(kind, r):
        return account_key(kind, r["currency"], OwnerType.SELLER, r["account__owner_id"])

    accounts = accounts_get(
        key(kind, r)
        for r in rows
        for kind in (AccountKind.SELLER_PENDING, AccountKind.SELLER_AVAILABLE)
    )
    legs: list[Leg] = []
    for r in rows:
        legs.append(
            Leg(accounts[key(AccountKind.SELLER_PENDING, r)], -r["total"], order_id=r["order_id"])
        )
        legs.append(
            Leg(accounts[key(AccountKind.SELLER_AVAILABLE, r)], r["total"], order_id=r["order_id"])
        )
    entry_post(
        key=f"seller.settled:{ids[0]}-{ids[-1]}@{as_of:%Y%m%d%H%M%S}",
        kind="seller.settled",
        legs=legs,
        memo=f"Seller settlement of {len(ids)} orders",
    )
    Order.objects.filter(pk__in=ids).update(settled_at=timezone.now())
    return len(ids)
