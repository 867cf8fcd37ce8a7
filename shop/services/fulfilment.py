"""After payment: the seller ships and delivers; an order nobody returned completes.

Each step locks the order, moves it through ``order_transition`` (who and when), and
publishes its domain event in the same transaction: ``order.shipped`` (shop emails the
shopper from it), ``order.delivered`` (with the return window, for commission holds) and
``order.completed``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from marketplace.errors import DomainError
from marketplace.events import event_publish
from marketplace.models import Market

from ..errors import InvalidTransition
from ..models import Order, OrderStatus, Refund, ReturnRequest, ReturnStatus
from .orders import line_payload, order_transition


class InvalidShipment(DomainError):
    code = "invalid_shipment"
    status = 400
    default_message = "Give the carrier and the tracking number."


def return_deadline(order: Order) -> datetime | None:
    """The last moment a return may be asked for: delivery + the market's window."""
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=order.market.return_window_days)


def _locked(order_id: int) -> Order:
    return Order.objects.select_for_update().select_related("market").get(pk=order_id)


def order_ship(
    *, order_id: int, actor, carrier: str, tracking_number: str, now: datetime | None = None
) -> Order:
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    errors = {}
    if not carrier or len(carrier) > 60:
        errors["carrier"] = "Give the carrier (at most 60 characters)."
    if not tracking_number or len(tracking_number) > 60:
        errors["tracking_number"] = "Give the tracking number (at most 60 characters)."
    if errors:
        raise InvalidShipment(errors=errors)
    now = now or timezone.now()
    with transaction.atomic():
        order = _locked(order_id)
        if Refund.objects.filter(order=order, gateway_ref="").exists():
            raise InvalidTransition(
                "A refund on this order is being processed; it cannot ship.", status=order.status
            )
        order_transition(
            order=order, to=OrderStatus.SHIPPED, actor=actor, note=f"{carrier} {tracking_number}"
        )
        order.carrier, order.tracking_number, order.shipped_at = carrier, tracking_number, now
        order.save(update_fields=["status", "carrier", "tracking_number", "shipped_at"])
        event_publish(
            "order.shipped",
            {
                "order_id": order.pk,
                "number": order.number,
                "buyer_id": order.buyer_id,
                "seller_id": order.seller_id,
                "carrier": carrier,
                "tracking_number": tracking_number,
                "shipped_at": now.isoformat(),
            },
        )
    return order


def order_deliver(*, order_id: int, actor, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    with transaction.atomic():
        order = _locked(order_id)
        order_transition(order=order, to=OrderStatus.DELIVERED, actor=actor)
        order.delivered_at = now
        order.save(update_fields=["status", "delivered_at"])
        event_publish(
            "order.delivered",
            {
                "order_id": order.pk,
                "number": order.number,
                "buyer_id": order.buyer_id,
                "seller_id": order.seller_id,
                "market": order.market_id,
                "currency": order.currency,
                "total": order.total_minor,
                "delivered_at": now.isoformat(),
                "return_window_days": order.market.return_window_days,
                "return_deadline": return_deadline(order).isoformat(),
                "lines": line_payload(order),
            },
        )
    return order


def orders_complete(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Complete delivered orders whose return window has closed with no return waiting
    and no refund in flight (beat). Returns the ids completed."""
    now = now or timezone.now()
    done: list[int] = []
    for market in Market.objects.order_by("code"):
        cutoff = now - timedelta(days=market.return_window_days)
        ids = (
            Order.objects.filter(
                market=market, status=OrderStatus.DELIVERED, delivered_at__lt=cutoff
            )
            .order_by("delivered_at", "pk")
            .values_list("pk", flat=True)[: limit - len(done)]
        )
        done += [pk for pk in ids if order_complete(order_id=pk, now=now)]
        if len(done) >= limit:
            break
    return done


def order_complete(*, order_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        order = _locked(order_id)
        if order.status != OrderStatus.DELIVERED or return_deadline(order) >= now:
            return False
        if ReturnRequest.objects.filter(order=order, status=ReturnStatus.REQUESTED).exists():
            return False
        if Refund.objects.filter(order=order, gateway_ref="").exists():
            return False
        order_transition(order=order, to=OrderStatus.COMPLETED, note="Return window closed")
        order.save(update_fields=["status"])
        event_publish(
            "order.completed",
            {
                "order_id": order.pk,
                "number": order.number,
                "seller_id": order.seller_id,
                "completed_at": now.isoformat(),
            },
        )
    return True
