import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from shop.models import Category, Product, ProductImage, ProductStatus, Variant
from shop.services.shopify_import import fetch_image, html_to_text, shopify_csv_import
from tests.factories import ProductFactory, SellerFactory, ensure_markets

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"
HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Option2 Name,Option2 Value,Variant SKU,Variant Inventory Qty,Variant Price,"
    "Variant Compare At Price,Image Src,Image Position,Image Alt Text,Status\n"
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def run(seller, data: bytes, **kwargs):
    kwargs.setdefault("fetch_images", False)
    return shopify_csv_import(seller=seller, data=data, **kwargs)


def png_bytes(color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def seller():
    ensure_markets()
    return SellerFactory(slug="northfield")


def test_realistic_export_creates_products_variants_and_images(seller):
    result = run(seller, fixture("products_export.csv"))

    assert result.ok, result.errors
    assert (result.products_created, result.products_updated) == (4, 0)
    assert (result.variants_created, result.variants_updated) == (6 + 1 + 2 + 2, 0)
    assert result.images_added == 3 + 3 + 1 + 1
    assert result.images_kept_as_url == result.images_added  # no fetching in this test
    assert Product.objects.filter(seller=seller).count() == 4

    tee = Product.objects.get(seller=seller, handle="classic-cotton-tee")
    assert tee.title == "Classic Cotton Tee"
    assert tee.vendor == "Northfield Basics"
    assert tee.option_names == ["Color", "Size"]
    assert tee.status == ProductStatus.ACTIVE
    assert tee.tags == "cotton, Basics, organic, unisex"
    assert tee.category == Category.objects.get(slug="t-shirts")
    assert tee.market_id == "US"
    variants = list(tee.variants.order_by("position"))
    assert [v.sku for v in variants] == [
        "TEE-BLK-S", "TEE-BLK-M", "TEE-BLK-L", "TEE-WHT-S", "TEE-WHT-M", "TEE-WHT-L",
    ]  # fmt: skip
    assert variants[2].options == {"Color": "Black", "Size": "L"}
    assert [v.price_minor for v in variants] == [2400, 2400, 2600, 2400, 2400, 2600]
    assert [v.compare_at_minor for v in variants] == [3000, 3000, 3200, None, None, None]
    assert [v.stock for v in variants] == [12, 0, 7, 5, 9, 3]
    # The summary the listings sort on was refreshed.
    assert (tee.price_minor, tee.compare_at_minor, tee.stock_total) == (2400, 3000, 36)
    assert "organic" in tee.search_document
    images = list(tee.images.order_by("position"))
    assert [i.position for i in images] == [1, 2, 3]
    assert images[0].source_url.endswith("tee-black.jpg?v=1700000001")
    assert images[0].alt == "Classic cotton tee in black"
    assert images[0].url == images[0].source_url and not images[0].image


def test_default_title_is_one_variant_without_options_and_body_is_sanitised(seller):
    run(seller, fixture("products_export.csv"))

    serum = Product.objects.get(seller=seller, handle="snail-mucin-serum")
    assert serum.option_names == []
    (variant,) = serum.variants.all()
    assert variant.options == {}
    assert (variant.sku, variant.price_minor, variant.compare_at_minor, variant.stock) == (
        "DEWY-SNAIL-100", 1299, 1800, 42,
    )  # fmt: skip
    assert serum.images.count() == 3  # the first row's image and two image-only rows
    assert "<" not in serum.description and "alert" not in serum.description
    assert serum.description.startswith("A lightweight essence with 96% snail")
    assert "after cleansing, pat 2–3 drops into skin.\nSuitable" in serum.description

    tee = Product.objects.get(seller=seller, handle="classic-cotton-tee")
    assert "• Taped neck & shoulder seams" in tee.description
    assert 'Model is 6\'1" and wears size "M".' in tee.description


def test_status_column_wins_and_published_is_the_fallback(seller):
    run(seller, fixture("products_export.csv"))
    statuses = dict(Product.objects.filter(seller=seller).values_list("handle", "status"))
    assert statuses == {
        "classic-cotton-tee": "active",
        "snail-mucin-serum": "active",
        "ceramic-pour-over-set": "archived",
        "linen-throw-pillow": "draft",  # Published TRUE, but Status says draft
    }

    csv_without_status = (
        b"Handle,Title,Published,Variant SKU,Variant Price\n"
        b"mug,Mug,TRUE,MUG-1,9.00\n"
        b"bowl,Bowl,FALSE,BOWL-1,12.00\n"
        b"plate,Plate,,PLATE-1,15.00\n"
    )
    assert run(seller, csv_without_status).ok
    statuses = dict(
        Product.objects.filter(handle__in=["mug", "bowl", "plate"]).values_list("handle", "status")
    )
    assert statuses == {"mug": "active", "bowl": "draft", "plate": "draft"}


def test_reimport_updates_by_sku_and_never_duplicates(seller):
    first = run(seller, fixture("products_export.csv"))
    counts = (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count())

    again = run(seller, fixture("products_export.csv"))

    assert again.ok
    assert (again.products_created, again.products_updated) == (0, 4)
    assert (again.variants_created, again.variants_updated) == (0, first.variants_created)
    assert again.images_added == 0
    assert (
        Product.objects.count(),
        Variant.objects.count(),
        ProductImage.objects.count(),
    ) == counts

    changed = (
        fixture("products_export.csv")
        .replace(
            b"TEE-WHT-L,200,shopify,3,deny,manual,26.00",
            b"TEE-WHT-L,200,shopify,8,deny,manual,21.50",
        )
        .replace(b'"20"" x 20""",,,,,,,,,700,shopify,4', b'"20"" x 20""",,,,,,,,,700,shopify,1')
    )
    third = run(seller, changed)
    assert third.ok and third.variants_created == 0
    white_l = Variant.objects.get(product__seller=seller, sku="TEE-WHT-L")
    assert (white_l.price_minor, white_l.stock) == (2150, 8)
    tee = white_l.product
    tee.refresh_from_db()
    assert (tee.price_minor, tee.compare_at_minor, tee.stock_total) == (2150, None, 41)
    # SKU-less variants are matched by their options.
    pillow = Product.objects.get(seller=seller, handle="linen-throw-pillow")
    assert sorted(pillow.variants.values_list("stock", flat=True)) == [1, 6]
    assert Variant.objects.count() == counts[1]


def test_reimport_finds_a_product_by_sku_when_the_handle_changed(seller):
    run(seller, fixture("products_export.csv"))
    renamed = fixture("products_export.csv").replace(b"snail-mucin-serum", b"snail-serum-v2")
    result = run(seller, renamed)
    assert result.ok
    assert result.products_created == 0
    assert not Product.objects.filter(handle="snail-serum-v2").exists()


def test_another_sellers_skus_and_products_are_never_touched(seller):
    other = SellerFactory()
    theirs = ProductFactory(
        seller=other, handle="classic-cotton-tee", variants=[{"sku": "TEE-BLK-S"}]
    )
    result = run(seller, fixture("products_export.csv"))
    assert result.ok
    assert Product.objects.filter(handle="classic-cotton-tee").count() == 2
    assert theirs.variants.get().price_minor == 1999


def test_sku_belonging_to_another_product_of_the_seller_is_refused(seller):
    ProductFactory(seller=seller, handle="classic-cotton-tee", variants=[{"sku": "TEE-BLK-S"}])
    ProductFactory(
        seller=seller, title="Old tote", handle="old-tote", variants=[{"sku": "TEE-BLK-M"}]
    )
    result = run(seller, fixture("products_export.csv"))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "Variant SKU")]
    assert "“TEE-BLK-M” already belongs to your product “Old tote”" in result.errors[0].message
    assert Product.objects.filter(seller=seller).count() == 2
    assert Variant.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "row", "column", "words"),
    [
        ("bad_price.csv", 3, "Variant Price", "12.999"),
        ("negative_qty.csv", 3, "Variant Inventory Qty", "negative"),
        ("bad_status.csv", 2, "Status", "“live” is not a status"),
        ("inconsistent_options.csv", 3, "Option1 Name", "“Colour” differs from “Color”"),
        ("duplicate_sku.csv", 3, "Variant SKU", "also on row 2"),
        ("missing_price_column.csv", 1, "Variant Price", "missing"),
        ("latin1.csv", 2, "Title", "not valid UTF-8"),
        ("empty.csv", 1, "", "empty"),
    ],
)
def test_broken_file_is_reported_by_row_and_column_and_imports_nothing(
    seller, name, row, column, words
):
    ProductFactory(
        seller=seller, handle="canvas-tote", variants=[{"sku": "TOTE-NAT", "price_minor": 500}]
    )
    before = (Product.objects.count(), Variant.objects.count(), Category.objects.count())

    result = run(seller, fixture(name))

    assert not result.ok
    assert (result.errors[0].row, result.errors[0].column) == (row, column)
    assert words in result.errors[0].message
    assert str(result.errors[0]).startswith(f"Row {row}")
    assert (Product.objects.count(), Variant.objects.count(), Category.objects.count()) == before
    assert Variant.objects.get(sku="TOTE-NAT").price_minor == 500


