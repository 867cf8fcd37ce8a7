"""After-the-sale races on PostgreSQL with real row locks and threads: a shopper cancelling
while the seller ships, and many refunds of the same units at once. Money moves once."""

import threading

import pytest
from django.db import connections

from marketplace.errors import DomainError
from shop.models import OrderStatus, Payment, Refund
from shop.services.cancellation import order_cancel
from shop.services.fulfilment import order_ship
from shop.services.refunds import order_refund
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

markets = orders_support.markets

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager"),
]


def _race(*calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            call()
            result = "ok"
        except DomainError as exc:
            result = exc.code
        except Exception as exc:  # noqa: BLE001 - anything else fails the test
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.parametrize("round_no", range(3))
def test_cancel_racing_ship_leaves_one_consistent_outcome(markets, round_no):
    us = markets["US"]
    variant = make_variant(us, stock=5)
    (order,) = place_paid(buyer_in(us), us, [(variant, 2)], key=f"race-{round_no}")
    owner = order.seller.owner
    outcomes = _race(
        lambda: order_cancel(order_id=order.pk, actor=order.buyer),
        lambda: order_ship(order_id=order.pk, actor=owner, carrier="UPS", tracking_number="1"),
    )
    assert outcomes == ["invalid_status_transition", "ok"]
    order.refresh_from_db()
    variant.refresh_from_db()
    if order.status == OrderStatus.CANCELLED:
        assert order.refunded_minor == order.total_minor and variant.stock == 5
    else:
        assert order.status == OrderStatus.SHIPPED
        assert order.refunded_minor == 0 and variant.stock == 3


def test_many_refunds_of_the_same_units_pay_each_unit_back_once(markets):
    us = markets["US"]
    (order,) = place_paid(buyer_in(us), us, [(make_variant(us, price=999, stock=9), 5)])
    ship_and_deliver(order)
    line = order.lines.get()
    outcomes = _race(
        *[lambda: order_refund(order_id=order.pk, lines={line.pk: 1}) for _ in range(8)]
    )
    assert outcomes.count("ok") == 5, outcomes
    assert set(outcomes) <= {"ok", "invalid_refund_lines", "nothing_to_refund"}
    order.refresh_from_db()
    line.refresh_from_db()
    payment = Payment.objects.get(checkout_id=order.checkout_id)
    refunds = list(Refund.objects.filter(order=order))
    assert len(refunds) == 5 and all(r.gateway_ref for r in refunds)
    assert line.refunded_quantity == 5 and line.refunded_minor == line.gross_minor
    assert order.refunded_minor == payment.refunded_minor == order.total_minor
    assert sum(r.amount_minor for r in refunds) == order.total_minor
    assert order.status == OrderStatus.REFUNDED
