"""The seller's side of the ledger: a paid order books cash, fee and seller share; refunds
give back the fee pro rata; settlement makes the seller's share available 7 days after
delivery; ledger_check reconciles every order with what the buyer paid minus refunds."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketplace.ledger.checks import ledger_breaks
from marketplace.ledger.models import AccountKind, LedgerPosting, OwnerType
from marketplace.ledger.selectors import owner_balances
from marketplace.money import percent_of
from shop.models import Order
from shop.services.ledger import sellers_settle
from shop.services.refunds import order_refund
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _seller(order):
    return owner_balances(owner_type=OwnerType.SELLER, owner_id=order.seller_id)


@pytest.mark.parametrize(("code", "price"), [("US", 1001), ("JP", 1333)])
def test_paid_order_books_fee_and_seller_share(markets, code, price):
    market = markets[code]
    variant = make_variant(market, price=price)
    (order,) = place_paid(buyer_in(market), market, [(variant, 3)])
    gross = price * 3
    fee = percent_of(gross, market.referral_fee_bp)
    balances = _seller(order)
    assert balances[(AccountKind.SELLER_PENDING, market.currency)] == (
        gross - fee + order.shipping_minor
    )
    assert list(ledger_breaks()) == []


def test_refunds_give_back_the_fee_pro_rata_and_add_up(markets):
    market = markets["US"]
    variant = make_variant(market, price=1001)
    (order,) = place_paid(buyer_in(market), market, [(variant, 3)])
    line = order.lines.get()
    ship_and_deliver(order)
    order_refund(order_id=order.pk, lines={line.pk: 1}, reason="one broke")
    assert list(ledger_breaks()) == []
    order_refund(order_id=order.pk, full=True, reason="all of it")
    order.refresh_from_db()
    assert order.refunded_minor == order.total_minor
    # Everything came back: no share is left about this order.
    held = LedgerPosting.objects.filter(order_id=order.pk).exclude(
        account__kind=AccountKind.PLATFORM_CASH
    )
    assert sum(held.values_list("amount_minor", flat=True)) == 0
    assert list(ledger_breaks()) == []


def test_settlement_waits_seven_days_after_delivery(markets):
    market = markets["US"]
    variant = make_variant(market, price=2500)
    (order,) = place_paid(buyer_in(market), market, [(variant, 1)])
    delivered = timezone.now() - timedelta(days=10)
    ship_and_deliver(order, now=delivered)
    share = _seller(order)[(AccountKind.SELLER_PENDING, "USD")]
    assert sellers_settle(as_of=delivered + timedelta(days=6, hours=23)) == 0
    assert sellers_settle(as_of=delivered + timedelta(days=7)) == 1
    assert sellers_settle(as_of=delivered + timedelta(days=8)) == 0  # a rerun settles nothing
    balances = _seller(order)
    assert balances[(AccountKind.SELLER_PENDING, "USD")] == 0
    assert balances[(AccountKind.SELLER_AVAILABLE, "USD")] == share
    # A refund after settlement comes out of the available balance.
    order_refund(order_id=order.pk, full=True, reason="late")
    balances = _seller(order)
    assert balances[(AccountKind.SELLER_AVAILABLE, "USD")] == 0
    assert list(ledger_breaks()) == []


def test_ledger_check_catches_an_order_that_does_not_reconcile(markets):
    market = markets["US"]
    variant = make_variant(market, price=1000)
    (order,) = place_paid(buyer_in(market), market, [(variant, 1)])
    call_command("ledger_check")
    Order.objects.filter(pk=order.pk).update(refunded_minor=1)  # a refund the ledger never saw
    with pytest.raises(CommandError, match=f"order {order.number}: the buyer paid"):
        call_command("ledger_check")
