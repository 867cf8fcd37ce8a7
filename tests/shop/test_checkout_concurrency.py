"""Many buyers, few units: run on PostgreSQL with real row locks and real threads."""

import threading

import pytest
from django.db import connection, connections

from shop.errors import InsufficientStock
from shop.models import Order, OrderStatus, StockHold, Variant
from shop.payments import CardDetails
from shop.services.checkout import Address, LineRequest, checkout_place
from tests.factories import ProductFactory, UserFactory, ensure_markets

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager"),
]

CARD = CardDetails("4242424242424242", 12, 2030, "123")
ADDRESS = Address("Buyer", "1 Main St", "Springfield", "12345", "US")


def _race(buyers, variant_ids, round_no):
    barrier = threading.Barrier(len(buyers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(i, buyer):
        try:
            barrier.wait()
            checkout_place(
                buyer=buyer,
                market=buyer.market,
                # Alternate the line order so lock ordering is what prevents deadlocks.
                lines=[LineRequest(v, 1) for v in (variant_ids if i % 2 else variant_ids[::-1])],
                address=ADDRESS,
                shipping_option="standard",
                card=CARD,
                idempotency_key=f"r{round_no}-b{i}",
            )
            result = "ok"
        except InsufficientStock:
            result = "insufficient_stock"
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=buy, args=(i, b)) for i, b in enumerate(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_fifty_buyers_for_the_last_five_units_twenty_times():
    assert connection.vendor == "postgresql"
    markets = ensure_markets()
    buyers = [UserFactory(username=f"racer{i}", market=markets["US"]) for i in range(50)]
    for round_no in range(20):
        a = ProductFactory(variants=[{"stock": 5}]).variants.get()
        b = ProductFactory(variants=[{"stock": 50}]).variants.get()
        outcomes = _race(buyers, [a.pk, b.pk], round_no)
        assert sorted(set(outcomes)) == ["insufficient_stock", "ok"], outcomes
        assert outcomes.count("ok") == 5, round_no
        assert outcomes.count("insufficient_stock") == 45
        assert Variant.objects.get(pk=a.pk).stock == 0
        assert Variant.objects.get(pk=b.pk).stock == 45
        paid = Order.objects.filter(lines__variant=a, status=OrderStatus.PAID).distinct()
        assert paid.count() == 5
    assert not StockHold.objects.filter(released_at__isnull=True, converted_at__isnull=True)
