"""Helpers for the after-the-sale tests: paid orders placed through the real checkout,
with Celery eager and on-commit work run as it would be after a commit."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.test import TestCase

from shop.models import Order
from shop.payments import CardDetails
from shop.services.checkout import Address, LineRequest, checkout_place
from tests.factories import ProductFactory, SellerFactory, UserFactory, ensure_markets

GOOD = CardDetails("4242424242424242", 12, 2030, "123")
ADDRESS = {
    "US": Address("Ada Shopper", "1 Main St", "Springfield", "12345", "US"),
    "JP": Address("Hanako Yamada", "1-2-3 Shibuya", "Tokyo", "150-0002", "JP"),
}


@pytest.fixture
def markets():
    markets = ensure_markets()
    markets["US"].shipping_standard_minor = 499
    markets["US"].save()
    markets["JP"].shipping_standard_minor = 500
    markets["JP"].save()
    return markets


@contextmanager
def committed():
    """Run what would run after commit (outbox delivery, emails) at the end of the block."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def make_variant(market, *, seller=None, price=1000, stock=10):
    seller = seller or SellerFactory(market=market)
    product = ProductFactory(seller=seller, variants=[{"price_minor": price, "stock": stock}])
    return product.variants.get()


def buyer_in(market, username="buyer"):
    return UserFactory(username=username, market=market)


def place_paid(buyer, market, lines, *, key="k1") -> list[Order]:
    """Check out ``lines`` [(variant, quantity)] and let the pipeline mark them paid."""
    with committed():
        checkout = checkout_place(
            buyer=buyer,
            market=market,
            lines=[LineRequest(v.pk, q) for v, q in lines],
            address=ADDRESS.get(market.code, ADDRESS["US"]),
            shipping_option="standard",
            card=GOOD,
            idempotency_key=key,
        )
    return list(Order.objects.filter(checkout=checkout).order_by("pk"))


def ship_and_deliver(order, *, now=None):
    from shop.services.fulfilment import order_deliver, order_ship

    owner = order.seller.owner
    with committed():
        order_ship(order_id=order.pk, actor=owner, carrier="UPS", tracking_number="1Z999")
        order_deliver(order_id=order.pk, actor=owner, now=now)
    order.refresh_from_db()
    return order
