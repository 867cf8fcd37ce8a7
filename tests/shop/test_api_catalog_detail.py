"""The catalog API's product detail (variants, live deal prices, images; 404s with a code)
and the live deals list, with their query counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from shop.models import ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import DealFactory, ProductFactory, SellerFactory
from tests.shop import catalog_api_support as support
from tests.shop.catalog_api_support import PRODUCTS, count_queries

pytestmark = pytest.mark.django_db

api = support.api


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
        count_queries(api, f"{PRODUCTS}{small.pk}/", {})[0]
        == count_queries(api, f"{PRODUCTS}{big.pk}/", {})[0]
    )
    # Deals with variant, product and market; the products' images.
    with django_assert_max_num_queries(2):
        response = api.get("/api/deals/")
    assert len(response.json()["results"]) == 6
    assert (
        count_queries(api, "/api/deals/", {"page_size": 1})[0]
        == count_queries(api, "/api/deals/", {})[0]
    )
