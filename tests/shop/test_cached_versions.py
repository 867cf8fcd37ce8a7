"""A product page or API detail served from the cache asks the database nothing while the
product's version is remembered (shop.cache.versioned_get), and still follows every write
and the sections other apps add (marketplace.hooks): those that show every viewer the
same are cached with the page for at most their ``max_age_s``, the others run per request."""

import time

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from creators.feed.sections import FEATURED_TTL_S, featured_in_section
from marketplace import hooks
from marketplace.markets import markets_by_code
from shop import cache as catalog_cache
from shop.models import Product, Seller
from shop.services.catalog import variant_update
from tests.factories import ProductFactory, UserFactory, ensure_markets

pytestmark = pytest.mark.django_db

# Without Redis (SQLite runs) there is no listing generation: the version check is a query.
VERSION_QUERIES = 0 if settings.REDIS_URL else 1


@pytest.fixture
def markets():
    found = ensure_markets()
    markets_by_code()
    return found


def api_price(pk: int) -> int:
    response = APIClient().get(f"/api/products/{pk}/")
    assert response.status_code == 200
    return response.json()["variants"][0]["price_minor"]


def test_hot_reads_ask_nothing_then_follow_a_write(markets, django_assert_num_queries):
    product = ProductFactory(title="Lamp", variants=[{"price_minor": 1000}])
    url = product.get_absolute_url()
    Client().get(url)
    api_price(product.pk)
    with django_assert_num_queries(VERSION_QUERIES):
        assert "$10.00" in Client().get(url).content.decode()
    with django_assert_num_queries(VERSION_QUERIES):
        assert api_price(product.pk) == 1000

    variant_update(variant=product.variants.get(), price_minor=1250)
    assert "$12.50" in Client().get(url).content.decode()
    assert api_price(product.pk) == 1250


@pytest.mark.parametrize("write", ["status", "seller"])
def test_a_remembered_version_does_not_outlive_a_bulk_write(markets, write):
    product = ProductFactory(title="Lamp")
    url = product.get_absolute_url()
    assert Client().get(url).status_code == 200
    assert api_price(product.pk)
    if write == "status":
        Product.objects.filter(pk=product.pk).update(status="archived")
    else:
        Seller.objects.filter(pk=product.seller_id).update(is_active=False)
    assert Client().get(url).status_code == 404
    assert APIClient().get(f"/api/products/{product.pk}/").status_code == 404


def test_a_stale_entry_is_not_served_under_a_newer_version(markets):
    product = ProductFactory(title="Lamp")
    key = "cat:v1:test:entry"
    catalog_cache.versioned_put(key, "old-version", "old")
    version, value = catalog_cache.versioned_get(product.pk, "US", key)
    assert version and version != "old-version" and value is None
    catalog_cache.versioned_put(key, version, "new")
    assert catalog_cache.versioned_get(product.pk, "US", key) == (version, "new")


# ---------- sections from other apps ----------


def test_featured_in_declares_itself_viewer_independent():
    assert hooks.is_viewer_independent(featured_in_section)
    assert featured_in_section.max_age_s == FEATURED_TTL_S


