"""Returns: asked inside the market's window after delivery, answered by the seller
within 48 hours or approved by the beat task, refunded through the gateway, restocked
when the units can be sold again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import OutboxEvent
from shop.models import (
    Order,
    OrderStatus,
    ReturnRequest,
    ReturnStatus,
    Variant,
)
from shop.services.returns import (
    InvalidReturn,
    ReturnAlreadyDecided,
    ReturnAlreadyRequested,
    ReturnNotAllowed,
    ReturnResponseOverdue,
    ReturnWindowClosed,
    return_approve,
    return_reject,
    return_request,
)
from shop.tasks import returns_auto_approve
from tests.shop import orders_support
from tests.shop.orders_support import (
    buyer_in,
    committed,
    make_variant,
    place_paid,
    ship_and_deliver,
)

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

DAY = timedelta(days=1)


@pytest.fixture
def delivered(markets):
    """A delivered US order: 3 × $12.00 of one product and 1 × $5.00 of another."""
    us = markets["US"]
    a = make_variant(us, price=1200, stock=4)
    b = make_variant(us, seller=a.product.seller, price=500, stock=4)
    (order,) = place_paid(buyer_in(us), us, [(a, 3), (b, 1)])
    return ship_and_deliver(order)


def _lines(order):
    return list(order.lines.order_by("pk"))


def _ask(order, lines, *, reason="changed_mind", now=None):
    return return_request(order_id=order.pk, buyer=order.buyer, lines=lines, reason=reason, now=now)


def test_the_window_edges_day_30_is_in_and_day_31_is_out(delivered):
    big, _ = _lines(delivered)
    day_30 = delivered.delivered_at + 30 * DAY
    with pytest.raises(ReturnWindowClosed) as err:
        _ask(delivered, {big.pk: 1}, now=day_30 + DAY)
    assert err.value.code == "return_window_closed" and err.value.status == 409
    assert "closed on" in err.value.message
    request = _ask(delivered, {big.pk: 1}, now=day_30)
    assert request.status == ReturnStatus.REQUESTED
    assert request.respond_by == day_30 + 2 * DAY


def test_the_window_follows_the_market(delivered, markets):
    markets["US"].return_window_days = 14
    markets["US"].save()
    big, _ = _lines(delivered)
    with pytest.raises(ReturnWindowClosed):
        _ask(delivered, {big.pk: 1}, now=delivered.delivered_at + 15 * DAY)


def test_only_delivered_orders_can_be_returned(markets):
    us = markets["US"]
    (order,) = place_paid(buyer_in(us), us, [(make_variant(us), 1)])
    with pytest.raises(ReturnNotAllowed):
        _ask(order, {order.lines.get().pk: 1})
    other = buyer_in(us, "someone-else")
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.DELIVERED, delivered_at=timezone.now()
    )
    with pytest.raises(ReturnNotAllowed):
        return_request(
            order_id=order.pk, buyer=other, lines={order.lines.get().pk: 1}, reason="damaged"
        )


def test_lines_quantities_and_reason_are_checked(delivered):
    big, small = _lines(delivered)
    with pytest.raises(InvalidReturn) as err:
        _ask(delivered, {big.pk: 4})
    assert "Only 3" in err.value.message
    with pytest.raises(InvalidReturn) as err:
        _ask(delivered, {big.pk: 0}, reason="because")
    assert set(err.value.details["errors"]) == {"reason", "lines"}
    with pytest.raises(InvalidReturn):
        _ask(delivered, {small.pk + 999: 1})
    _ask(delivered, {big.pk: 1})
    with pytest.raises(ReturnAlreadyRequested):
        _ask(delivered, {small.pk: 1})


def test_seller_approval_refunds_and_restocks(delivered):
    big, small = _lines(delivered)
    stock = Variant.objects.get(pk=big.variant_id).stock
    request = _ask(delivered, {big.pk: 2})
    with committed():
        approved = return_approve(return_id=request.pk, actor=delivered.seller.owner)
    assert approved.status == ReturnStatus.APPROVED and not approved.auto_approved
    assert approved.decided_by == delivered.seller.owner and approved.restocked
    assert approved.refund.amount_minor == 2400 and approved.refund.gateway_ref
    assert Variant.objects.get(pk=big.variant_id).stock == stock + 2
    delivered.refresh_from_db()
    assert (delivered.status, delivered.refunded_minor) == (OrderStatus.PARTIALLY_REFUNDED, 2400)
    event = OutboxEvent.objects.get(name="order.refunded").payload
    assert event["lines"] == [
        {**event["lines"][0], "line_id": big.pk, "quantity": 2, "amount": 2400}
    ]
    with pytest.raises(ReturnAlreadyDecided):
        return_approve(return_id=request.pk, actor=delivered.seller.owner)

    # The rest comes back later (damaged: not restocked): the order is refunded in full,
    # shipping included.
    second = _ask(delivered, {big.pk: 1, small.pk: 1}, reason="damaged")
    with committed():
        done = return_approve(return_id=second.pk, actor=delivered.seller.owner)
    assert not done.restocked
    assert Variant.objects.get(pk=big.variant_id).stock == stock + 2
    delivered.refresh_from_db()
    assert delivered.status == OrderStatus.REFUNDED
    assert delivered.refunded_minor == delivered.total_minor == 3600 + 500 + 499


def test_seller_rejects_within_48_hours_with_a_reason(delivered):
    big, _ = _lines(delivered)
    request = _ask(delivered, {big.pk: 1})
    with pytest.raises(InvalidReturn):
        return_reject(return_id=request.pk, actor=delivered.seller.owner, note="  ")
    with pytest.raises(ReturnResponseOverdue):
        return_reject(
            return_id=request.pk,
            actor=delivered.seller.owner,
            note="Worn",
            now=request.respond_by + timedelta(seconds=1),
        )
    rejected = return_reject(return_id=request.pk, actor=delivered.seller.owner, note="Worn")
    assert (rejected.status, rejected.rejection_note) == (ReturnStatus.REJECTED, "Worn")
    delivered.refresh_from_db()
    assert delivered.refunded_minor == 0 and delivered.status == OrderStatus.DELIVERED
    # Rejected is final for that request, but the shopper may ask again in the window.
    assert _ask(delivered, {big.pk: 1}).status == ReturnStatus.REQUESTED


def test_unanswered_returns_are_approved_automatically_after_48_hours(delivered):
    big, small = _lines(delivered)
    stale = _ask(delivered, {small.pk: 1})
    assert returns_auto_approve() == 0  # not yet due
    # Time travel: the request was made 48 hours and a minute ago.
    asked = timezone.now() - timedelta(hours=48, minutes=1)
    ReturnRequest.objects.filter(pk=stale.pk).update(requested_at=asked, respond_by=asked + 2 * DAY)
    with committed():
        assert returns_auto_approve() == 1
    stale.refresh_from_db()
    assert stale.status == ReturnStatus.APPROVED and stale.auto_approved
    assert stale.decided_by is None and stale.refund.amount_minor == 500
    history = Order.objects.get(pk=delivered.pk).history.last()
    assert history.to_status == OrderStatus.PARTIALLY_REFUNDED and history.actor is None
    assert returns_auto_approve() == 0  # done once
