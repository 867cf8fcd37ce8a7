"""A shopper browses the Shop tab in a real browser: search, open a product, see its price."""

import re

import pytest
from playwright.sync_api import expect

from shop import views
from tests.factories import DealFactory, ProductFactory, SellerFactory, ensure_markets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    ensure_markets()
    seller = SellerFactory(name="GlowLab")
    serum = ProductFactory(
        seller=seller,
        title="Snail mucin serum",
        tags="skincare",
        variants=[{"price_minor": 1299, "compare_at_minor": 1999, "stock": 3}],
    )
    ProductFactory(seller=seller, title="Ceramic pour-over set")
    ProductFactory(seller=seller, title="Linen throw blanket")
    return serum


def test_search_open_a_product_and_see_its_price(live_server, page, catalog):
    page.goto(f"{live_server.url}/shop/")
    expect(page.get_by_role("heading", name="Shop everything")).to_be_visible()
    expect(page.locator(".card")).to_have_count(3)

    page.get_by_label("Search products").fill("snail")
    page.get_by_label("Search products").press("Enter")

    expect(page).to_have_url(re.compile(r"/shop/\?q=snail"))
    expect(page.locator(".card")).to_have_count(1)
    page.get_by_role("link", name=re.compile("Snail mucin serum")).click()

    expect(page).to_have_url(re.compile(rf"/products/{catalog.pk}/snail-mucin-serum/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Snail mucin serum")
    expect(page.locator("[data-price-now]")).to_have_text("$12.99")
    expect(page.locator("[data-stock]")).to_have_text("Only 3 left")
    expect(page.get_by_role("button", name="Buy now")).to_be_visible()


def test_the_grid_loads_more_as_the_shopper_scrolls(live_server, page, monkeypatch):
    ensure_markets()
    monkeypatch.setattr(views, "PAGE_SIZE", 6)  # three rows: the last one is below the fold
    seller = SellerFactory()
    for i in range(14):
        ProductFactory(seller=seller, title=f"Product {i:02d}")

    page.goto(f"{live_server.url}/shop/?sort=newest")
    expect(page.locator(".card")).to_have_count(6)
    for expected in (12, 14):
        page.locator(".grid-more").scroll_into_view_if_needed()
        expect(page.locator(".card")).to_have_count(expected)
    expect(page.locator(".grid-more")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/shop/\?sort=newest$"))  # the page itself stays put
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == [f"Product {i:02d}" for i in range(13, -1, -1)]  # newest first, no repeats


def test_choosing_a_variant_updates_price_and_stock(live_server, page):
    ensure_markets()
    product = ProductFactory(
        option_names=["Size"],
        variants=[
            {"options": {"Size": "50 ml"}, "price_minor": 1299, "stock": 40},
            {"options": {"Size": "100 ml"}, "price_minor": 1999, "stock": 2},
        ],
    )
    DealFactory(variant=product.variants.get(position=1), price_minor=999)

    page.goto(f"{live_server.url}{product.get_absolute_url()}")
    expect(page.locator("[data-price-now]")).to_have_text("$9.99")
    expect(page.locator("[data-deal]")).to_be_visible()
    expect(page.locator("[data-deal] time")).to_have_text(re.compile(r"^0?[45]:\d\d:\d\d$"))

    page.get_by_label("100 ml").check()

    expect(page.locator("[data-price-now]")).to_have_text("$19.99")
    expect(page.locator("[data-deal]")).to_be_hidden()
    expect(page.locator("[data-stock]")).to_have_text("Only 2 left")
    expect(page.get_by_label("Quantity")).to_have_attribute("max", "2")
    expect(page).to_have_url(re.compile(r"\?variant=\d+$"))