@pytest.fixture
def sections(monkeypatch, settings, tmp_path):
    """A shared section counting its renders, and one that greets the signed-in viewer."""
    (tmp_path / "shared.html").write_text("<p>shared render {{ n }}</p>")
    (tmp_path / "viewer.html").write_text("<p>hello {{ name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    calls = []

    def shared(request, product):
        assert request is None
        calls.append(product.pk)
        return "shared.html", {"n": len(calls)}

    shared.viewer_independent = True
    shared.max_age_s = 60

    def viewer(request, product):
        user = request.user
        return ("viewer.html", {"name": user.username}) if user.is_authenticated else None

    monkeypatch.setattr(hooks, "_product_sections", [shared, viewer])
    return calls


def test_a_shared_section_is_cached_with_the_page_for_its_max_age(
    markets, sections, monkeypatch, django_assert_num_queries
):
    product = ProductFactory(title="Lamp")
    url = product.get_absolute_url()
    assert "shared render 1" in Client().get(url).content.decode()
    with django_assert_num_queries(VERSION_QUERIES):
        assert "shared render 1" in Client().get(url).content.decode()
    assert sections == [product.pk]

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert "shared render 2" in Client().get(url).content.decode()


def test_viewer_sections_still_run_per_request(markets, sections):
    product = ProductFactory(title="Lamp")
    url = product.get_absolute_url()
    assert "hello" not in Client().get(url).content.decode()
    signed_in = Client()
    signed_in.force_login(UserFactory(username="maya"))
    html = signed_in.get(url).content.decode()
    assert "hello maya" in html and "shared render 1" in html
    assert html.index("shared render") < html.index("hello maya")
    assert "hello" not in Client().get(url).content.decode()  # the guest copy


def test_the_registered_sections_cost_a_guest_no_query(markets, django_assert_num_queries):
    """Featured-in and the affiliate link (creators), as registered."""
    product = ProductFactory(title="Lamp")
    Client().get(product.get_absolute_url())
    with django_assert_num_queries(VERSION_QUERIES):
        assert Client().get(product.get_absolute_url()).status_code == 200


# ---------- the API listing under the listing generation ----------


def api_titles(url: str, **headers) -> list[str]:
    response = APIClient().get(url, **headers)
    assert response.status_code == 200
    return [p["title"] for p in response.json()["results"]]


@pytest.mark.redis  # the listing generation lives in Redis only
def test_an_api_search_is_served_without_a_query_until_a_write(markets, django_assert_num_queries):
    lamp = ProductFactory(title="Lamp", sold_count=5, variants=[{"price_minor": 1000}])
    url = "/api/products/?q=lamp"
    assert api_titles(url) == ["Lamp"]
    with django_assert_num_queries(0):
        assert api_titles(url) == ["Lamp"]

    ProductFactory(title="Desk lamp", sold_count=9, variants=[{"price_minor": 2000}])
    assert api_titles(url) == ["Desk lamp", "Lamp"]
    variant_update(variant=lamp.variants.get(), price_minor=1250)
    results = APIClient().get(url).json()["results"]
    assert [p["price_minor"] for p in results] == [2000, 1250]
    Seller.objects.filter(pk=lamp.seller_id).update(is_active=False)
    assert api_titles(url) == ["Desk lamp"]


@pytest.mark.redis
def test_other_renderings_and_markets_are_not_mixed_up(markets):
    ProductFactory(title="Lamp")
    url = "/api/products/?q=lamp"
    assert api_titles(url) == ["Lamp"]
    html = APIClient().get(url, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert api_titles(url + "&market=ID") == []
    assert api_titles(url) == ["Lamp"]


# ---------- cached reads answered before DRF (shop.api.cached_reads) ----------


@pytest.mark.parametrize("path", ["/api/products/{pk}/", "/api/products/?q=lamp"])
def test_a_cached_read_answers_as_drf_does(markets, path):
    product = ProductFactory(title="Lamp")
    url = path.format(pk=product.pk)
    first = APIClient().get(url)  # through DRF, fills the cache
    second = APIClient().get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    for header in ("Content-Type", "Allow", "Vary"):
        assert first[header] == second[header], header


@pytest.mark.parametrize("path", ["/api/products/{pk}/", "/api/products/?q=lamp"])
def test_tokens_and_unknown_markets_still_go_through_drf(markets, path):
    product = ProductFactory(title="Lamp")
    url = path.format(pk=product.pk)
    assert APIClient().get(url).status_code == 200
    assert APIClient().get(url, HTTP_AUTHORIZATION="Token nonsense").status_code == 401
    sep = "&" if "?" in url else "?"
    unknown = APIClient().get(f"{url}{sep}market=XX")
    assert unknown.json()["code"] == "unknown_market"
