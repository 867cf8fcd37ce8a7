"""Affiliate links /r/<code>/<product_id>/: a tap for the creator (the signed-in shopper's,
or the visitor cookie's until they sign in), then the product page; a purchase after it
earns the creator their commission."""

import uuid

import pytest
from django.urls import reverse

from creators.models import Commission, ProductTap, TapSource
from shop.models import ProductStatus
from tests.creators.money_support import assert_ledger_ok, make_creator
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def link(creator, product):
    return reverse("affiliate-link", args=[creator.affiliate_code, product.pk])


@pytest.fixture
def variant(us):
    v = make_variant(us, price=3000)
    v.product.commission_rate_bp = 1000
    v.product.save()
    return v


def test_signed_in_tap_attributes_the_purchase(client, us, variant):
    casey, buyer = make_creator(us), buyer_in(us)
    client.force_login(buyer)
    response = client.get(link(casey, variant.product))
    assert response.status_code == 302
    assert response["Location"] == variant.product.get_absolute_url()
    tap = ProductTap.objects.get()
    assert (tap.user, tap.creator, tap.source, tap.video) == (
        buyer,
        casey,
        TapSource.AFFILIATE_LINK,
        None,
    )
    (order,) = place_paid(buyer, us, [(variant, 1)])
    c = Commission.objects.get()
    assert (c.creator, c.order, c.tap, c.amount_minor) == (casey, order, tap, 300)
    assert_ledger_ok()


def test_anonymous_tap_gets_the_visitor_cookie_and_is_claimed_on_sign_in(client, us, variant):
    casey, buyer = make_creator(us), buyer_in(us)
    buyer.set_password("pass-1234-word")
    buyer.save()
    response = client.get(link(casey, variant.product))
    assert response.status_code == 302
    visitor = response.cookies["vid"].value
    assert uuid.UUID(visitor) and response.cookies["vid"]["httponly"]
    tap = ProductTap.objects.get()
    assert tap.user is None and tap.visitor_id == visitor
    # The same browser keeps its id.
    client.get(link(casey, variant.product))
    assert set(ProductTap.objects.values_list("visitor_id", flat=True)) == {visitor}
    client.post(reverse("login"), {"username": buyer.username, "password": "pass-1234-word"})
    assert ProductTap.objects.filter(user=buyer).count() == 2
    place_paid(buyer, us, [(variant, 1)])
    assert Commission.objects.get().creator == casey


@pytest.mark.parametrize("case", ["unknown code", "inactive creator", "draft", "inactive shop"])
def test_dead_links_are_404(client, us, variant, case):
    casey = make_creator(us)
    product = variant.product
    code = casey.affiliate_code
    if case == "unknown code":
        code = "nosuchcode"
    elif case == "inactive creator":
        casey.is_active = False
        casey.save()
    elif case == "draft":
        product.status = ProductStatus.DRAFT
        product.save()
    else:
        product.seller.is_active = False
        product.seller.save()
    response = client.get(reverse("affiliate-link", args=[code, product.pk]))
    assert response.status_code == 404
    assert not ProductTap.objects.exists()


def test_own_link_earns_nothing(client, us, variant):
    casey = make_creator(us)
    client.force_login(casey.user)
    client.get(link(casey, variant.product))
    place_paid(casey.user, us, [(variant, 1)])
    assert not Commission.objects.exists()


def test_a_creator_sees_their_link_on_the_product_page(client, us, variant):
    casey = make_creator(us)
    product = variant.product
    client.force_login(casey.user)
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Your affiliate link" in page
    assert f"http://testserver{link(casey, product)}" in page
    # A shopper does not, nor a guest.
    client.force_login(buyer_in(us))
    assert "Your affiliate link" not in client.get(product.get_absolute_url()).content.decode()
    client.logout()
    assert "Your affiliate link" not in client.get(product.get_absolute_url()).content.decode()


def test_no_link_for_a_product_of_another_market(client, us, markets):
    casey = make_creator(us)
    jp_product = make_variant(markets["JP"], price=1000).product
    client.force_login(casey.user)
    assert "Your affiliate link" not in client.get(jp_product.get_absolute_url()).content.decode()
