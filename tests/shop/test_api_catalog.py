"""The shopper's catalog API: visibility, filters, keyset cursors, query counts, deals,
token auth and the error envelope."""

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from shop.models import Product, ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import (
    CategoryFactory,
    DealFactory,
    MarketFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
    ensure_markets,
)

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/products/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory seller has an owner; PBKDF2 would make each cost most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def markets():
    return ensure_markets()


@pytest.fixture
def api():
    return APIClient()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 90)).save(out, format="JPEG")
    return out.getvalue()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def _walk(api, url: str, *, direction: str = "next") -> tuple[list[list[int]], str | None]:
    """Follow ``next`` (or ``previous``) links to the end; the pages and the last URL."""
    pages, last = [], None
    while url:
        body = api.get(url).json()
        pages.append([item["id"] for item in body["results"]])
        last, url = url, body[direction]
        assert len(pages) < 100, "cursor loop"
    return pages, last


# Visibility and market -------------------------------------------------------------------


def test_list_shows_only_active_products_of_active_sellers_in_the_market(api, markets):
    shown = ProductFactory(title="Snail serum")
    ProductFactory(status=ProductStatus.DRAFT)
    ProductFactory(status=ProductStatus.ARCHIVED)
    british = ProductFactory(seller=SellerFactory(market=MarketFactory(code="GB")))
    banned = SellerFactory(is_active=False)
    ProductFactory(seller=banned)

    assert _ids(api.get(PRODUCTS)) == [shown.pk]
    assert _ids(api.get(PRODUCTS, {"market": "gb"})) == [british.pk]


def test_market_parameter_is_for_anonymous_clients_only(api, markets):
    us = ProductFactory()
    ProductFactory(seller=SellerFactory(market=MarketFactory(code="GB")))
    api.force_authenticate(UserFactory(market=markets["US"]))
    assert _ids(api.get(PRODUCTS, {"market": "GB"})) == [us.pk]


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


# Search and filters ----------------------------------------------------------------------


def test_search_by_q_or_search_matches_title_description_and_tags(api, markets):
    serum = ProductFactory(title="Glow serum", tags="skincare, vitamin c")
    lamp = ProductFactory(title="Desk lamp", description="A warm glow for reading")
    ProductFactory(title="Mug")
    assert set(_ids(api.get(PRODUCTS, {"q": "glow"}))) == {serum.pk, lamp.pk}
    assert _ids(api.get(PRODUCTS, {"search": "GLOW vitamin"})) == [serum.pk]
    assert _ids(api.get(PRODUCTS, {"q": "nothing-like-this"})) == []


def test_category_and_price_range_filters(api, markets):
    beauty = CategoryFactory(slug="beauty")
    home = CategoryFactory(slug="home")
    cheap = ProductFactory(category=beauty, variants=[{"price_minor": 500}])
    mid = ProductFactory(category=beauty, variants=[{"price_minor": 2500}])
    ProductFactory(category=home, variants=[{"price_minor": 2500}])

    assert set(_ids(api.get(PRODUCTS, {"category": "beauty"}))) == {cheap.pk, mid.pk}
    got = _ids(api.get(PRODUCTS, {"category": "beauty", "min_price": "5.01"}))
    assert got == [mid.pk]
    assert _ids(api.get(PRODUCTS, {"category": "beauty", "max_price": "5"})) == [cheap.pk]
    assert _ids(api.get(PRODUCTS, {"category": "no-such-category"})) == []


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


# Cursor pagination -----------------------------------------------------------------------


