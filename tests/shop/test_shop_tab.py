"""The Shop tab: what a market's shoppers see, search, category pills, sorts, the cards,
infinite scroll with and without htmx, the deals strip, and the page's query count.

The product page: test_product_page.py; the layout and sign-in pages:
test_layout_and_sign_in.py. The set-up lives in storefront_support.py."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from shop import views
from shop.models import ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import CategoryFactory, DealFactory, ProductFactory, SellerFactory
from tests.shop import storefront_support as support
from tests.shop.storefront_support import jpeg, titles

pytestmark = pytest.mark.django_db

markets = support.markets


def test_shop_tab_lists_only_what_the_market_may_see(client, markets):
    ProductFactory(title="Snail serum")
    ProductFactory(title="Draft serum", status=ProductStatus.DRAFT)
    ProductFactory(title="Archived serum", status=ProductStatus.ARCHIVED)
    ProductFactory(title="British serum", seller=SellerFactory(market=markets["GB"]))
    banned = SellerFactory(is_active=False)
    ProductFactory(title="Banned seller serum", seller=banned)

    response = client.get("/shop/")

    assert response.status_code == 200
    assert titles(response) == ["Snail serum"]
    assert '<label class="search-label" for="shop-q">Search products</label>' in (
        response.content.decode()
    )


def test_shop_tab_shows_the_other_market_to_its_shoppers(client, markets):
    ProductFactory(title="Snail serum")
    ProductFactory(title="British serum", seller=SellerFactory(market=markets["GB"]))
    client.cookies["market"] = "GB"
    response = client.get("/shop/")
    assert titles(response) == ["British serum"]
    assert "£19.99" in response.content.decode()


def test_search_matches_title_description_and_tags(client, markets):
    ProductFactory(title="Glow serum", tags="skincare")
    ProductFactory(title="Desk lamp", description="Warm glow for late nights")
    ProductFactory(title="Hoodie")
    response = client.get("/shop/", {"q": "glow"})
    assert sorted(titles(response)) == ["Desk lamp", "Glow serum"]
    assert "Results for “glow”" in response.content.decode()

    response = client.get("/shop/", {"q": "nothing-like-this"})
    assert titles(response) == []
    assert "No products match “nothing-like-this”" in response.content.decode()


def test_category_filter_and_pills(client, markets):
    beauty = CategoryFactory(slug="beauty", name="Beauty")
    home = CategoryFactory(slug="home", name="Home")
    ProductFactory(title="Serum", category=beauty)
    ProductFactory(title="Lamp", category=home)

    response = client.get("/shop/", {"category": "home"})

    assert titles(response) == ["Lamp"]
    html = response.content.decode()
    assert '<a class="pill" href="/shop/?category=home" aria-current="page">Home</a>' in html
    assert '<a class="pill" href="/shop/?category=beauty">Beauty</a>' in html


def test_sorts_order_the_grid(client, markets):
    cheap = ProductFactory(title="Cheap", variants=[{"price_minor": 500}])
    dear = ProductFactory(title="Dear", variants=[{"price_minor": 9000}])
    mid = ProductFactory(title="Mid", variants=[{"price_minor": 2000}])
    cheap.sold_count, dear.sold_count, mid.sold_count = 5, 1, 50
    for p in (cheap, dear, mid):
        p.save(update_fields=["sold_count"])

    def order(sort):
        return titles(client.get("/shop/", {"sort": sort}))

    assert order("popular") == ["Mid", "Cheap", "Dear"]
    assert order("newest") == ["Mid", "Dear", "Cheap"]
    assert order("price_asc") == ["Cheap", "Mid", "Dear"]
    assert order("price_desc") == ["Dear", "Mid", "Cheap"]
    assert order("bogus") == order("popular")


def test_cards_show_price_compare_at_and_sold_count(client, markets):
    product = ProductFactory(
        title="Serum", variants=[{"price_minor": 1299, "compare_at_minor": 1999}]
    )
    product.sold_count = 1250
    product.save(update_fields=["sold_count"])
    product_image_add(product=product, data=jpeg(), filename="serum.jpg")
    html = client.get("/shop/").content.decode()
    assert '<span class="price-now">$12.99</span>' in html
    assert '<s class="price-was"><span class="sr-only">was </span>$19.99</s>' in html
    assert "1.2k sold" in html
    assert f'href="{product.get_absolute_url()}"' in html
    assert "-thumb.jpg" in html  # the thumbnail, not the full image


def test_infinite_scroll_pages_with_htmx_and_without(client, markets, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for i in range(7):
        ProductFactory(title=f"P{i}", variants=[{"price_minor": 100 * (i + 1)}])

    first = client.get("/shop/", {"sort": "price_asc"})
    assert titles(first) == ["P0", "P1", "P2"]
    more = re.search(r'hx-get="([^"]+)" hx-trigger="revealed, click"', first.content.decode())
    assert more, "the last card row carries the next page's trigger"
    next_url = more.group(1).replace("&amp;", "&")
    assert "sort=price_asc" in next_url  # filters and sort carry over

    # htmx asks for the partial: cards and the next trigger, no page around them.
    second = client.get(next_url, headers={"HX-Request": "true"})
    body = second.content.decode()
    assert titles(second) == ["P3", "P4", "P5"]
    assert "<html" not in body and "Deals of the day" not in body
    assert "HX-Request" in second["Vary"]

    # The plain link (no JavaScript) gives a whole page with the same cards.
    plain = client.get(next_url)
    assert titles(plain) == ["P3", "P4", "P5"]
    assert "<html" in plain.content.decode()

    cursor = re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")
    last = client.get(cursor, headers={"HX-Request": "true"})
    assert titles(last) == ["P6"]
    assert "hx-trigger" not in last.content.decode()


def test_a_broken_cursor_starts_from_the_first_page(client, markets, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        ProductFactory(title=f"P{i}")
    first = titles(client.get("/shop/"))
    for junk in ("!!!", "bm90IGpzb24", "WyJuZXdlc3QiLCAxXQ"):  # junk, not JSON, wrong sort
        assert titles(client.get("/shop/", {"after": junk})) == first


def test_deals_strip_shows_live_deals_with_countdown_and_units_left(client, markets):
    product = ProductFactory(title="Serum", variants=[{"price_minor": 2000, "stock": 50}])
    DealFactory(
        variant=product.variants.get(),
        price_minor=1400,
        quantity_cap=20,
        quantity_sold=8,
        ends_at=timezone.now() + timedelta(hours=2, minutes=30),
    )
    DealFactory(ends_at=timezone.now() - timedelta(minutes=1))  # expired: not shown

    html = client.get("/shop/").content.decode()

    assert "Deals of the day" in html
    assert html.count('class="deal-card"') == 1
    assert '<span class="price-now price-deal">$14.00</span>' in html
    assert "12 left" in html
    assert "-30%" in html
    assert re.search(r"<time datetime=\"[^\"]+\" data-countdown>0?2:(29|30):\d\d</time>", html)


def test_deal_units_left_never_exceed_stock(client, markets):
    product = ProductFactory(variants=[{"price_minor": 2000, "stock": 2}])
    DealFactory(variant=product.variants.get(), quantity_cap=50)
    html = client.get("/shop/").content.decode()
    assert "2 left" in html and "50 left" not in html


def test_no_deals_strip_without_deals_or_while_searching(client, markets):
    ProductFactory(title="Serum")
    assert "Deals of the day" not in client.get("/shop/").content.decode()
    DealFactory()
    assert "Deals of the day" in client.get("/shop/").content.decode()
    assert "Deals of the day" not in client.get("/shop/", {"q": "serum"}).content.decode()


def test_without_any_market_the_shop_says_so(client):
    response = client.get("/shop/")
    assert response.status_code == 503
    assert "The shop is not open yet" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_shop_tab_query_count_does_not_grow_with_page_size(
    client, markets, monkeypatch, django_assert_num_queries, count
):
    monkeypatch.setattr(views, "PAGE_SIZE", count)
    for i in range(count + 1):
        product = ProductFactory(title=f"P{i}", category=CategoryFactory(slug=f"c{i % 4}"))
        product_image_add(product=product, data=jpeg(), filename=f"{i}.jpg")
        product_image_add(product=product, data=jpeg(), filename=f"{i}b.jpg")
        if i % 2:
            DealFactory(variant=product.variants.get())

    # Rendering: the page's ids and versions; the products of the cards not cached yet,
    # their images; categories; the deals strip's versions, its deals, their images.
    with django_assert_num_queries(7):
        response = client.get("/shop/")
    assert len(titles(response)) == count
    # From the cache: the page's ids and versions, the deals strip's versions.
    with django_assert_num_queries(2):
        assert titles(client.get("/shop/")) == titles(response)

    # next page by htmx: ids, then the cards' products and their images; then cached
    next_url = re.search(r'hx-get="([^"]+)"', response.content.decode()).group(1)
    next_url = next_url.replace("&amp;", "&")
    with django_assert_num_queries(3):
        client.get(next_url, headers={"HX-Request": "true"})
    with django_assert_num_queries(1):
        client.get(next_url, headers={"HX-Request": "true"})
