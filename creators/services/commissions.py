"""A creator's commissions through their life: accrued when the order is paid, reduced or
reversed by refunds, voided by a cancellation, released (pending → available) once the
order's return window has closed with no return open, and paid in a payout.

Each money movement is one ledger entry. The commission comes out of the seller's share
(``shop.services.ledger`` booked the seller's gross minus fee when the order was paid), so
an accrual moves money from the seller's account to the creator's pending account, and a
reversal moves it back.

Locking precondition: the order row is locked before the ledger is touched, as the shop's
refund and settlement do, so the seller account chosen (pending or available) is right.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from marketplace.ledger.models import AccountKind, OwnerType
from marketplace.ledger.services import Leg, account_key, accounts_get, entry_post
from marketplace.models import Market
from marketplace.money import percent_of
from shop.models import Order, OrderLine, ReturnRequest, ReturnStatus
from shop.services.ledger import seller_account_key, share_reversed

from ..dashboard_rollups import dashboard_invalidate, rollups_accrued, rollups_reversed
from ..models import Commission, CommissionPlan, CommissionStatus
from .attribution import attributable, last_taps
from .plans import targeted_rates

RELEASE_CHUNK = 2000


def _creator_key(commission: Commission, *, available: bool | None = None):
    """The creator account a commission's money sits in: pending until released."""
    if available is None:
        available = commission.status != CommissionStatus.PENDING
    kind = AccountKind.CREATOR_AVAILABLE if available else AccountKind.CREATOR_PENDING
    return account_key(kind, commission.currency, OwnerType.CREATOR, commission.creator_id)


def commissions_accrue(*, order_id: int) -> list[Commission]:
    """Attribute each line of a paid order and book the commissions. Idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.paid_at is None or Commission.objects.filter(order=order).exists():
            # Not paid, or accrued before (a redelivered event).
            return []
        lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
        taps = last_taps(
            buyer_id=order.buyer_id, product_ids=[ln.product_id for ln in lines], at=order.paid_at
        )
        chosen = {
            ln.pk: taps[ln.product_id]
            for ln in lines
            if attributable(taps.get(ln.product_id), buyer_id=order.buyer_id)
        }
        if not chosen:
            return []
        rates = targeted_rates(
            seller_id=order.seller_id,
            creator_ids={tap.creator_id for tap in chosen.values()},
            product_ids={ln.product_id for ln in lines},
            at=order.paid_at,
        )
        made = []
        for line in lines:
            tap = chosen.get(line.pk)
            if tap is None:
                continue
            targeted = rates.get((tap.creator_id, line.product_id))
            rate = targeted if targeted is not None else line.commission_rate_bp
            amount = percent_of(line.gross_minor, rate)
            # A refund delivered before this event was: its share never becomes earned.
            back = share_reversed(amount, gross=line.gross_minor, refunded=line.refunded_minor)
            status = CommissionStatus.PENDING
            if amount and back == amount:
                cancelled = order.status == "cancelled"
                status = CommissionStatus.VOIDED if cancelled else CommissionStatus.REVERSED
            made.append(
                Commission(
                    creator_id=tap.creator_id,
                    order_line=line,
                    order=order,
                    product_id=line.product_id,
                    seller_id=line.seller_id,
                    tap=tap,
                    video_id=tap.video_id,
                    currency=order.currency,
                    plan=CommissionPlan.TARGETED if targeted is not None else CommissionPlan.OPEN,
                    rate_bp=rate,
                    gross_minor=line.gross_minor,
                    amount_minor=amount,
                    reversed_minor=back,
                    status=status,
                    created_at=order.paid_at,
                )
            )
        Commission.objects.bulk_create(made)
        rollups_accrued(made)
        seller_key = seller_account_key(order)
        accounts = accounts_get([seller_key, *(_creator_key(c, available=False) for c in made)])
        legs = []
        for c in made:
            earned, line_id = c.net_minor, c.order_line_id
            pending = accounts[_creator_key(c, available=False)]
            legs.append(Leg(accounts[seller_key], earned, order_id=order.pk, order_line_id=line_id))
            legs.append(Leg(pending, -earned, order_id=order.pk, order_line_id=line_id))
        entry_post(
            key=f"commission.accrued:{order.pk}",
            kind="commission.accrued",
            legs=legs,
            memo=f"Commissions on order {order.number}",
        )
    return made


def commissions_reverse(*, order_id: int, refund_id: int, cancelled: bool) -> list[Commission]:
    """Give back the refunded share of each commission on the order, pro rata to the
    refunded part of its line; a full refund reverses it, a cancellation voids it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        commissions = list(
            Commission.objects.select_for_update()
            .filter(order=order)
            .select_related("order_line")
            .order_by("pk")
        )
        # Each commission's account as it stands, before this reversal changes a status.
        seller_key = seller_account_key(order)
        keys = {c.pk: _creator_key(c) for c in commissions}
        accounts = accounts_get([seller_key, *keys.values()])
        seller = accounts[seller_key]
        legs, changed, backs = [], [], []
        for c in commissions:
            line = c.order_line
            target = share_reversed(
                c.amount_minor, gross=line.gross_minor, refunded=line.refunded_minor
            )
            back = target - c.reversed_minor
            if back <= 0:
                continue
            legs.append(Leg(accounts[keys[c.pk]], back, order_id=order.pk, order_line_id=line.pk))
            legs.append(Leg(seller, -back, order_id=order.pk, order_line_id=line.pk))
            c.reversed_minor = target
            if c.reversed_minor == c.amount_minor and c.status in (
                CommissionStatus.PENDING,
                CommissionStatus.AVAILABLE,
            ):
                c.status = CommissionStatus.VOIDED if cancelled else CommissionStatus.REVERSED
            changed.append(c)
            backs.append((c, back))
        if changed:
            Commission.objects.bulk_update(changed, ["reversed_minor", "status"])
            rollups_reversed(backs)
            entry_post(
                key=f"commission.reversed:{refund_id}",
                kind="commission.reversed",
                legs=legs,
                memo=f"Refund {refund_id} on order {order.number}",
            )
    return changed


