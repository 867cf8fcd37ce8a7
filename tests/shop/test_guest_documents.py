"""Guests' pages come whole from the cache (shop.documents): what differs between guests
(CSRF token, cart badge, messages) is filled per request, signed-in visitors get their own
menu, and the document follows every change of what it shows."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from marketplace.markets import markets_by_code
from shop import cache as catalog_cache
from shop import documents
from shop.models import Product, Seller
from shop.services.catalog import product_update, variant_update
from tests.factories import CategoryFactory, ProductFactory, UserFactory, ensure_markets

pytestmark = pytest.mark.django_db


@pytest.fixture
def markets():
    found = ensure_markets()
    markets_by_code()
    return found


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.mark.parametrize("path", ["/shop/", "/shop/?q=lamp", "product"])
def test_each_guest_gets_their_own_token_and_no_marks(client, markets, path):
    product = ProductFactory(title="Lamp")
    url = product.get_absolute_url() if path == "product" else path
    first = client.get(url).content.decode()
    second = Client().get(url).content.decode()  # from the cache, another browser
    assert "Lamp" in first and "Lamp" in second
    for html in (first, second):
        assert documents.CSRF_MARK not in html and "doc-messages" not in html
        assert "<!--pd-" not in html
        assert len(csrf_tokens(html)) == 1
    assert csrf_tokens(first) != csrf_tokens(second)


def test_a_guest_with_a_cart_sees_their_count(client, markets):
    product = ProductFactory(title="Lamp", variants=[{"stock": 9}])
    client.get(product.get_absolute_url())  # cached for guests
    assert documents.EMPTY_BADGE in Client().get(product.get_absolute_url()).content.decode()
    variant = product.variants.get()
    client.post(reverse("cart-add"), {"variant": variant.pk, "quantity": 2})
    for url in (product.get_absolute_url(), "/shop/", "/shop/?q=lamp"):
        html = client.get(url).content.decode()
        assert documents.BADGE.format(2) in html, url
        assert documents.EMPTY_BADGE not in html


def test_messages_reach_the_guest_who_has_them_only(client, markets):
    product = ProductFactory(title="Lamp", variants=[{"stock": 9}])
    Client().get("/shop/")  # another guest's visit fills the cache
    variant = product.variants.get()
    client.post(reverse("cart-add"), {"variant": variant.pk, "quantity": 1})
    html = client.get("/shop/").content.decode()
    assert 'class="messages"' in html
    assert 'class="messages"' not in Client().get("/shop/").content.decode()


def test_signed_in_visitors_get_their_own_menu(client, markets):
    product = ProductFactory(title="Lamp")
    for url in ("/shop/", "/shop/?q=lamp", product.get_absolute_url()):
        assert "Log in" in Client().get(url).content.decode()  # guest document cached
        user = UserFactory(username=f"maya{len(url)}")
        signed_in = Client()
        signed_in.force_login(user)
        html = signed_in.get(url).content.decode()
        assert f"Signed in as <strong>{user.username}</strong>" in html
        assert "?next=" not in html.split('<main id="main">')[0]


def test_guest_documents_follow_price_and_title(client, markets):
    product = ProductFactory(title="Lamp", variants=[{"price_minor": 1000}])
    urls = ("/shop/", "/shop/?q=lamp", product.get_absolute_url())
    for url in urls:
        assert "$10.00" in client.get(url).content.decode()
    variant_update(variant=product.variants.get(), price_minor=1250)
    product_update(product=product, title="Lamp deluxe")
    for url in urls:
        html = client.get(url, follow=True).content.decode()  # a new title: a new slug
        assert "$12.50" in html and "Lamp deluxe" in html, url


# ---------- searches under the listing generation (shop.cache.listing_generation) ----------


@pytest.mark.redis  # the listing generation lives in Redis only
def test_a_guest_search_is_served_without_a_query(client, markets, django_assert_num_queries):
    ProductFactory(title="Lamp")
    assert titles(client.get("/shop/?q=lamp")) == ["Lamp"]
    with django_assert_num_queries(0):
        assert titles(Client().get("/shop/?q=lamp")) == ["Lamp"]


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', response.content.decode())


def test_a_cached_search_follows_every_kind_of_write(client, markets):
    lamp = ProductFactory(title="Lamp", sold_count=5)
    search = "/shop/?q=lamp"
    assert titles(client.get(search)) == ["Lamp"]

    other = ProductFactory(title="Desk lamp", sold_count=1)  # a new match (a save)
    assert titles(client.get(search)) == ["Lamp", "Desk lamp"]

    Product.objects.filter(pk=other.pk).update(sold_count=9)  # a bulk write, no signal
    assert titles(client.get(search)) == ["Desk lamp", "Lamp"]

    product_update(product=lamp, title="Floor light")  # no longer matches
    assert titles(client.get(search)) == ["Desk lamp"]

    Seller.objects.filter(pk=other.seller_id).update(is_active=False)  # the admin action
    assert titles(client.get(search)) == []


@pytest.mark.redis  # the listing generation lives in Redis only
def test_a_search_written_inside_a_transaction_moves_again_on_commit(markets, monkeypatch):
    """A page cached between a write and its commit would hold the old rows under the new
    generation: the commit moves it once more."""
    before = catalog_cache.listing_generation()
    with transaction.atomic():
        ProductFactory(title="Lamp")
        during = catalog_cache.listing_generation()
    assert before != during
    # pytest-django's transaction never commits; run what would run at commit.
    monkeypatch.setattr(transaction, "on_commit", lambda f: f())
    catalog_cache.listing_changed()
    assert catalog_cache.listing_generation() not in (before, during)


@pytest.mark.redis  # the listing generation lives in Redis only
def test_category_and_seller_saves_move_the_generation(markets):
    """Category names (held 60 s on their own) and sellers are part of what a listing
    shows or filters by."""
    category = CategoryFactory(slug="lights", name="Lights")
    product = ProductFactory(title="Lamp", category=category)
    before = catalog_cache.listing_generation()
    category.name = "Lamps and lights"
    category.save()
    after_category = catalog_cache.listing_generation()
    seller = Seller.objects.get(pk=product.seller_id)
    seller.is_active = False
    seller.save()
    assert len({before, after_category, catalog_cache.listing_generation()}) == 3