@pytest.fixture
def catalog_with_ties(markets):
    """13 products whose sort keys tie in groups, so only the id breaks ties."""
    now = timezone.now()
    products = []
    for i in range(13):
        p = ProductFactory(variants=[{"price_minor": 1000 + 100 * (i % 3)}])
        Product.objects.filter(pk=p.pk).update(
            sold_count=[0, 0, 0, 5, 5, 9][i % 6],
            created_at=now - timedelta(hours=i // 3),
        )
        products.append(p)
    return list(Product.objects.filter(pk__in=[p.pk for p in products]))


EXPECTED_ORDER = {
    "popular": lambda p: (-p.sold_count, -p.pk),
    "newest": lambda p: (-p.created_at.timestamp(), -p.pk),
    "price_asc": lambda p: (p.price_minor, p.pk),
    "price_desc": lambda p: (-p.price_minor, -p.pk),
}


@pytest.mark.parametrize("sort", list(EXPECTED_ORDER))
def test_every_sort_pages_through_all_items_without_repeats_or_skips(api, catalog_with_ties, sort):
    expected = [p.pk for p in sorted(catalog_with_ties, key=EXPECTED_ORDER[sort])]

    pages, last = _walk(api, f"{PRODUCTS}?sort={sort}&page_size=4")

    assert [len(p) for p in pages] == [4, 4, 4, 1]
    assert [pk for page in pages for pk in page] == expected

    # And back again with the previous links, page for page.
    back, _ = _walk(api, api.get(last).json()["previous"], direction="previous")
    assert back == pages[-2::-1]


def test_default_sort_is_popular(api, catalog_with_ties):
    expected = [p.pk for p in sorted(catalog_with_ties, key=EXPECTED_ORDER["popular"])]
    assert _ids(api.get(PRODUCTS, {"page_size": 50})) == expected


def test_first_page_has_no_previous_and_last_has_no_next(api, catalog_with_ties):
    first = api.get(PRODUCTS, {"page_size": 10}).json()
    assert first["previous"] is None and first["next"]
    last = api.get(first["next"]).json()
    assert len(last["results"]) == 3
    assert last["next"] is None and last["previous"]


def test_cursor_keeps_the_filters_of_the_request(api, markets):
    beauty = CategoryFactory(slug="beauty")
    mine = {ProductFactory(category=beauty).pk for _ in range(5)}
    ProductFactory.create_batch(5)
    pages, _ = _walk(api, f"{PRODUCTS}?category=beauty&page_size=2")
    assert {pk for page in pages for pk in page} == mine


def test_a_tampered_cursor_or_one_from_another_sort_is_a_400(api, catalog_with_ties):
    next_url = api.get(PRODUCTS, {"sort": "newest", "page_size": 2}).json()["next"]
    cursor = parse_qs(urlparse(next_url).query)["cursor"][0]

    for bad in ["not-a-cursor!", "eyJrIjoxfQ", cursor[:-3]]:
        response = api.get(PRODUCTS, {"sort": "newest", "cursor": bad})
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid_cursor"
    response = api.get(PRODUCTS, {"sort": "price_asc", "cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


# Query counts ----------------------------------------------------------------------------


def _rich_catalog(n: int) -> None:
    for i in range(n):
        seller = SellerFactory()
        p = ProductFactory(
            seller=seller,
            category=CategoryFactory(slug=f"cat-{i % 4}"),
            variants=[{"price_minor": 1000 + i}, {"price_minor": 2000}, {"price_minor": 3000}],
        )
        product_image_add(product=p, source_url=f"https://img.example.com/{i}-a.jpg")
        product_image_add(product=p, source_url=f"https://img.example.com/{i}-b.jpg")


def _count(api, url: str, params: dict) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_listing_query_count_is_pinned_and_does_not_grow_with_page_size(
    api, markets, django_assert_max_num_queries
):
    _rich_catalog(55)
    api.get(PRODUCTS)  # the markets lookup is cached after the first request

    # One query for the page, one for the images of the whole page.
    with django_assert_max_num_queries(2):
        small = api.get(PRODUCTS, {"page_size": 5})
    with django_assert_max_num_queries(2):
        large = api.get(PRODUCTS, {"page_size": 50, "q": "product", "sort": "price_desc"})
    assert len(small.json()["results"]) == 5
    assert len(large.json()["results"]) == 50

    n_small, _ = _count(api, PRODUCTS, {"page_size": 5, "cursor": _cursor(small)})
    n_large, _ = _count(api, PRODUCTS, {"page_size": 50})
    assert n_small == n_large


def _cursor(response) -> str:
    return parse_qs(urlparse(response.json()["next"]).query)["cursor"][0]


def test_detail_and_deals_query_counts_do_not_grow_with_variants_or_images(
    api, markets, django_assert_max_num_queries
):
    small = ProductFactory(variants=[{}])
    big = ProductFactory(variants=[{"sku": f"B-{i}"} for i in range(12)])
    for i in range(6):
        product_image_add(product=big, source_url=f"https://img.example.com/{i}.jpg")
    for variant in big.variants.all()[:5]:
        DealFactory(variant=variant)
    DealFactory(variant=small.variants.get())
    api.get(PRODUCTS)

    # Rendering: the version (visibility) check; product with seller, market and category;
    # images; variants; their live deals; the product's next deal boundary.
    cache.clear()
    api.get(PRODUCTS)  # markets again
    with django_assert_max_num_queries(6):
        api.get(f"{PRODUCTS}{big.pk}/")
    # Served from the cache: the version check only.
    with django_assert_max_num_queries(1):
        api.get(f"{PRODUCTS}{big.pk}/")
    cache.clear()
    api.get(PRODUCTS)
    assert (
        _count(api, f"{PRODUCTS}{small.pk}/", {})[0] == _count(api, f"{PRODUCTS}{big.pk}/", {})[0]
    )
    # Deals with variant, product and market; the products' images.
    with django_assert_max_num_queries(2):
        response = api.get("/api/deals/")
    assert len(response.json()["results"]) == 6
    assert _count(api, "/api/deals/", {"page_size": 1})[0] == _count(api, "/api/deals/", {})[0]


# Detail ----------------------------------------------------------------------------------


def test_detail_has_variants_with_live_deal_prices_images_and_seller(api, markets):
    product = ProductFactory(
        title="Linen shirt",
        description="Breathable.",
        tags="summer, linen",
        option_names=["Size"],
        seller=SellerFactory(slug="linen-house", name="Linen House"),
        variants=[
            {"sku": "S", "options": {"Size": "S"}, "price_minor": 4000, "stock": 3},
            {"sku": "M", "options": {"Size": "M"}, "price_minor": 4000, "compare_at_minor": 5000},
            {"sku": "L", "options": {"Size": "L"}, "price_minor": 4500, "stock": 0},
        ],
    )
    small, medium, large = product.variants.order_by("position")
    deal = DealFactory(variant=small, price_minor=2999, quantity_cap=10, quantity_sold=4)
    DealFactory(variant=medium, ends_at=timezone.now() - timedelta(minutes=1))  # expired
    product_image_add(product=product, source_url="https://img.example.com/shirt.jpg", alt="Front")

    body = api.get(f"{PRODUCTS}{product.pk}/").json()

    assert body["title"] == "Linen shirt"
    assert body["description"] == "Breathable."
    assert body["tags"] == ["summer", "linen"]
    assert body["option_names"] == ["Size"]
    assert body["seller"] == {"slug": "linen-house", "name": "Linen House"}
    assert body["images"][0]["url"] == "https://img.example.com/shirt.jpg"
    assert body["images"][0]["alt"] == "Front"
    v_small, v_medium, v_large = body["variants"]
    assert v_small["id"] == small.pk
    assert v_small["options"] == {"Size": "S"}
    assert (v_small["price"], v_small["compare_at_price"]) == ("29.99", "40.00")
    assert v_small["regular_price"] == "40.00"
    assert v_small["deal"]["price"] == "29.99"
    assert v_small["deal"]["remaining"] == 6
    assert v_small["deal"]["ends_at"].startswith(deal.ends_at.strftime("%Y-%m-%dT%H:%M"))
    assert (v_small["stock"], v_small["in_stock"]) == (3, True)
    assert v_medium["deal"] is None
    assert (v_medium["price"], v_medium["compare_at_price"]) == ("40.00", "50.00")
    assert (v_large["stock"], v_large["in_stock"]) == (0, False)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: ProductFactory(status=ProductStatus.DRAFT),
        lambda m: ProductFactory(status=ProductStatus.ARCHIVED),
        lambda m: ProductFactory(seller=SellerFactory(market=m["GB"])),
        lambda m: ProductFactory(seller=SellerFactory(is_active=False)),
    ],
    ids=["draft", "archived", "other-market", "inactive-seller"],
)
def test_detail_of_an_invisible_product_is_a_404_with_a_code(api, markets, make):
    product = make(markets)
    response = api.get(f"{PRODUCTS}{product.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "product_not_found"


def test_detail_of_a_missing_product_is_a_404_with_a_code(api, markets):
    response = api.get(f"{PRODUCTS}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "product_not_found"


# Deals -----------------------------------------------------------------------------------


def test_deals_lists_only_live_deals_of_the_market(api, markets):
    soon = DealFactory(ends_at=timezone.now() + timedelta(hours=1), quantity_cap=5)
    later = DealFactory(ends_at=timezone.now() + timedelta(hours=9))
    DealFactory(ends_at=timezone.now() - timedelta(minutes=1))  # expired
    DealFactory(quantity_cap=3, quantity_sold=3)  # used up
    DealFactory(starts_at=timezone.now() + timedelta(hours=1))  # not started
    gb_variant = ProductFactory(seller=SellerFactory(market=markets["GB"])).variants.get()
    DealFactory(variant=gb_variant)  # other market
    draft_variant = ProductFactory(status=ProductStatus.DRAFT).variants.get()
    DealFactory(variant=draft_variant)  # product not shown

    body = api.get("/api/deals/").json()

    assert [d["id"] for d in body["results"]] == [soon.pk, later.pk]
    first = body["results"][0]
    variant = soon.variant
    assert first["deal_price"] == f"{soon.price_minor / 100:.2f}"
    assert first["deal_price_minor"] == soon.price_minor
    assert first["regular_price"] == f"{variant.price_minor / 100:.2f}"
    assert first["currency"] == "USD"
    assert first["remaining"] == 5
    assert first["variant"]["id"] == variant.pk
    assert first["product"]["id"] == variant.product_id
    assert first["product"]["url"].startswith("http://testserver/products/")
    assert [d["id"] for d in api.get("/api/deals/", {"market": "GB"}).json()["results"]] == [
        gb_variant.deals.get().pk
    ]


def test_a_deal_that_sells_out_drops_out_by_itself(api, markets):
    deal = DealFactory(quantity_cap=2)
    assert len(api.get("/api/deals/").json()["results"]) == 1
    deal.quantity_sold = 2
    deal.save(update_fields=["quantity_sold"])
    assert api.get("/api/deals/").json()["results"] == []


# Token auth and the error envelope -------------------------------------------------------


def test_token_auth_with_good_credentials_authenticates_later_requests(api, markets):
    user = UserFactory(username="ana", password="correct-horse-9")
    SellerFactory(owner=user)

    response = api.post("/api/auth/token/", {"username": "ana", "password": "correct-horse-9"})

    assert response.status_code == 200
    token = response.json()["token"]
    assert api.get("/api/seller/products/").status_code == 401  # not signed in
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/seller/products/").status_code == 200


def test_token_auth_with_bad_credentials_is_a_400_with_a_code(api, markets):
    UserFactory(username="ana", password="correct-horse-9")
    response = api.post("/api/auth/token/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["errors"]["non_field_errors"]


def test_token_auth_without_a_password_is_a_field_error(api, markets):
    response = api.post("/api/auth/token/", {"username": "ana"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "password" in response.json()["errors"]


def test_a_bad_token_is_an_error_with_a_code(api, markets):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get(PRODUCTS)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


def test_catalog_is_read_only(api, markets):
    api.force_authenticate(UserFactory())
    response = api.post(PRODUCTS, {"title": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
