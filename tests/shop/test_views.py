"""The shopper's HTML: the Shop tab, the product page, the base layout and sign-in pages."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace import hooks
from marketplace.markets import markets_by_code
from shop import views
from shop.models import ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import (
    CategoryFactory,
    DealFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
    ensure_markets,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory seller has an owner; PBKDF2 for each would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def markets():
    found = ensure_markets()
    markets_by_code()  # warm the market cache, as every request after the first finds it
    return found


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "#fe2c55").save(out, format="JPEG")
    return out.getvalue()


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', response.content.decode())


# ---------- the Shop tab ----------


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


# ---------- the product page ----------


def test_product_page_shows_title_price_seller_and_description(client, markets):
    product = ProductFactory(
        title="Snail serum",
        description="<p>Repairs skin.</p><ul><li>100 ml</li></ul><script>alert(1)</script>",
        seller=SellerFactory(name="GlowLab"),
        variants=[{"price_minor": 1299, "compare_at_minor": 1999}],
    )
    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="pd-title">Snail serum</h1>' in html
    assert '<span class="price-now" data-price-now>$12.99</span>' in html
    assert "<span data-compare-amount>$19.99</span>" in html
    assert "-35%" in html
    assert "GlowLab" in html
    assert "<p>Repairs skin.</p>" in html and "• 100 ml" in html
    assert "<script>alert" not in html
    assert "Featured in" not in html  # nothing fake while no video features it
    assert "rating" not in html.lower() and "★" not in html  # no reviews exist yet


def test_product_page_without_a_slug_renders_and_a_wrong_slug_redirects(client, markets):
    product = ProductFactory(title="Snail Serum 100ml")
    canonical = product.get_absolute_url()
    assert canonical == f"/products/{product.pk}/snail-serum-100ml/"

    assert client.get(f"/products/{product.pk}/").status_code == 200
    wrong = client.get(f"/products/{product.pk}/old-name/?variant=3")
    assert wrong.status_code == 301
    assert wrong["Location"] == f"{canonical}?variant=3"


@pytest.mark.parametrize(
    "status, market_code",
    [(ProductStatus.DRAFT, "US"), (ProductStatus.ARCHIVED, "US"), (ProductStatus.ACTIVE, "GB")],
)
def test_product_page_is_404_unless_visible_in_the_viewers_market(
    client, markets, status, market_code
):
    product = ProductFactory(status=status, seller=SellerFactory(market=markets[market_code]))
    assert client.get(product.get_absolute_url()).status_code == 404
    assert client.get(f"/products/{product.pk}/wrong-slug/").status_code == 404


def test_product_page_404_for_unknown_ids(client, markets):
    assert client.get("/products/999999/").status_code == 404


@pytest.mark.parametrize(
    "stock, line", [(0, "Sold out"), (1, "Only 1 left"), (5, "Only 5 left"), (6, "In stock")]
)
def test_stock_line(client, markets, stock, line):
    product = ProductFactory(variants=[{"stock": stock}])
    html = client.get(product.get_absolute_url()).content.decode()
    assert re.search(rf'<p class="stock stock-\w+" data-stock role="status">{line}</p>', html)


def test_live_deal_price_with_countdown_on_the_product_page(client, markets):
    product = ProductFactory(variants=[{"price_minor": 2000, "stock": 9}])
    DealFactory(
        variant=product.variants.get(),
        price_minor=1500,
        quantity_cap=10,
        quantity_sold=7,
        ends_at=timezone.now() + timedelta(hours=1),
    )
    html = client.get(product.get_absolute_url()).content.decode()
    assert '<span class="price-now" data-price-now>$15.00</span>' in html
    assert "<span data-compare-amount>$20.00</span>" in html
    assert "Deal of the day" in html
    assert re.search(r"data-countdown>0?(0:59|1:00):\d\d</time>", html)
    assert "<span data-deal-left>3</span> left at this price" in html


def test_variant_picker_greys_out_sold_out_options_and_honours_the_choice(client, markets):
    product = ProductFactory(
        option_names=["Size"],
        variants=[
            {"options": {"Size": "S"}, "stock": 0, "price_minor": 1000},
            {"options": {"Size": "M"}, "stock": 4, "price_minor": 1000},
            {"options": {"Size": "L"}, "stock": 30, "price_minor": 1200},
        ],
    )
    small, medium, large = product.variants.order_by("position")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "<legend>Size</legend>" in html
    assert re.search(rf'value="{small.pk}" disabled', html)
    assert re.search(rf'value="{medium.pk}" checked', html)  # the first one in stock
    assert "Only 4 left" in html
    assert '<span class="variant-price">$12.00</span>' in html  # prices differ: shown

    html = client.get(product.get_absolute_url(), {"variant": large.pk}).content.decode()
    assert re.search(rf'value="{large.pk}" checked', html)
    assert '<span class="price-now" data-price-now>$12.00</span>' in html
    assert re.search(r'data-stock role="status">In stock<', html)


def test_buy_form_posts_variant_and_quantity_to_the_cart(client, markets):
    product = ProductFactory(variants=[{"stock": 3}])
    variant = product.variants.get()
    html = client.get(product.get_absolute_url()).content.decode()
    form = re.search(r'<form class="buy-form" method="post" action="([^"]+)">', html)
    assert form and form.group(1) == reverse("cart-add")
    assert f'<input type="hidden" name="variant" value="{variant.pk}">' in html
    assert 'name="quantity" value="1" min="1" max="3"' in html
    assert '<button type="submit" class="btn btn-outline btn-lg">Add to cart</button>' in html
    assert re.search(
        r'<button type="submit" class="btn btn-brand btn-lg" name="buy_now" value="1"', html
    )

    response = client.post(
        reverse("cart-add"),
        {"variant": variant.pk, "quantity": 2},
        HTTP_REFERER=product.get_absolute_url(),
    )
    assert response.status_code == 302


def test_buttons_are_disabled_when_sold_out_or_checkout_is_off(client, markets):
    sold_out = ProductFactory(variants=[{"stock": 0}])
    html = client.get(sold_out.get_absolute_url()).content.decode()
    assert '<button type="button" class="btn btn-brand btn-lg" disabled>Buy now</button>' in html
    assert "Sold out. Check back soon." in html

    indonesian = ProductFactory(seller=SellerFactory(market=markets["ID"]))
    client.cookies["market"] = "ID"
    html = client.get(indonesian.get_absolute_url()).content.decode()
    assert "In-app checkout is switched off in Indonesia." in html
    assert (
        '<button type="button" class="btn btn-outline btn-lg" disabled>Add to cart</button>' in html
    )


def test_product_sections_from_other_apps_render_only_when_they_have_content(
    client, markets, monkeypatch, settings, tmp_path
):
    (tmp_path / "featured.html").write_text("<h2>Featured in</h2><p>{{ count }} videos</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    featured = ProductFactory(title="Featured")
    plain = ProductFactory(title="Plain")

    def section(request, product):
        return ("featured.html", {"count": 3}) if product.pk == featured.pk else None

    monkeypatch.setattr(hooks, "_product_sections", [section])
    assert (
        "<h2>Featured in</h2><p>3 videos</p>"
        in client.get(featured.get_absolute_url()).content.decode()
    )
    assert "Featured in" not in client.get(plain.get_absolute_url()).content.decode()


def _product_with(*, variants: int, images: int):
    product = ProductFactory(
        option_names=["Size"],
        variants=[{"options": {"Size": str(i)}, "stock": i} for i in range(variants)],
    )
    for i in range(images):
        product_image_add(product=product, data=jpeg(), filename=f"{i}.jpg")
    for variant in product.variants.all():
        DealFactory(variant=variant)
    return product


def test_product_page_query_count_does_not_grow_with_variants_or_images(
    client, markets, monkeypatch, django_assert_num_queries
):
    small = _product_with(variants=1, images=1)
    large = _product_with(variants=8, images=6)

    # The shop's own page, rendered: the version (visibility) check; the product with
    # seller, market and category; images; variants; their live deals; the next deal
    # boundary. Served from the cache: the version check only, none with Redis (the
    # version is remembered under the listing generation).
    with monkeypatch.context() as m:
        m.setattr(hooks, "_product_sections", [])
        for product in (small, large):
            with django_assert_num_queries(6):
                assert client.get(product.get_absolute_url()).status_code == 200
            with django_assert_num_queries(0 if settings.REDIS_URL else 1):
                assert client.get(product.get_absolute_url()).status_code == 200

    # With the sections other apps add ("Featured in"), still the same for both.
    counts = []
    for product in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(product.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---------- the layout and the sign-in pages ----------


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
