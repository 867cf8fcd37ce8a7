"""What an order looks like to the person reading it: its status in words, who did each
step, what they may do next. Shared by the pages and the API so both say the same thing.

Works on orders fetched through ``access.with_detail`` (no query per line or step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..models import Order, OrderStatus, PaymentStatus, ReturnStatus
from ..services.cancellation import CANCELLABLE
from ..services.fulfilment import return_deadline
from ..services.returns import RETURNABLE

STATUS_TONE = {
    OrderStatus.PENDING_PAYMENT: "wait",
    OrderStatus.PAID: "info",
    OrderStatus.SHIPPED: "info",
    OrderStatus.DELIVERED: "ok",
    OrderStatus.COMPLETED: "ok",
    OrderStatus.CANCELLED: "muted",
    OrderStatus.REFUNDED: "muted",
    OrderStatus.PARTIALLY_REFUNDED: "warn",
}


def payment_failed(order: Order) -> bool:
    payment = getattr(order.checkout, "payment", None)
    return order.status == OrderStatus.CANCELLED and (
        payment is not None and payment.status == PaymentStatus.FAILED
    )


def status_label(order: Order) -> str:
    return "Payment failed" if payment_failed(order) else order.get_status_display()


def status_tone(order: Order) -> str:
    return "bad" if payment_failed(order) else STATUS_TONE.get(order.status, "info")


def actor_label(order: Order, actor, *, viewer) -> str:
    if actor is None:
        return "Marketplace"
    if actor.pk == order.buyer_id:
        return "You" if viewer is not None and viewer.pk == actor.pk else "Shopper"
    if actor.pk == order.seller.owner_id:
        return order.seller.name
    if actor.is_staff:
        return "Marketplace team"
    return actor.get_username()


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime
    by: str
    note: str


def timeline(order: Order, *, viewer) -> list[Step]:
    steps = []
    for change in order.history.all():
        label = OrderStatus(change.to_status).label if change.to_status else "Created"
        note = change.note
        if change.to_status == OrderStatus.CANCELLED and note.startswith("Payment failed"):
            label, note = "Payment failed", ""
        steps.append(
            Step(
                status=change.to_status,
                label=label,
                at=change.created_at,
                by=actor_label(order, change.actor, viewer=viewer),
                note=note,
            )
        )
    return steps


def can_cancel(order: Order) -> bool:
    return order.status in CANCELLABLE


def open_return(order: Order):
    return next((r for r in order.returns.all() if r.status == ReturnStatus.REQUESTED), None)


def can_return(order: Order, *, now: datetime | None = None) -> bool:
    """Delivered, inside the window, nothing waiting, and some units left to send back."""
    now = now or timezone.now()
    deadline = return_deadline(order)
    if order.status not in RETURNABLE or deadline is None or now > deadline:
        return False
    if open_return(order) is not None:
        return False
    return any(line.quantity > line.refunded_quantity for line in order.lines.all())


def refund_state(refund) -> str:
    if refund is None:
        return ""
    return "refunded" if refund.gateway_ref else "pending"


def shipping_refunded(order: Order) -> int:
    return order.refunded_minor - sum(line.refunded_minor for line in order.lines.all())


def price_parts(line) -> list[tuple[int, int, bool]]:
    """(units, unit price, at the deal price?) for "2 × $15.00 Deal + 1 × $20.00"."""
    parts = []
    if line.deal_units:
        parts.append((line.deal_units, line.deal_price_minor, True))
    if line.quantity > line.deal_units:
        parts.append((line.quantity - line.deal_units, line.unit_price_minor, False))
    return parts


def lines_for_display(order: Order) -> list:
    lines = list(order.lines.all())
    for line in lines:
        line.price_parts = price_parts(line)
    return lines
