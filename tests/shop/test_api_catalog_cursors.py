"""The catalog API's keyset cursors: every sort pages through all items and back without
repeats or skips, filters carry over, tampered cursors are refused, and a listing page's
query count is pinned whatever its size."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from shop.models import Product
from shop.services.catalog import product_image_add
from tests.factories import CategoryFactory, ProductFactory, SellerFactory
from tests.shop import catalog_api_support as support
from tests.shop.catalog_api_support import PRODUCTS, count_queries, ids

pytestmark = pytest.mark.django_db

api = support.api


def _walk(api, url: str, *, direction: str = "next") -> tuple[list[list[int]], str | None]:
    """Follow ``next`` (or ``previous``) links to the end; the pages and the last URL."""
    pages, last = [], None
    while url:
        body = api.get(url).json()
        pages.append([item["id"] for item in body["results"]])
        last, url = url, body[direction]
        assert len(pages) < 100, "cursor loop"
    return pages, last


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
    assert ids(api.get(PRODUCTS, {"page_size": 50})) == expected


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

    n_small, _ = count_queries(api, PRODUCTS, {"page_size": 5, "cursor": _cursor(small)})
    n_large, _ = count_queries(api, PRODUCTS, {"page_size": 50})
    assert n_small == n_large


def _cursor(response) -> str:
    return parse_qs(urlparse(response.json()["next"]).query)["cursor"][0]
