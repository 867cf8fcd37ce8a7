"""The shopper cancels an order before it ships.

- Awaiting payment: the held stock is released and nothing is charged.
- Paid (or captured but not yet marked paid by the pipeline): the order is cancelled and
  its units go back on the shelf in one transaction, with a full refund planned there
  too; the gateway is then called outside the locks (see ``refunds``).
- A capture that lands after the shopper cancelled an unpaid order (the processor's
  webhook can arrive late) would charge for a cancelled order: ``refund_cancelled_on_capture``
  refunds it.

Locks are taken payment first, then order, as the payment pipeline takes them.
"""

from __future__ import annotations

import contextlib
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..errors import InvalidTransition
from ..models import Order, OrderStatus, Payment, PaymentStatus, Product, StockHold
from .orders import order_transition
from .refunds import REFUNDABLE_PAYMENT, RefundPending, refund_create, refund_execute
from .stock import holds_release, stock_restore

log = logging.getLogger(__name__)

CANCELLABLE = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)


def order_cancel(*, order_id: int, actor, reason: str = "Cancelled by the shopper") -> Order:
    """Cancel before shipping. Raises ``InvalidTransition`` (409) once it has shipped.

    Returns the cancelled order; its refund (if any) has been sent to the gateway, or is
    left pending for ``refunds_resume`` when the processor could not be reached.
    """
    refund_id = None
    with transaction.atomic():
        checkout_id = Order.objects.values_list("checkout_id", flat=True).get(pk=order_id)
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status not in CANCELLABLE:
            raise InvalidTransition(
                f"An order that is {order.get_status_display().lower()} cannot be cancelled.",
                status=order.status,
            )
        was = order.status
        order_transition(order=order, to=OrderStatus.CANCELLED, actor=actor, note=reason)
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
        holds = list(StockHold.objects.filter(order_line__order=order))
        if was == OrderStatus.PENDING_PAYMENT and payment.status == PaymentStatus.PENDING:
            holds_release(holds=holds)
        else:
            # The sale stood (holds converted, or about to be): give the units back.
            open_holds = [h for h in holds if h.released_at is None and h.converted_at is None]
            holds_release(holds=open_holds)
            released = {h.order_line_id for h in open_holds}
            _restock(order, skip_lines=released)
            if payment.status in REFUNDABLE_PAYMENT:
                refund_id = refund_create(
                    order=order,
                    payment=payment,
                    full=True,
                    reason=reason,
                    actor=actor,
                    cancelling=True,
                ).pk
    if refund_id is not None:
        # If the processor is unreachable, refunds_resume records it later; the order is
        # cancelled either way.
        with contextlib.suppress(RefundPending):
            refund_execute(refund_id=refund_id)
    order.refresh_from_db()
    return order


def _restock(order: Order, *, skip_lines: set[int]) -> None:
    sold: dict[int, int] = {}
    for line in order.lines.order_by("variant_id", "pk"):
        if line.pk in skip_lines:
            continue
        stock_restore(variant_id=line.variant_id, quantity=line.quantity)
        if order.paid_at is not None:
            sold[line.product_id] = sold.get(line.product_id, 0) + line.quantity
    for product_id in sorted(sold):
        # Units cancelled before they shipped were never really sold.
        Product.objects.filter(pk=product_id, sold_count__gte=sold[product_id]).update(
            sold_count=F("sold_count") - sold[product_id]
        )


def refund_cancelled_on_capture(*, checkout_id: int) -> list[int]:
    """A capture confirmed after the shopper cancelled an unpaid order: plan the full
    refund of each such order (in the caller's transaction) and return the refund ids.
    The gateway is called after commit by the ``refund_execute`` task."""
    refund_ids = []
    cancelled = Order.objects.filter(
        checkout_id=checkout_id, status=OrderStatus.CANCELLED, paid_at__isnull=True
    )
    if not cancelled.exists():  # the usual case: one cheap query per captured checkout
        return []
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        if payment.status not in REFUNDABLE_PAYMENT:
            return []
        orders = (
            Order.objects.select_for_update()
            .filter(checkout_id=checkout_id, status=OrderStatus.CANCELLED, paid_at__isnull=True)
            .order_by("pk")
        )
        for order in orders:
            if order.refunded_minor >= order.total_minor or order.refunds.exists():
                continue
            refund = refund_create(
                order=order,
                payment=payment,
                full=True,
                reason="Paid after it was cancelled",
                cancelling=True,
            )
            refund_ids.append(refund.pk)
        if refund_ids:
            from ..tasks import refund_execute_task

            ids = list(refund_ids)
            transaction.on_commit(lambda: [_kick(refund_execute_task, pk) for pk in ids])
    return refund_ids


def _kick(task, refund_id: int) -> None:
    try:
        task.delay(refund_id)
    except Exception:  # noqa: BLE001 - broker down: refunds_resume picks it up
        log.warning("broker unavailable; refund %s left for refunds_resume", refund_id)
