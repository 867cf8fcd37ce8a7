"""The catalog caches (shop.cache) never show a price, stock, deal, title or status older
than the write that changed it: every write path bumps the product's version, and the
next read, with the cache on, shows the change."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from shop import cache as catalog_cache
from shop.models import Deal, ProductStatus, Seller, StockHold, Variant
from shop.services.catalog import (
    product_image_add,
    product_set_stock,
    product_update,
    variant_update,
)
from shop.services.stock import holds_release, stock_restore
from tests.factories import DealFactory, ProductFactory, SellerFactory
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, place_paid

pytestmark = pytest.mark.django_db(transaction=True)

markets = orders_support.markets


def api_variant(product) -> dict:
    response = APIClient().get(f"/api/products/{product.pk}/")
    assert response.status_code == 200
    return response.json()["variants"][0]


def page(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def product(markets):
    p = ProductFactory(title="Lamp", variants=[{"price_minor": 1000, "stock": 8}])
    DealFactory(variant=p.variants.get(), price_minor=700, quantity_cap=10)
    return p


def test_a_paid_checkout_shows_new_stock_deal_units_and_sold_count(
    client,
    product,
    markets,
    eager,
):
    assert api_variant(product)["stock"] == 8
    assert "Only" not in page(client, product)
    assert api_variant(product)["stock"] == 8  # from the cache this time

    place_paid(buyer_in(markets["US"]), markets["US"], [(product.variants.get(), 3)])

    offer = api_variant(product)
    assert offer["stock"] == 5 and offer["deal"]["remaining"] == 7
    html = page(client, product)
    assert "Only 5 left" in html and "3 sold" in html


def test_released_holds_and_restored_stock_show_at_once(client, product, markets, eager):
    place_paid(buyer_in(markets["US"]), markets["US"], [(product.variants.get(), 3)])
    assert api_variant(product)["stock"] == 5
    assert "Only 5 left" in page(client, product)

    # A hold that is still open (payment never came) is released.
    StockHold.objects.update(converted_at=None)
    holds_release(holds=list(StockHold.objects.all()))
    offer = api_variant(product)
    assert offer["stock"] == 8 and offer["deal"]["remaining"] == 10
    assert "Only" not in page(client, product)

    product_set_stock(product=product, stock_by_variant_id={product.variants.get().pk: 2})
    assert api_variant(product)["stock"] == 2
    stock_restore(variant_id=product.variants.get().pk, quantity=1)
    assert api_variant(product)["stock"] == 3
    assert "Only 3 left" in page(client, product)


def test_seller_edits_show_at_once(client, product):
    assert api_variant(product)["regular_price"] == "10.00"
    page(client, product)

    variant_update(variant=product.variants.get(), price_minor=1200)
    assert api_variant(product)["regular_price"] == "12.00"
    assert "$12.00" in page(client, product)

    product_update(product=product, title="Desk lamp")
    assert "Desk lamp" in page(client, product)
    assert APIClient().get(f"/api/products/{product.pk}/").json()["title"] == "Desk lamp"

    product_image_add(product=product, source_url="https://img.example.com/new.jpg")
    assert "https://img.example.com/new.jpg" in page(client, product)

    product_update(product=product, status=ProductStatus.DRAFT)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert APIClient().get(f"/api/products/{product.pk}/").status_code == 404


def test_deal_changes_from_anywhere_show_at_once(client, product):
    assert api_variant(product)["price"] == "7.00"
    assert "$7.00" in page(client, product)

    deal = Deal.objects.get()
    deal.price_minor = 650  # what the admin's and the seller center's forms do
    deal.save()
    assert api_variant(product)["price"] == "6.50"
    assert "$6.50" in page(client, product)

    Deal.objects.all().delete()  # the admin's bulk delete
    assert api_variant(product)["deal"] is None
    assert "$6.50" not in page(client, product)

    DealFactory(variant=product.variants.get(), price_minor=500)
    assert api_variant(product)["price"] == "5.00"


def test_a_deal_starting_or_ending_is_not_served_stale(client, product, monkeypatch):
    Deal.objects.update(starts_at=timezone.now() + timedelta(hours=1))  # no signal, no bump
    catalog_cache.bump_products(product_ids=[product.pk])
    assert api_variant(product)["deal"] is None
    assert "$7.00" not in page(client, product)

    # An hour later the cached renderings have passed their validity; no write happened.
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(catalog_cache.time, "time", lambda: later.timestamp())
    assert api_variant(product)["price"] == "7.00"
    assert "$7.00" in page(client, product)


def test_a_deactivated_seller_hides_the_product_at_once(client, product):
    page(client, product)
    api_variant(product)
    Seller.objects.filter(pk=product.seller_id).update(is_active=False)  # the admin action
    assert client.get(product.get_absolute_url()).status_code == 404
    assert APIClient().get(f"/api/products/{product.pk}/").status_code == 404


def test_seller_name_is_part_of_the_version(client, product):
    assert "Sold by" in page(client, product)
    Seller.objects.filter(pk=product.seller_id).update(name="Renamed shop")
    assert "Renamed shop" in page(client, product)


def test_per_viewer_parts_are_not_cached(client, product):
    first = page(client, product)
    other = page(client.__class__(), product)  # another browser, another CSRF token
    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[1][:20] != other.split(token)[1][:20]
    assert "__pd_" not in first and "<!--pd-" not in first
    variant = product.variants.get()
    html = client.get(f"{product.get_absolute_url()}?variant={variant.pk}").content.decode()
    assert f'name="next" value="{product.get_absolute_url()}?variant={variant.pk}"' in html


def test_the_version_ignores_other_markets(client, product, markets):
    gb = ProductFactory(seller=SellerFactory(market=markets["GB"]))
    assert catalog_cache.product_version(gb.pk, "US") is None
    assert catalog_cache.product_version(product.pk, "US") is not None
    assert set(catalog_cache.product_versions([gb.pk, product.pk], "GB")) == {gb.pk}


def test_stock_edit_by_variant_save_elsewhere_is_caught_by_the_summary(client, product):
    """Variant rows changed outside the services still need product_refresh_summary, which
    every path (admin, seller center, importer) calls; it bumps the version."""
    page(client, product)
    Variant.objects.update(stock=1)
    from shop.services.catalog import product_refresh_summary

    product_refresh_summary(product=product)
    assert "Only 1 left" in page(client, product)


def test_markets_are_held_in_the_process_and_a_save_clears_them(markets, monkeypatch):
    from marketplace import markets as market_lookup

    monkeypatch.setattr(market_lookup, "LOCAL_TTL_S", 30)
    monkeypatch.setattr(market_lookup, "_local", (0.0, {}))
    assert market_lookup.markets_by_code()["US"].shipping_standard_minor == 499
    us = markets["US"]
    us.shipping_standard_minor = 555
    us.save()  # the post_save signal clears this process's copy
    assert market_lookup.markets_by_code()["US"].shipping_standard_minor == 555


def test_a_product_without_deals_is_served_from_the_cache(
    client, markets, django_assert_num_queries
):
    plain = ProductFactory(variants=[{"stock": 3}])
    page(client, plain)
    api_variant(plain)
    # The version check; none with Redis, where the version is remembered under the
    # listing generation (shop.cache.versioned_get).
    expected = 0 if settings.REDIS_URL else 1
    with django_assert_num_queries(expected):
        page(client, plain)
    with django_assert_num_queries(expected):
        api_variant(plain)


def shop(client) -> str:
    response = client.get("/shop/")
    assert response.status_code == 200
    return response.content.decode()


def test_cards_and_the_deals_strip_follow_every_write(client, product, markets, eager):
    html = shop(client)
    assert "Lamp" in html and "$7.00" in html  # card and deal strip

    variant_update(variant=product.variants.get(), price_minor=1500)
    html = shop(client)
    assert "$15.00" in html  # the card's price and the strip's regular price

    place_paid(buyer_in(markets["US"]), markets["US"], [(product.variants.get(), 8)])
    html = shop(client)
    assert "Sold out" in html and "8 sold" in html

    deal = Deal.objects.get()
    deal.price_minor = 650
    deal.save()
    assert "$6.50" in shop(client)

    product_update(product=product, title="Desk lamp")
    assert "Desk lamp" in shop(client)
    product_image_add(product=product, source_url="https://img.example.com/card.jpg")
    assert "https://img.example.com/card.jpg" in shop(client)

    product_update(product=product, status=ProductStatus.ARCHIVED)
    assert "Desk lamp" not in shop(client)


def test_a_deal_ending_leaves_the_strip_without_a_write(client, product, monkeypatch):
    assert "Deals of the day" in shop(client)
    later = timezone.now() + timedelta(hours=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(catalog_cache.time, "time", lambda: later.timestamp())
    assert "Deals of the day" not in shop(client)