def test_every_problem_in_a_file_is_reported_not_just_the_first(seller):
    data = (
        HEADER
        + "a,A,,,,,TRUE,,,,,A-1,2,9.999,,,,,\n"
        + "b,B,,,,,TRUE,,,,,B-1,-1,3.00,,,,,\n"
        + "c,,,,,,TRUE,,,,,C-1,1,3.00,,,,,\n"
        + "d,D,,,,,TRUE,,,,,D-1,1,abc,,ftp://x/y.png,,,\n"
    ).encode()
    result = run(seller, data)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Variant Price"),
        (3, "Variant Inventory Qty"),
        (4, "Title"),
        (5, "Variant Price"),
        (5, "Image Src"),
    ]
    assert not Product.objects.exists()


def test_options_must_match_the_products_option_names(seller):
    data = (
        HEADER
        + "mug,Mug,,,,,TRUE,Color,Blue,,,MUG-B,1,9.00,,,,,\n"
        + "mug,,,,,,,,,,,MUG-X,1,9.00,,,,,\n"
        + "mug,,,,,,,,Red,,Large,MUG-R,1,9.00,,,,,\n"
        + "mug,,,,,,,,Blue,,,MUG-B2,1,9.00,,,,,\n"
    ).encode()
    result = run(seller, data)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Option1 Value"),
        (4, "Option2 Value"),
        (5, "Option1 Value"),
    ]
    assert "already has the options “Blue”" in result.errors[2].message


