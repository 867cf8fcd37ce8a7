"""The base layout and the sign-in pages: the tab bar for a guest, the Me menu for a
signed-in seller, the market picker, and labelled log-in and sign-up forms."""

import re

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, SellerFactory, UserFactory
from tests.shop import storefront_support as support
from tests.shop.storefront_support import titles

pytestmark = pytest.mark.django_db

markets = support.markets


def test_tab_bar_for_a_guest(client, markets):
    html = client.get("/shop/").content.decode()
    assert '<nav class="tabbar" aria-label="Main">' in html
    assert re.search(r'<a class="tab" href="/shop/" aria-current="page">', html)
    assert 'href="/accounts/login/?next=/shop/"' in html
    assert '<label for="market-picker">Market</label>' in html
    assert f'action="{reverse("set-market")}"' in html
    assert "Log out" not in html


def test_me_menu_for_a_signed_in_seller(client, markets):
    user = UserFactory(username="maya")
    client.force_login(user)
    html = client.get("/shop/").content.decode()
    assert "Signed in as <strong>maya</strong>" in html
    assert f'action="{reverse("logout")}"' in html
    assert "Seller center" not in html

    SellerFactory(owner=user)
    assert 'href="/seller/">Seller center</a>' in client.get("/shop/").content.decode()


def test_market_picker_switches_the_shop(client, markets):
    ProductFactory(title="British serum", seller=SellerFactory(market=markets["GB"]))
    response = client.post(reverse("set-market"), {"market": "GB", "next": "/shop/"})
    assert response["Location"] == "/shop/"
    assert titles(client.get("/shop/")) == ["British serum"]


def test_login_and_signup_pages_have_labelled_fields(client, markets):
    html = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    html = client.get(reverse("signup")).content.decode()
    assert '<label for="id_email">Email</label>' in html

    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert "Please enter a correct username and password" in response.content.decode()

    UserFactory(username="maya")
    response = client.post(
        reverse("login"), {"username": "maya", "password": "pass-12345", "next": "/shop/"}
    )
    assert response["Location"] == "/shop/"
