"""The shopper's catalog API, listing: who sees which products in which market, the list
item's prices, links and images, search and filters.

Cursors: test_api_catalog_cursors.py; detail and deals: test_api_catalog_detail.py; token
auth and the error envelope: test_api_auth_and_errors.py. The set-up lives in
catalog_api_support.py."""

import io

import pytest
from PIL import Image

from shop.models import Product, ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import (
    CategoryFactory,
    MarketFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
)
from tests.shop import catalog_api_support as support
from tests.shop.catalog_api_support import PRODUCTS, ids

pytestmark = pytest.mark.django_db

api = support.api


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_list_shows_only_active_products_of_active_sellers_in_the_market(api, markets):
    shown = ProductFactory(title="Snail serum")
    ProductFactory(status=ProductStatus.DRAFT)
    ProductFactory(status=ProductStatus.ARCHIVED)
    british = ProductFactory(seller=SellerFactory(market=MarketFactory(code="GB")))
    banned = SellerFactory(is_active=False)
    ProductFactory(seller=banned)

    assert ids(api.get(PRODUCTS)) == [shown.pk]
    assert ids(api.get(PRODUCTS, {"market": "gb"})) == [british.pk]


def test_market_parameter_is_for_anonymous_clients_only(api, markets):
    us = ProductFactory()
    ProductFactory(seller=SellerFactory(market=MarketFactory(code="GB")))
    api.force_authenticate(UserFactory(market=markets["US"]))
    assert ids(api.get(PRODUCTS, {"market": "GB"})) == [us.pk]


def test_unknown_market_is_a_400_with_a_code(api, markets):
    response = api.get(PRODUCTS, {"market": "XX"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_market"


def test_list_item_carries_prices_links_seller_and_images(api, markets):
    category = CategoryFactory(slug="beauty", name="Beauty")
    seller = SellerFactory(slug="glow-co", name="Glow Co")
    product = ProductFactory(
        seller=seller,
        category=category,
        title="Glow serum",
        variants=[
            {"price_minor": 1999, "compare_at_minor": 2999, "stock": 0},
            {"price_minor": 2499, "stock": 0},
        ],
    )
    product_image_add(product=product, data=_jpeg(), filename="front.jpg")
    Product.objects.filter(pk=product.pk).update(sold_count=7)

    [item] = api.get(PRODUCTS).json()["results"]

    assert item["price"] == "19.99"
    assert item["price_minor"] == 1999
    assert item["currency"] == "USD"
    assert item["compare_at_price"] == "29.99"
    assert item["seller"] == {"slug": "glow-co", "name": "Glow Co"}
    assert item["category"] == {"slug": "beauty", "name": "Beauty"}
    assert item["sold_count"] == 7
    assert item["in_stock"] is False
    assert item["url"].startswith("http://testserver/products/")
    assert f"/{product.pk}" in item["url"]
    assert item["image"].startswith("http://testserver/media/products/")
    assert item["thumbnail"].startswith("http://testserver/media/products/")
    assert item["thumbnail"].endswith("-thumb.jpg")


def test_prices_are_in_the_market_currency_without_a_minor_unit_for_yen(api, markets):
    jp = SellerFactory(market=markets["JP"])
    ProductFactory(seller=jp, variants=[{"price_minor": 1500}])
    [item] = api.get(PRODUCTS, {"market": "JP"}).json()["results"]
    assert (item["price"], item["price_minor"], item["currency"]) == ("1500", 1500, "JPY")
    assert item["compare_at_price"] is None
    assert item["image"] is None


def test_search_by_q_or_search_matches_title_description_and_tags(api, markets):
    serum = ProductFactory(title="Glow serum", tags="skincare, vitamin c")
    lamp = ProductFactory(title="Desk lamp", description="A warm glow for reading")
    ProductFactory(title="Mug")
    assert set(ids(api.get(PRODUCTS, {"q": "glow"}))) == {serum.pk, lamp.pk}
    assert ids(api.get(PRODUCTS, {"search": "GLOW vitamin"})) == [serum.pk]
    assert ids(api.get(PRODUCTS, {"q": "nothing-like-this"})) == []


def test_category_and_price_range_filters(api, markets):
    beauty = CategoryFactory(slug="beauty")
    home = CategoryFactory(slug="home")
    cheap = ProductFactory(category=beauty, variants=[{"price_minor": 500}])
    mid = ProductFactory(category=beauty, variants=[{"price_minor": 2500}])
    ProductFactory(category=home, variants=[{"price_minor": 2500}])

    assert set(ids(api.get(PRODUCTS, {"category": "beauty"}))) == {cheap.pk, mid.pk}
    got = ids(api.get(PRODUCTS, {"category": "beauty", "min_price": "5.01"}))
    assert got == [mid.pk]
    assert ids(api.get(PRODUCTS, {"category": "beauty", "max_price": "5"})) == [cheap.pk]
    assert ids(api.get(PRODUCTS, {"category": "no-such-category"})) == []


@pytest.mark.parametrize(("market", "value"), [("US", "1.999"), ("JP", "10.5")])
def test_price_filter_finer_than_the_currency_is_a_field_error(api, markets, market, value):
    response = api.get(PRODUCTS, {"market": market, "min_price": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "min_price" in body["errors"]


def test_negative_price_filter_is_a_field_error(api, markets):
    response = api.get(PRODUCTS, {"max_price": "-1"})
    assert response.status_code == 400
    assert "max_price" in response.json()["errors"]


def test_unknown_sort_is_a_field_error(api, markets):
    response = api.get(PRODUCTS, {"sort": "cheapest"})
    assert response.status_code == 400
    assert "sort" in response.json()["errors"]
