"""Shipping, delivery, completion and cancellation: every step recorded with who and
when, its event in the outbox, and refused when the status does not allow it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.models import OutboxEvent
from shop.errors import InvalidTransition
from shop.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    StockHold,
    Variant,
)
from shop.services.cancellation import order_cancel
from shop.services.checkout import LineRequest, _hold, payment_record_success
from shop.services.fulfilment import InvalidShipment, order_deliver, order_ship, orders_complete
from shop.services.returns import return_reject, return_request
from shop.tasks import orders_complete as orders_complete_task
from tests.shop import orders_support
from tests.shop.orders_support import (
    ADDRESS,
    buyer_in,
    committed,
    make_variant,
    place_paid,
    ship_and_deliver,
)

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def paid(markets):
    us = markets["US"]
    variant = make_variant(us, price=1500, stock=5)
    buyer = buyer_in(us)
    (order,) = place_paid(buyer, us, [(variant, 2)])
    mail.outbox.clear()
    return order


def test_paid_to_shipped_to_delivered_to_completed_records_who_and_when(paid):
    owner = paid.seller.owner
    with committed():
        order_ship(order_id=paid.pk, actor=owner, carrier=" UPS ", tracking_number="1Z999AA1")
    paid.refresh_from_db()
    assert (paid.status, paid.carrier, paid.tracking_number) == ("shipped", "UPS", "1Z999AA1")
    assert paid.shipped_at is not None
    # The shopper, and only the shopper, hears that it shipped; once.
    assert [m.to for m in mail.outbox] == [[paid.buyer.email]]
    assert "on its way" in mail.outbox[0].subject and "1Z999AA1" in mail.outbox[0].body

    delivered_at = timezone.now() - timedelta(days=31)
    with committed():
        order_deliver(order_id=paid.pk, actor=owner, now=delivered_at)
    event = OutboxEvent.objects.get(name="order.delivered")
    assert event.payload["delivered_at"] == delivered_at.isoformat()
    assert event.payload["return_window_days"] == 30
    assert event.payload["lines"][0]["quantity"] == 2

    assert orders_complete_task() == 1
    paid.refresh_from_db()
    assert paid.status == OrderStatus.COMPLETED
    history = list(paid.history.values_list("to_status", "actor_id"))
    assert history == [
        ("pending_payment", paid.buyer_id),
        ("paid", None),
        ("shipped", owner.pk),
        ("delivered", owner.pk),
        ("completed", None),
    ]
    assert OutboxEvent.objects.filter(name="order.completed").count() == 1


@pytest.mark.parametrize(
    ("step", "status"),
    [("deliver", OrderStatus.PAID), ("ship", OrderStatus.SHIPPED), ("ship", OrderStatus.COMPLETED)],
)
def test_steps_out_of_order_are_invalid_transitions(paid, step, status):
    Order.objects.filter(pk=paid.pk).update(status=status)
    owner = paid.seller.owner
    with pytest.raises(InvalidTransition) as err:
        if step == "ship":
            order_ship(order_id=paid.pk, actor=owner, carrier="UPS", tracking_number="1")
        else:
            order_deliver(order_id=paid.pk, actor=owner)
    assert err.value.code == "invalid_status_transition" and err.value.status == 409
    assert Order.objects.get(pk=paid.pk).status == status


def test_shipping_needs_carrier_and_tracking_number(paid):
    with pytest.raises(InvalidShipment) as err:
        order_ship(order_id=paid.pk, actor=None, carrier=" ", tracking_number="")
    assert set(err.value.details["errors"]) == {"carrier", "tracking_number"}
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID


def test_completion_waits_for_the_window_and_for_open_returns(paid):
    now = timezone.now()
    ship_and_deliver(paid, now=now - timedelta(days=29))
    assert orders_complete(now=now) == []  # still inside the 30-day window
    request = return_request(
        order_id=paid.pk, buyer=paid.buyer, lines={paid.lines.get().pk: 1}, reason="damaged"
    )
    later = now + timedelta(days=2)
    assert orders_complete(now=later) == []  # a return is waiting for the seller
    return_reject(return_id=request.pk, actor=paid.seller.owner, note="Not damaged")
    with committed():
        assert orders_complete(now=later) == [paid.pk]


def test_cancel_before_shipping_refunds_in_full_and_restocks(paid):
    variant = paid.lines.get().variant
    stock_before = Variant.objects.get(pk=variant.pk).stock
    sold_before = Product.objects.get(pk=variant.product_id).sold_count
    with committed():
        order_cancel(order_id=paid.pk, actor=paid.buyer)
    paid.refresh_from_db()
    assert paid.status == OrderStatus.CANCELLED and paid.cancelled_at is not None
    assert paid.refunded_minor == paid.total_minor == 2 * 1500 + 499
    payment = Payment.objects.get(checkout_id=paid.checkout_id)
    assert (payment.status, payment.refunded_minor) == (PaymentStatus.REFUNDED, paid.total_minor)
    line = paid.lines.get()
    assert (line.refunded_quantity, line.refunded_minor) == (2, 3000)
    assert Variant.objects.get(pk=variant.pk).stock == stock_before + 2
    assert Product.objects.get(pk=variant.product_id).sold_count == sold_before - 2
    event = OutboxEvent.objects.get(name="order.refunded").payload
    assert (event["amount"], event["shipping"], event["full"]) == (3499, 499, True)
    assert event["lines"][0]["quantity"] == 2 and event["lines"][0]["amount"] == 3000
    assert paid.history.last().actor_id == paid.buyer_id


def test_cannot_cancel_after_shipping(paid):
    order_ship(order_id=paid.pk, actor=paid.seller.owner, carrier="UPS", tracking_number="1")
    with pytest.raises(InvalidTransition):
        order_cancel(order_id=paid.pk, actor=paid.buyer)
    paid.refresh_from_db()
    assert paid.status == OrderStatus.SHIPPED and paid.refunded_minor == 0


def test_cancelling_an_unpaid_order_releases_its_holds(markets):
    us = markets["US"]
    variant = make_variant(us, stock=3)
    buyer = buyer_in(us)
    checkout = _hold(
        buyer=buyer,
        market=us,
        lines=[LineRequest(variant.pk, 2)],
        address=ADDRESS["US"],
        shipping_option="standard",
    )
    order = checkout.orders.get()
    assert Variant.objects.get(pk=variant.pk).stock == 1
    order_cancel(order_id=order.pk, actor=buyer)
    assert Variant.objects.get(pk=variant.pk).stock == 3
    assert StockHold.objects.get().released_at is not None
    assert not order.refunds.exists()

    # The processor confirms the charge late: the cancelled order is refunded, not kept.
    with committed():
        payment_record_success(checkout_id=checkout.pk, gateway_ref="ch_late")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.refunded_minor == order.total_minor
    assert Payment.objects.get(checkout=checkout).status == PaymentStatus.REFUNDED
    assert Variant.objects.get(pk=variant.pk).stock == 3
