"""The product page: title, price and description, canonical URLs, who may see it, the
stock line, live deals, the variant picker, the buy form, sections other apps add, and its
query count."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace import hooks
from shop.models import ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import DealFactory, ProductFactory, SellerFactory
from tests.shop import storefront_support as support
from tests.shop.storefront_support import jpeg

pytestmark = pytest.mark.django_db

markets = support.markets


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
