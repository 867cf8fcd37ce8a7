"""Seller center, settlements and payouts: the shop's balances from the ledger, orders
waiting for settlement with the day each becomes available, settled orders, payouts and
their CSV statements; a shop sees only its own money."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.services.commissions import settlement_run
from marketplace.ledger.models import AccountKind
from marketplace.money import percent_of
from shop.models import Payout
from shop.services.payouts import payout_send, payouts_build
from tests.creators.money_support import seller_balance
from tests.factories import SellerFactory, UserFactory
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def url(name, seller, *args):
    return reverse(f"seller:{name}", args=[seller.slug, *args])


@pytest.fixture
def shop(markets):
    """A shop with one order settled and paid out, and one delivered yesterday."""
    us = markets["US"]
    seller = SellerFactory(market=us, slug="glow-lab", name="Glow Lab")
    variant = make_variant(us, seller=seller, price=2000)
    buyer = buyer_in(us)
    (old,) = place_paid(buyer, us, [(variant, 1)], key="old")
    ship_and_deliver(old, now=timezone.now() - timedelta(days=10))
    settlement_run()
    payouts_build(as_of=timezone.localdate(), send=False)
    payout = Payout.objects.get()
    payout_send(payout_id=payout.pk)
    (new,) = place_paid(buyer, us, [(variant, 2)], key="new")
    ship_and_deliver(new, now=timezone.now() - timedelta(days=1))
    return seller, old, new


def test_balances_orders_and_payouts(client, shop, markets):
    seller, old, new = shop
    client.force_login(seller.owner)
    response = client.get(url("money", seller))
    assert response.status_code == 200
    page = response.content.decode()
    fee = percent_of(4000, markets["US"].referral_fee_bp)
    share = 4000 - fee + new.shipping_minor
    assert seller_balance(seller.pk, AccountKind.SELLER_PENDING) == share
    assert response.context["balances"] == [{"currency": "USD", "pending": share, "available": 0}]
    (pending,) = response.context["pending"]
    assert pending == new and pending.seller_share == share
    assert pending.available_on == new.delivered_at + timedelta(days=7)
    assert f"available <strong>{pending.available_on:%-d %b %Y}</strong>" in page
    (settled,) = response.context["settled"]
    assert (
        settled == old
        and settled.seller_share
        == 2000 - percent_of(2000, markets["US"].referral_fee_bp) + old.shipping_minor
    )
    (payout,) = response.context["payouts"]
    assert payout.status == "paid" and payout.amount_minor == settled.seller_share
    assert url("payout-statement", seller, payout.pk) in page


def test_statement_csv_and_another_shops_is_404(client, shop, markets):
    seller, old, _new = shop
    payout = Payout.objects.get()
    client.force_login(seller.owner)
    response = client.get(url("payout-statement", seller, payout.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert old.number in body and "Total paid" in body

    other = SellerFactory(market=markets["US"], slug="other-shop")
    client.force_login(other.owner)
    assert client.get(url("payout-statement", other, payout.pk)).status_code == 404
    # Nor through the first shop's URL: the slug is not theirs.
    assert client.get(url("payout-statement", seller, payout.pk)).status_code == 404
    page = client.get(url("money", other))
    assert page.context["payouts"] == [] and page.context["settled"] == []


def test_money_page_needs_a_shop(client, markets):
    seller = SellerFactory(market=markets["US"], slug="glow-lab")
    assert client.get(url("money", seller)).status_code == 302  # sign in first
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url("money", seller)).status_code == 403


def test_money_page_query_count_is_fixed(client, shop, django_assert_max_num_queries):
    seller, _old, _new = shop
    client.force_login(seller.owner)
    with django_assert_max_num_queries(16):
        assert client.get(url("money", seller)).status_code == 200


def test_nav_links_to_money_and_plans(client, markets):
    seller = SellerFactory(market=markets["US"], slug="glow-lab")
    client.force_login(seller.owner)
    page = client.get(url("products", seller)).content.decode()
    assert url("money", seller) in page
    assert reverse("seller_plans:list", args=[seller.slug]) in page


def test_payout_week_shown(client, shop):
    seller, *_ = shop
    client.force_login(seller.owner)
    page = client.get(url("money", seller)).content.decode()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert isinstance(monday, date)
    assert f"Week of {monday:%-d %b %Y}" in page
