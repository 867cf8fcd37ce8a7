"""Money under real concurrency (PostgreSQL row locks, real threads): parallel payout
batches pay each payee once, and settlement racing refunds keeps every ledger invariant."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from creators.services.commissions import commissions_release, settlement_run
from shop.models import Payout
from shop.services.payouts import payouts_build
from shop.services.refunds import order_refund
from tests.creators.money_support import assert_ledger_ok, make_creator, tap
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

markets = orders_support.markets


def _run_together(fns):
    barrier = threading.Barrier(len(fns))
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def _sales(market, n):
    delivered = timezone.now() - timedelta(days=40)
    orders = []
    for i in range(n):
        creator = make_creator(market, f"c{i}")
        v = make_variant(market, price=20000)
        v.product.commission_rate_bp = 1000
        v.product.save()
        buyer = buyer_in(market, f"b{i}")
        tap(creator, buyer, v.product)
        (order,) = place_paid(buyer, market, [(v, 2)], key=f"k{i}")
        ship_and_deliver(order, now=delivered)
        orders.append(order)
    return orders


@pytest.mark.usefixtures("eager")
def test_parallel_payout_batches_pay_each_payee_once(markets):
    _sales(markets["US"], 6)
    settlement_run()
    monday = date(2026, 11, 23)
    errors = _run_together([lambda: payouts_build(as_of=monday, send=False, chunk=2)] * 6)
    assert errors == []
    # 6 creators and 6 sellers, one payout each.
    per_payee = Payout.objects.values_list("payee_type", "payee_id")
    assert len(per_payee) == 12 and len(set(per_payee)) == 12
    assert_ledger_ok()


@pytest.mark.usefixtures("eager")
def test_settlement_racing_refunds_keeps_the_ledger_whole(markets):
    orders = _sales(markets["US"], 6)

    def refund(order):
        line = order.lines.get()
        return lambda: order_refund(order_id=order.pk, lines={line.pk: 1}, reason="race")

    fns = [refund(o) for o in orders] + [lambda: commissions_release(chunk=2)] * 3
    fns += [lambda: settlement_run()] * 2
    errors = _run_together(fns)
    assert errors == []
    assert_ledger_ok()
