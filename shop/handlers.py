"""Shop's own subscribers in the order pipeline (registered in ShopConfig.ready).

Each runs inside the outbox's delivery transaction, which also records the delivery, so
a redelivered event is never applied twice."""

from __future__ import annotations

from .services.cancellation import refund_cancelled_on_capture
from .services.notifications import order_emails_send
from .services.orders import orders_mark_paid


def order_pay_on_capture(payload: dict, *, event_id: int) -> None:
    orders_mark_paid(checkout_id=payload["checkout_id"])


def order_emails_on_paid(payload: dict, *, event_id: int) -> None:
    order_emails_send(order_id=payload["order_id"], kind="paid")


def order_emails_on_shipped(payload: dict, *, event_id: int) -> None:
    order_emails_send(order_id=payload["order_id"], kind="shipped")


def refund_on_late_capture(payload: dict, *, event_id: int) -> None:
    """A capture confirmed after the shopper cancelled the unpaid order: refund it."""
    refund_cancelled_on_capture(checkout_id=payload["checkout_id"])