def test_prices_are_in_the_sellers_market_currency(seller):
    markets = ensure_markets()
    jp = SellerFactory(market=markets["JP"])
    ok = (b"Handle,Title,Variant SKU,Variant Price,Variant Compare At Price\n"
          b"tea,Sencha,TEA-1,1500.00,1800\n")  # fmt: skip
    result = run(jp, ok)
    assert result.ok, result.errors
    variant = Variant.objects.get(sku="TEA-1")
    assert (variant.price_minor, variant.compare_at_minor) == (1500, 1800)
    assert variant.product.market_id == "JP"

    bad = b"Handle,Title,Variant SKU,Variant Price\ntea,Sencha,TEA-1,10.5\n"
    result = run(jp, bad)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Variant Price")]
    assert "JPY has no minor unit" in result.errors[0].message
    assert Variant.objects.get(sku="TEA-1").price_minor == 1500

    result = run(seller, b"Handle,Title,Variant SKU,Variant Price\ntea,Tea,TEA-9,12.999\n")
    assert "USD prices have at most 2 decimal places" in result.errors[0].message


def test_bom_crlf_and_unknown_columns_are_fine(seller):
    data = (
        "\ufeffHandle,Title,Some New Shopify Column,Variant SKU,Variant Price\r\n"
        "mug,Mug,whatever,MUG-1,9.00\r\n"
    ).encode()
    result = run(seller, data)
    assert result.ok, result.errors
    assert Product.objects.get().handle == "mug"


def test_fetched_images_get_a_thumbnail_and_bad_ones_stay_links(seller):
    cdn = "https://cdn.shopify.com/s/files/1/0712/3456/7890/files/"
    served = {
        cdn + "tee-black.jpg?v=1700000001": png_bytes(),
        cdn + "tee-white.jpg?v=1700000002": b"<html>",
    }
    calls = []

    def fetcher(url):
        calls.append(url)
        if "tee-detail" in url:
            raise TimeoutError("slow server")
        return served.get(url)

    result = run(seller, fixture("products_export.csv"), fetch_images=True, fetcher=fetcher)

    assert result.ok
    assert result.images_added == 8 and result.images_kept_as_url == 7
    black = ProductImage.objects.get(source_url__contains="tee-black")
    assert black.image and black.thumbnail
    with Image.open(black.thumbnail.path) as thumb:
        assert thumb.size == (480, 480)
    white = ProductImage.objects.get(source_url__contains="tee-white")
    assert not white.image and white.url == white.source_url
    assert len(calls) == len(set(calls)) == 8

    # Known images are not fetched again.
    calls.clear()
    run(seller, fixture("products_export.csv"), fetch_images=True, fetcher=fetcher)
    assert calls == []


def test_fetch_image_refuses_non_web_and_private_addresses_without_connecting(
    tmp_path, monkeypatch
):
    def no_network(*args, **kwargs):
        raise AssertionError("must not open a connection")

    monkeypatch.setattr("urllib.request.build_opener", no_network)
    local = tmp_path / "a.png"
    local.write_bytes(png_bytes())
    assert fetch_image(local.as_uri()) is None
    assert fetch_image("http://127.0.0.1:8000/admin/") is None
    assert fetch_image("http://10.1.2.3/x.png") is None
    assert fetch_image("http://169.254.169.254/latest/meta-data") is None
    assert fetch_image("http://[::1]/x.png") is None


def test_html_to_text_drops_scripts_styles_and_attributes():
    html = (
        '<p onclick="steal()">Hi <b>there</b></p><style>p{}</style>'
        "<script>alert(1)</script><img src=x onerror=alert(2)><p>Bye &lt;3</p>"
    )
    assert html_to_text(html) == "Hi there\n\nBye <3"


def test_management_command_imports_and_reports(seller, capsys):
    call_command(
        "import_shopify_csv", str(FIXTURES / "products_export.csv"), "--seller", "northfield",
        "--no-fetch-images",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "4 products created, 0 updated; 11 variants created, 0 updated" in out
    assert Product.objects.filter(seller=seller).count() == 4


def test_management_command_fails_on_a_bad_file_and_unknown_seller(seller, capsys):
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_shopify_csv", str(FIXTURES / "bad_price.csv"), "--seller", "northfield",
            "--no-fetch-images",
        )  # fmt: skip
    assert "Row 3, column “Variant Price”" in capsys.readouterr().err
    assert not Product.objects.exists()

    with pytest.raises(CommandError, match="No seller"):
        call_command("import_shopify_csv", str(FIXTURES / "bad_price.csv"), "--seller", "nobody")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_shopify_csv", "/nonexistent.csv", "--seller", "northfield")
