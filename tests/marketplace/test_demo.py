"""``load_demo``: the data it promises, and that running it again changes nothing."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone
from PIL import Image

from marketplace.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from marketplace.models import Market, User
from shop.demo import images as demo_images
from shop.demo.prices import deal_price, localise
from shop.models import Category, Deal, Product, ProductImage, Seller, Variant

pytestmark = pytest.mark.django_db


def _tiny_picture(**kwargs) -> bytes:
    # The real drawing is tested once below; the loader's tests need only a valid image.
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 100, 150)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def load(settings, monkeypatch):
    monkeypatch.setattr("shop.demo.products.product_picture", _tiny_picture)
    for where in ("shop.services.catalog", "shop.demo.products"):
        monkeypatch.setattr(f"{where}.make_thumbnail", lambda data: _tiny_picture())
    # Two creators with one real clip each: the full 150-clip run is the creators'
    # demo tests' business, and minutes of ffmpeg in every suite run is not.
    import dataclasses

    from creators.demo import creators as creators_demo

    casey = next(p for p in creators_demo.CREATORS if p.handle == "casey.creates")
    other = next(p for p in creators_demo.CREATORS if p.handle != "casey.creates")
    short = [dataclasses.replace(casey, videos=1), dataclasses.replace(other, videos=1)]
    monkeypatch.setattr(creators_demo, "CREATORS", short)

    def run() -> str:
        out = io.StringIO()
        call_command("load_demo", "--no-progress", stdout=out)
        return out.getvalue()

    return run


def _snapshot() -> dict:
    return {
        "markets": list(Market.objects.values_list("code", "checkout_enabled", "currency")),
        "users": list(User.objects.values_list("id", "username", "password", "is_staff")),
        "categories": list(Category.objects.values_list("id", "slug")),
        "sellers": list(Seller.objects.values_list("id", "slug", "owner_id", "is_first_party")),
        "products": list(
            Product.objects.values_list("id", "handle", "updated_at", "price_minor", "stock_total")
        ),
        "variants": list(Variant.objects.values_list("id", "sku", "price_minor", "stock")),
        "images": list(ProductImage.objects.values_list("id", "image", "thumbnail")),
        "deals": list(Deal.objects.values_list("id", "variant_id", "starts_at", "ends_at")),
    }


def test_running_twice_changes_nothing(load):
    first = load()
    assert "Product created 120" in first
    before = _snapshot()

    second = load()

    assert "nothing to write" in second
    assert _snapshot() == before


def _check_demo_accounts_sign_in_and_the_seller_runs_a_shop():
    for username in DEMO_ACCOUNTS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="shopper").is_staff
    assert Seller.objects.filter(owner__username="seller").count() == 1


def _check_markets_sellers_and_catalog_are_as_promised():
    markets = {m.code: m for m in Market.objects.all()}
    assert {c: m.currency for c, m in markets.items()} == {
        "US": "USD",
        "GB": "GBP",
        "JP": "JPY",
        "ID": "IDR",
    }
    assert [c for c, m in markets.items() if not m.checkout_enabled] == ["ID"]
    assert {(m.return_window_days, m.referral_fee_bp) for m in markets.values()} == {(30, 600)}

    assert 7 <= Seller.objects.count() <= 10
    assert Seller.objects.filter(is_first_party=True).count() == 1
    assert (
        Seller.objects.filter(market_id="US").count()
        > Seller.objects.exclude(market_id="US").count()
    )
    assert Category.objects.count() == 8
    assert Product.objects.count() == 120
    assert Product.objects.filter(status="active").count() >= 115
    # Every product's summary columns agree with its variants.
    for product in Product.objects.prefetch_related("variants"):
        prices = [v.price_minor for v in product.variants.all()]
        assert product.price_minor == min(prices)
        assert product.stock_total == sum(v.stock for v in product.variants.all())
        assert product.market_id == Seller.objects.get(pk=product.seller_id).market_id
    several = Product.objects.annotate(n=Count("variants")).filter(n__gt=1)
    assert several.count() >= 20
    assert Variant.objects.filter(options__has_key="Color").exists()
    assert Variant.objects.filter(options__has_key="Size").exists()
    assert Product.objects.filter(compare_at_minor__isnull=False).count() >= 10
    assert Product.objects.filter(stock_total__gte=1, stock_total__lte=3).count() >= 3
    assert Product.objects.filter(stock_total=0).count() >= 2
    assert len(set(Product.objects.values_list("sold_count", flat=True))) > 50


def _check_prices_read_right_in_each_currency():
    jp = list(Variant.objects.filter(product__market_id="JP").values_list("price_minor", flat=True))
    idr = list(
        Variant.objects.filter(product__market_id="ID").values_list("price_minor", flat=True)
    )
    assert jp and all(p >= 100 and p % 10 == 0 for p in jp)  # whole yen, not cents
    assert idr and all(p >= 5000 and p % 1000 == 0 for p in idr)
    usd = list(
        Variant.objects.filter(product__market_id="US").values_list("price_minor", flat=True)
    )
    assert any(p % 100 for p in usd)  # cents: 12.99, not 12 or 1299 dollars
    assert max(usd) < 100_000


def _check_every_product_has_one_to_three_pictures_with_thumbnails():
    counts = Product.objects.values_list("images__position", flat=True)
    assert ProductImage.objects.count() >= 120
    assert max(p for p in counts if p) <= 3
    assert not Product.objects.filter(images__isnull=True).exists()
    assert not ProductImage.objects.filter(thumbnail="").exists()


def _check_deals_are_live_now_with_one_expired():
    live = list(Deal.objects.live())
    assert len(live) >= 8
    assert len({d.ends_at for d in live}) == len(live)  # countdowns end at different times
    assert Deal.objects.filter(ends_at__lte=timezone.now()).count() == 1
    for deal in Deal.objects.select_related("variant"):
        assert deal.price_minor < deal.variant.price_minor
        assert deal.variant.stock > 0


def test_one_run_makes_the_promised_demo(load):
    # One load, many checks: loading the catalog is the slow part.
    load()
    _check_demo_accounts_sign_in_and_the_seller_runs_a_shop()
    _check_markets_sellers_and_catalog_are_as_promised()
    _check_prices_read_right_in_each_currency()
    _check_every_product_has_one_to_three_pictures_with_thumbnails()
    _check_deals_are_live_now_with_one_expired()


def test_a_later_run_revives_deals_redraws_lost_files_and_keeps_changes(load):
    load()
    deals = Deal.objects.count()
    # As if the demo were started again two days later...
    Deal.objects.update(
        starts_at=F("starts_at") - timedelta(days=2), ends_at=F("ends_at") - timedelta(days=2)
    )
    assert not Deal.objects.live().exists()
    # ...after staff and shoppers changed things...
    Market.objects.filter(code="JP").update(checkout_enabled=False)
    variant = Variant.objects.order_by("id").first()
    new_price = variant.price_minor + 100
    Variant.objects.filter(pk=variant.pk).update(stock=7, price_minor=new_price)
    User.objects.filter(username="shopper").update(first_name="Changed")
    Variant.objects.filter(sku=Variant.objects.order_by("-id").first().sku).delete()
    # ...and a fresh media volume lost a picture.
    image = ProductImage.objects.order_by("id").first()
    image.image.storage.delete(image.image.name)
    variants = Variant.objects.count()

    load()

    assert Deal.objects.count() == deals
    assert Deal.objects.live().count() >= 8
    assert not Market.objects.get(code="JP").checkout_enabled
    variant.refresh_from_db()
    assert (variant.stock, variant.price_minor) == (7, new_price)
    assert User.objects.get(username="shopper").first_name == "Changed"
    assert Variant.objects.count() == variants  # a deleted variant stays deleted
    image.refresh_from_db()
    assert image.image.storage.exists(image.image.name)
    assert ProductImage.objects.filter(product=image.product, position=image.position).count() == 1
    # The demo accounts still sign in.
    assert authenticate(username="admin", password=DEMO_PASSWORD) is not None


def test_the_drawn_picture_is_an_800_square_jpeg():
    import random

    data = demo_images.product_picture(
        short_name="Snail serum",
        label="Beauty",
        top="#ffe1ea",
        bottom="#f48fb1",
        icon="bottle",
        index=1,
        rng=random.Random(1),
    )
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.size) == ("JPEG", (800, 800))
        # Not a flat colour: there is a gradient, a shape and text on it.
        assert len(img.convert("L").getcolors(256) or []) > 40


@pytest.mark.parametrize(
    ("usd", "currency", "expected"),
    [
        (1299, "USD", 1299),
        (1299, "GBP", 999),
        (1299, "JPY", 1880),
        (499, "JPY", 750),
        (1299, "IDR", 209_000),
        (499, "IDR", 79_000),
        (1900, "IDR", 309_000),
    ],
)
def test_localised_prices_end_as_shoppers_expect(usd, currency, expected):
    assert localise(usd, currency) == expected


def test_deal_prices_are_clean_and_below_the_price():
    assert deal_price(2999, 70, "USD") == 1999
    assert deal_price(4480, 70, "JPY") == 3130
    assert deal_price(489_000, 70, "IDR") == 342_000


def test_the_kernel_finds_app_loaders_in_project_apps_only():
    from marketplace.demo.loader import app_loaders

    labels = [label for label, _load in app_loaders()]
    assert labels[0] == "shop"  # before creators, whose videos tag shop's products
    assert set(labels) <= {"shop", "creators"}
