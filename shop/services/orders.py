"""Order status changes. Each is atomic, records who and when, and publishes its domain
event in the same transaction (the outbox), as Zulip's actions do."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marketplace.events import event_publish

from ..errors import InvalidTransition
from ..models import (
    Order,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentStatus,
    Product,
    StockHold,
)
from .ledger import order_capture_post

ALLOWED = {
    OrderStatus.PENDING_PAYMENT: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.REFUNDED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: {
        OrderStatus.COMPLETED,
        OrderStatus.REFUNDED,
        OrderStatus.PARTIALLY_REFUNDED,
    },
    OrderStatus.PARTIALLY_REFUNDED: {OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED},
}


def order_transition(*, order: Order, to: str, actor=None, note: str = "") -> Order:
    """Move a locked order to ``to`` and record it. Precondition: the order row is locked
    (``select_for_update``) by the caller's transaction."""
    if to not in ALLOWED.get(order.status, set()):
        raise InvalidTransition(
            f"An order that is {order.get_status_display().lower()} cannot become {to}.",
            status=order.status,
        )
    OrderStatusChange.objects.create(
        order=order, from_status=order.status, to_status=to, actor=actor, note=note
    )
    order.status = to
    return order


def line_payload(order: Order) -> list[dict]:
    return [
        {
            "line_id": line.pk,
            "product_id": line.product_id,
            "variant_id": line.variant_id,
            "seller_id": line.seller_id,
            "quantity": line.quantity,
            "gross": line.gross_minor,
            "referral_fee_bp": line.referral_fee_bp,
            "commission_rate_bp": line.commission_rate_bp,
        }
        for line in order.lines.all()
    ]


def orders_mark_paid(*, checkout_id: int) -> list[Order]:
    """The pipeline's step after a captured payment: orders paid, holds converted into
    sales, sold counts raised, and ``order.paid`` published per order. Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        if payment.status != PaymentStatus.CAPTURED:
            return []
        orders = list(
            Order.objects.select_for_update()
            .filter(checkout_id=checkout_id, status=OrderStatus.PENDING_PAYMENT)
            .prefetch_related("lines")  # one query for every order's lines, read twice below
            .order_by("pk")
        )
        now = timezone.now()
        sold: dict[int, int] = {}
        for order in orders:
            order_transition(order=order, to=OrderStatus.PAID, note="Payment captured")
            order.paid_at = now
            order.save(update_fields=["status", "paid_at"])
            for line in order.lines.all():
                sold[line.product_id] = sold.get(line.product_id, 0) + line.quantity
            StockHold.objects.filter(order_line__order=order, released_at__isnull=True).update(
                converted_at=now
            )
            order_capture_post(order=order, lines=list(order.lines.all()))
            event_publish(
                "order.paid",
                {
                    "order_id": order.pk,
                    "number": order.number,
                    "buyer_id": order.buyer_id,
                    "seller_id": order.seller_id,
                    "market": order.market_id,
                    "currency": order.currency,
                    "total": order.total_minor,
                    "paid_at": now.isoformat(),
                    "lines": line_payload(order),
                },
            )
        for product_id in sorted(sold):
            # updated_at: "N sold" is on the cached page and card (shop.cache).
            Product.objects.filter(pk=product_id).update(
                sold_count=F("sold_count") + sold[product_id], updated_at=now
            )
    return orders