def commissions_release(*, as_of: datetime | None = None, chunk: int = RELEASE_CHUNK) -> int:
    """Pending → available for every commission whose order was delivered more than the
    market's return window ago with no return open. Streamed in chunks (bounded memory),
    one ledger entry per chunk with one pair of postings per creator. Returns how many."""
    as_of = as_of or timezone.now()
    released = 0
    open_return = ReturnRequest.objects.filter(
        order_id=OuterRef("order_id"), status=ReturnStatus.REQUESTED
    )
    for market in Market.objects.order_by("code"):
        cutoff = as_of - timedelta(days=market.return_window_days)
        after = 0
        while True:
            with transaction.atomic():
                rows = list(
                    Commission.objects.select_for_update(of=("self",))
                    .filter(
                        status=CommissionStatus.PENDING,
                        pk__gt=after,
                        order__market=market,
                        order__delivered_at__lte=cutoff,
                    )
                    .exclude(Exists(open_return))
                    .order_by("pk")
                    .values_list("pk", "creator_id", "currency", "amount_minor", "reversed_minor")[
                        :chunk
                    ]
                )
                if not rows:
                    break
                after = rows[-1][0]
                released += _release_chunk(rows, as_of=as_of)
    return released


def _release_chunk(rows: list[tuple], *, as_of: datetime) -> int:
    per_creator: dict[tuple[int, str], int] = {}
    for _pk, creator_id, cur, amount, reversed_ in rows:
        per_creator[(creator_id, cur)] = per_creator.get((creator_id, cur), 0) + amount - reversed_
    keys = []
    for creator_id, cur in per_creator:
        keys.append(account_key(AccountKind.CREATOR_PENDING, cur, OwnerType.CREATOR, creator_id))
        keys.append(account_key(AccountKind.CREATOR_AVAILABLE, cur, OwnerType.CREATOR, creator_id))
    accounts = accounts_get(keys)
    legs = []
    for (creator_id, cur), amount in sorted(per_creator.items()):
        pending = accounts[
            account_key(AccountKind.CREATOR_PENDING, cur, OwnerType.CREATOR, creator_id)
        ]
        available = accounts[
            account_key(AccountKind.CREATOR_AVAILABLE, cur, OwnerType.CREATOR, creator_id)
        ]
        legs += [Leg(pending, amount), Leg(available, -amount)]
    ids = [r[0] for r in rows]
    entry_post(
        key=f"commission.released:{ids[0]}-{ids[-1]}@{as_of:%Y%m%d%H%M%S}",
        kind="commission.released",
        legs=legs,
        memo=f"{len(ids)} commissions released",
    )
    Commission.objects.filter(pk__in=ids).update(
        status=CommissionStatus.AVAILABLE, available_at=timezone.now()
    )
    dashboard_invalidate(creator_id for creator_id, _cur in per_creator)
    return len(ids)


def settlement_run(*, as_of: datetime | None = None) -> dict[str, int]:
    """The daily settlement: sellers' shares then creators' commissions, as of a moment."""
    from shop.services.ledger import sellers_settle

    as_of = as_of or timezone.now()
    return {
        "orders_settled": sellers_settle(as_of=as_of),
        "commissions_released": commissions_release(as_of=as_of),
    }


# Event subscribers (registered in CreatorsConfig.ready).


def accrue_on_order_paid(payload: dict, event_id: int) -> None:
    commissions_accrue(order_id=payload["order_id"])


def reverse_on_order_refunded(payload: dict, event_id: int) -> None:
    commissions_reverse(
        order_id=payload["order_id"],
        refund_id=payload["refund_id"],
        cancelled=payload.get("status") == "cancelled",
    )
