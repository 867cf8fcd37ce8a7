"""A shopper buys in a real browser: product page → Add to cart → Checkout → Place order."""

import re

import pytest
from playwright.sync_api import expect

from shop.models import Order, OrderStatus, Variant
from tests.factories import ProductFactory, SellerFactory, UserFactory, ensure_markets

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager"),
]


@pytest.fixture
def shop():
    markets = ensure_markets()
    UserFactory(username="shopper", email="shopper@example.com", market=markets["US"])
    return ProductFactory(
        seller=SellerFactory(name="GlowLab"),
        title="Snail mucin serum",
        variants=[{"price_minor": 1299, "stock": 4}],
    )


def _sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("shopper")
    page.get_by_label("Password").fill("pass-12345")
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()


def test_add_to_cart_checkout_place_order_thank_you(live_server, page, shop):
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}{shop.get_absolute_url()}")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name=re.compile(r"^Cart")).first.click()

    expect(page.get_by_role("heading", name=re.compile("Your cart"))).to_be_visible()
    page.get_by_role("link", name="Checkout").click()

    page.get_by_label("Full name").fill("Ada Shopper")
    page.get_by_label("Address").fill("1 Main St")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Postal code").fill("12345")
    expect(page.get_by_label("Country")).to_have_value("US")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/31")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    order = Order.objects.get()
    expect(page.get_by_text(f"Order #{order.number}")).to_be_visible()
    assert order.status == OrderStatus.PAID
    assert Variant.objects.get(product=shop).stock == 3


def test_a_declined_card_shows_why_and_charges_nothing(live_server, page, shop):
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}{shop.get_absolute_url()}")
    page.get_by_role("button", name="Buy now").click()

    page.get_by_label("Full name").fill("Ada Shopper")
    page.get_by_label("Address").fill("1 Main St")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_label("Expiry (MM/YY)").fill("12/31")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("Full name")).to_have_value("Ada Shopper")
    assert not Order.objects.filter(status=OrderStatus.PAID).exists()
    assert Variant.objects.get(product=shop).stock == 4
