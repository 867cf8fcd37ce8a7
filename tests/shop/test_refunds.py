"""Refunds are exact to the unit in USD and JPY, add up at every level (lines, order,
payment), never exceed what was paid, and reach the gateway once per refund."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import OutboxEvent
from shop.errors import InvalidTransition
from shop.models import Order, OrderStatus, Payment, PaymentStatus, Refund
from shop.payments import GatewayError
from shop.payments.sandbox import SandboxGateway
from shop.services.refunds import (
    InvalidRefundLines,
    NothingToRefund,
    RefundExceedsPaid,
    RefundPending,
    order_refund,
    refund_execute,
)
from shop.tasks import refunds_resume
from tests.factories import DealFactory, SellerFactory
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


def _assert_adds_up(order: Order) -> None:
    order.refresh_from_db()
    lines = list(order.lines.all())
    payment = Payment.objects.get(checkout_id=order.checkout_id)
    recorded = Refund.objects.filter(order=order).exclude(gateway_ref="")
    assert order.refunded_minor == sum(r.amount_minor for r in recorded)
    assert payment.refunded_minor == sum(
        o.refunded_minor for o in Order.objects.filter(checkout_id=order.checkout_id)
    )
    assert (
        order.refunded_minor <= order.total_minor and payment.refunded_minor <= payment.amount_minor
    )
    shipping_back = order.refunded_minor - sum(line.refunded_minor for line in lines)
    assert 0 <= shipping_back <= order.shipping_minor
    for line in lines:
        assert 0 <= line.refunded_minor <= line.gross_minor
    for refund in recorded:
        assert sum(e["amount"] for e in refund.lines) <= refund.amount_minor


@pytest.fixture
def delivered_us(markets):
    """A delivered US order: 3 units at $10.01 (a price that does not split evenly)."""
    us = markets["US"]
    order = place_paid(buyer_in(us), us, [(make_variant(us, price=1001), 3)])[0]
    return ship_and_deliver(order)


@pytest.fixture
def delivered_jp(markets):
    """A delivered JP order in yen (no minor unit): 3 units at ¥1,001 and 2 at ¥333."""
    jp = markets["JP"]
    seller = SellerFactory(market=jp)
    lines = [
        (make_variant(jp, seller=seller, price=1001), 3),
        (make_variant(jp, seller=seller, price=333), 2),
    ]
    order = place_paid(buyer_in(jp), jp, lines)[0]
    return ship_and_deliver(order)


def test_partial_unit_refunds_are_exact_in_usd(delivered_us):
    line = delivered_us.lines.get()
    amounts = []
    for _ in range(3):
        with committed():
            refund = order_refund(order_id=delivered_us.pk, lines={line.pk: 1}, reason="return")
        amounts.append(refund.amount_minor)
        _assert_adds_up(delivered_us)
    # 3003 cents over 3 units: 1001 each; the last unit also brings the shipping back.
    assert amounts == [1001, 1001, 1001 + 499]
    assert delivered_us.status == OrderStatus.REFUNDED
    assert (
        Payment.objects.get(checkout_id=delivered_us.checkout_id).status == PaymentStatus.REFUNDED
    )
    statuses = list(
        OutboxEvent.objects.filter(name="order.refunded").values_list("payload__status", flat=True)
    )
    assert statuses == ["partially_refunded", "partially_refunded", "refunded"]
    with pytest.raises(NothingToRefund):
        order_refund(order_id=delivered_us.pk, lines={line.pk: 1})


def test_partial_refunds_are_exact_in_jpy(delivered_jp):
    big, small = delivered_jp.lines.order_by("pk")
    with committed():
        first = order_refund(order_id=delivered_jp.pk, amount=1000, reason="goodwill")
    # ¥1,000 over what remains (¥3,003 + ¥666 + ¥500 shipping), largest remainder.
    assert [e["amount"] for e in first.lines] == [720, 160]
    assert first.amount_minor == 1000
    _assert_adds_up(delivered_jp)
    with committed():
        second = order_refund(order_id=delivered_jp.pk, lines={big.pk: 2})
    big.refresh_from_db()
    # 2 of the 3 units of what remains of the line (¥3,003 − ¥720 = ¥2,283): ¥761 + ¥761.
    assert second.amount_minor == 1522 and big.refunded_quantity == 2
    _assert_adds_up(delivered_jp)
    with committed():
        last = order_refund(order_id=delivered_jp.pk, lines={big.pk: 1, small.pk: 2})
    _assert_adds_up(delivered_jp)
    assert delivered_jp.refunded_minor == delivered_jp.total_minor == 3003 + 666 + 500
    assert first.amount_minor + second.amount_minor + last.amount_minor == delivered_jp.total_minor
    event = OutboxEvent.objects.filter(name="order.refunded").latest("pk").payload
    assert event["currency"] == "JPY" and event["full"] is True
    assert {e["line_id"]: e["line_refunded"] for e in event["lines"]} == {
        big.pk: 3003,
        small.pk: 666,
    }


def test_a_refund_never_exceeds_what_was_paid(delivered_us):
    with pytest.raises(RefundExceedsPaid) as err:
        order_refund(order_id=delivered_us.pk, amount=delivered_us.total_minor + 1)
    assert err.value.details["refundable"] == delivered_us.total_minor
    line = delivered_us.lines.get()
    with pytest.raises(InvalidRefundLines):
        order_refund(order_id=delivered_us.pk, lines={line.pk: 4})
    with committed():
        order_refund(order_id=delivered_us.pk, amount=delivered_us.total_minor - 1)
    with pytest.raises(RefundExceedsPaid):
        order_refund(order_id=delivered_us.pk, amount=2)
    with committed():
        order_refund(order_id=delivered_us.pk, amount=1)
    _assert_adds_up(delivered_us)
    assert delivered_us.status == OrderStatus.REFUNDED


def test_refunding_one_order_of_a_two_seller_checkout(markets):
    us = markets["US"]
    a, b = place_paid(
        buyer_in(us), us, [(make_variant(us, price=700), 1), (make_variant(us, price=900), 1)]
    )
    with committed():
        order_refund(order_id=a.pk, full=True, reason="staff")
    payment = Payment.objects.get(checkout_id=a.checkout_id)
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_minor == a.total_minor
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (OrderStatus.REFUNDED, OrderStatus.PAID)


def test_a_paid_order_cannot_be_refunded_in_part_before_delivery(markets):
    us = markets["US"]
    (order,) = place_paid(buyer_in(us), us, [(make_variant(us), 2)])
    with pytest.raises(InvalidTransition):
        order_refund(order_id=order.pk, amount=100)
    assert not Refund.objects.exists()


def test_deal_units_come_back_at_the_average_price(markets):
    us = markets["US"]
    variant = make_variant(us, price=2000)
    DealFactory(variant=variant, price_minor=1500, quantity_cap=2)
    (order,) = place_paid(buyer_in(us), us, [(variant, 3)])  # 2 × 15.00 + 1 × 20.00
    ship_and_deliver(order)
    line = order.lines.get()
    with committed():
        refund = order_refund(order_id=order.pk, lines={line.pk: 1})
    assert refund.amount_minor == 1667  # 50.00 / 3, the odd cent to the first unit back
    _assert_adds_up(order)


def test_the_gateway_is_called_once_per_refund_and_an_outage_is_resumed(delivered_us, monkeypatch):
    calls = []
    real = SandboxGateway.refund

    def flaky(self, **kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 1:
            raise GatewayError("timeout")
        return real(self, **kwargs)

    monkeypatch.setattr(SandboxGateway, "refund", flaky)
    line = delivered_us.lines.get()
    with pytest.raises(RefundPending):
        order_refund(order_id=delivered_us.pk, lines={line.pk: 1})
    pending = Refund.objects.get()
    assert pending.gateway_ref == ""
    # A pending refund holds its units: they cannot be refunded twice meanwhile.
    with pytest.raises(InvalidRefundLines):
        order_refund(order_id=delivered_us.pk, lines={line.pk: 3})
    delivered_us.refresh_from_db()
    assert delivered_us.refunded_minor == 0
    with committed():
        assert refunds_resume() == 1
    with committed():
        refund_execute(refund_id=pending.pk)  # already recorded: nothing happens
    assert calls == [f"refund-{pending.pk}", f"refund-{pending.pk}"]
    _assert_adds_up(delivered_us)
    assert delivered_us.refunded_minor == 1001
    assert OutboxEvent.objects.filter(name="order.refunded").count() == 1


def test_completed_orders_are_not_refunded_here(delivered_us):
    Order.objects.filter(pk=delivered_us.pk).update(
        status=OrderStatus.COMPLETED, delivered_at=timezone.now() - timedelta(days=40)
    )
    with pytest.raises(InvalidTransition):
        order_refund(order_id=delivered_us.pk, full=True)


def test_staff_refund_from_the_admin_goes_through_the_service(
    client, delivered_us, django_assert_max_num_queries
):
    from marketplace.models import User

    staff = User.objects.create_superuser("staff", "staff@example.com", "pw-12345")
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        assert client.get("/admin/shop/order/").status_code == 200
    pages = ["payment", "refund", "returnrequest", "stockhold", f"order/{delivered_us.pk}/change"]
    for page in pages:
        url = f"/admin/shop/{page}/"
        assert client.get(url).status_code == 200, url
    url = f"/admin/shop/order/{delivered_us.pk}/refund/"
    assert "still refundable" in client.get(url).content.decode()
    both = client.post(url, {"everything": "on", "amount": "1.00", "reason": "x"})
    assert "Choose one" in both.content.decode()
    too_precise = client.post(url, {"amount": "1.001", "reason": "x"})
    assert "more decimal places" in too_precise.content.decode()
    with committed():
        done = client.post(url, {"amount": "5.01", "reason": "Late delivery"})
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.actor, refund.reason) == (501, staff, "Late delivery")
    _assert_adds_up(delivered_us)
    assert delivered_us.status == OrderStatus.PARTIALLY_REFUNDED
    assert delivered_us.history.last().actor == staff
