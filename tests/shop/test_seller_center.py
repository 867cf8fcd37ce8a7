import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shop.models import Product, ProductImage, ProductStatus, Variant
from shop.services.catalog import product_image_add
from tests.factories import ProductFactory, SellerFactory, UserFactory, ensure_markets

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"


def png(color="blue", size=(300, 200), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def url(name, seller, *args):
    return reverse(f"seller:{name}", args=[seller.slug, *args])


@pytest.fixture
def markets():
    return ensure_markets()


@pytest.fixture
def seller(markets):
    return SellerFactory(slug="dewy-lab", name="Dewy Lab")


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def owner(seller, client_for):
    return client_for(seller.owner)


def product_post(product=None, *, variants, option_names="", commission="10", **overrides):
    """The POST body of the product form: product fields plus the variant formset."""
    data = {
        "title": product.title if product else "Glow serum",
        "description": "Brightening serum.",
        "category": "",
        "tags": "skincare",
        "status": "active",
        "option_names": option_names,
        "commission_percent": commission,
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": str(sum(1 for v in variants if v.get("variant_id"))),
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "100",
    }
    for i, spec in enumerate(variants):
        for key, value in spec.items():
            if key == "DELETE":
                if value:
                    data[f"variants-{i}-DELETE"] = "on"
            else:
                data[f"variants-{i}-{key}"] = "" if value is None else str(value)
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------- access


def test_anonymous_is_sent_to_log_in(client, seller):
    response = client.get("/seller/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(url("products", seller))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_a_shop_gets_an_explanation_not_a_crash(client_for, seller):
    client = client_for(UserFactory())
    for path in ("/seller/", url("products", seller), url("product-new", seller)):
        response = client.get(path)
        assert response.status_code == 403
        assert "You don’t have a shop yet" in response.content.decode()


def test_one_shop_goes_straight_to_its_products_several_get_a_picker(owner, seller, client_for):
    response = owner.get("/seller/")
    assert response.status_code == 302 and response["Location"] == url("products", seller)

    second = SellerFactory(owner=seller.owner, name="Kiln & Co", slug="kiln")
    page = owner.get("/seller/").content.decode()
    assert "Choose a shop" in page
    assert url("products", seller) in page and url("products", second) in page


def test_another_users_shop_is_404(owner, markets):
    other = SellerFactory(slug="someone-else")
    assert owner.get(url("products", other)).status_code == 404
    assert owner.get(url("import", other)).status_code == 404


def test_a_seller_sees_only_their_own_products(owner, seller):
    ProductFactory(seller=seller, title="Snail serum")
    ProductFactory(seller=seller, title="Draft toner", status=ProductStatus.DRAFT)
    ProductFactory(seller=seller, title="Old mask", status=ProductStatus.ARCHIVED)
    ProductFactory(title="Someone else's serum")

    page = owner.get(url("products", seller)).content.decode()
    assert "Snail serum" in page and "Draft toner" in page and "Old mask" in page
    assert "Someone else" not in page

    page = owner.get(url("products", seller), {"status": "draft"}).content.decode()
    assert "Draft toner" in page and "Snail serum" not in page

    page = owner.get(url("products", seller), {"q": "serum"}).content.decode()
    assert "Snail serum" in page and "Draft toner" not in page


def test_search_finds_a_product_by_sku(owner, seller):
    ProductFactory(seller=seller, title="Snail serum", variants=[{"sku": "DEWY-SNAIL-100"}])
    ProductFactory(seller=seller, title="Toner", variants=[{"sku": "DEWY-TONER"}])
    page = owner.get(url("products", seller), {"q": "snail-100"}).content.decode()
    assert "Snail serum" in page and "Toner" not in page


def test_another_sellers_product_is_404_everywhere(owner, seller):
    theirs = ProductFactory(title="Not yours")
    image = product_image_add(product=theirs, data=png(), filename="a.png")
    variant = theirs.variants.get()
    for name in ("product-edit", "product-stock", "product-images"):
        assert owner.get(url(name, seller, theirs.pk)).status_code == 404
    assert owner.post(url("product-edit", seller, theirs.pk), {}).status_code == 404
    stock = {
        "stock-TOTAL_FORMS": "1",
        "stock-INITIAL_FORMS": "1",
        "stock-0-variant_id": variant.pk,
        "stock-0-stock": "0",
    }
    assert owner.post(url("product-stock", seller, theirs.pk), stock).status_code == 404
    assert owner.post(url("image-delete", seller, theirs.pk, image.pk)).status_code == 404
    assert owner.post(url("image-move", seller, theirs.pk, image.pk)).status_code == 404
    variant.refresh_from_db()
    assert variant.stock == 10
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_an_image_of_another_product_cannot_be_reached_through_ones_own(owner, seller):
    mine = ProductFactory(seller=seller)
    theirs = ProductFactory()
    image = product_image_add(product=theirs, data=png(), filename="a.png")
    assert owner.post(url("image-delete", seller, mine.pk, image.pk)).status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


# ---------------------------------------------------------------------------- products


def test_create_a_product_with_variants(owner, seller):
    data = product_post(
        option_names="Size",
        commission="12.5",
        variants=[
            {"option_1": "30 ml", "sku": "GLOW-30", "price": "12.99", "compare_at": "18.00",
             "stock": 5},
            {"option_1": "50 ml", "sku": "GLOW-50", "price": "19.50", "stock": 0},
            {},  # the empty extra row is ignored
        ],
    )  # fmt: skip
    response = owner.post(url("product-new", seller), data)

    product = Product.objects.get(seller=seller)
    assert response.status_code == 302
    assert response["Location"] == url("product-edit", seller, product.pk)
    assert (product.title, product.status, product.market_id) == ("Glow serum", "active", "US")
    assert product.commission_rate_bp == 1250
    assert product.option_names == ["Size"]
    assert product.handle == "glow-serum"
    variants = list(product.variants.order_by("position"))
    assert [(v.sku, v.options, v.price_minor, v.compare_at_minor, v.stock) for v in variants] == [
        ("GLOW-30", {"Size": "30 ml"}, 1299, 1800, 5),
        ("GLOW-50", {"Size": "50 ml"}, 1950, None, 0),
    ]
    assert (product.price_minor, product.compare_at_minor, product.stock_total) == (1299, 1800, 5)
    assert "“Glow serum” created." in owner.get(response["Location"]).content.decode()


@pytest.mark.parametrize("commission", ["0", "0.5", "80.01", "81", "-5", "ten"])
def test_commission_out_of_range_is_a_form_error_and_saves_nothing(owner, seller, commission):
    data = product_post(variants=[{"price": "9.99", "stock": 1}], commission=commission)
    response = owner.post(url("product-new", seller), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["commission_percent"]
    assert errors == (
        ["Enter a percentage such as 10 or 12.5."]
        if commission == "ten"
        else ["The commission must be between 1 % and 80 %."]
    )
    assert "The commission must be between" in response.content.decode() or commission == "ten"
    assert not Product.objects.exists()


def test_commission_out_of_range_on_edit_leaves_the_product_alone(owner, seller):
    product = ProductFactory(seller=seller, commission_rate_bp=1500)
    variant = product.variants.get()
    data = product_post(
        product,
        commission="95",
        variants=[{"variant_id": variant.pk, "sku": variant.sku, "price": "5.00", "stock": 1}],
    )
    response = owner.post(url("product-edit", seller, product.pk), data)
    assert response.status_code == 200
    assert "commission_percent" in response.context["form"].errors
    product.refresh_from_db()
    variant.refresh_from_db()
    assert product.commission_rate_bp == 1500 and variant.price_minor == 1999


def test_commission_edges_1_and_80_percent_are_accepted(owner, seller):
    for percent, bp in (("1", 100), ("80", 8000)):
        data = product_post(variants=[{"price": "1", "stock": 1}], commission=percent)
        data["title"] = f"Edge {percent}"
        assert owner.post(url("product-new", seller), data).status_code == 302
        assert Product.objects.get(title=f"Edge {percent}").commission_rate_bp == bp


def test_variant_edits_refresh_the_product_summary(owner, seller):
    product = ProductFactory(
        seller=seller,
        option_names=["Color"],
        variants=[
            {"sku": "RED", "options": {"Color": "Red"}, "price_minor": 1000, "stock": 3},
            {"sku": "BLUE", "options": {"Color": "Blue"}, "price_minor": 1200, "stock": 4},
        ],
    )
    red, blue = product.variants.order_by("position")
    assert (product.price_minor, product.stock_total) == (1000, 7)

    data = product_post(
        product,
        option_names="Color",
        variants=[
            {"variant_id": red.pk, "option_1": "Red", "sku": "RED", "price": "9.00", "stock": 3,
             "DELETE": True},
            {"variant_id": blue.pk, "option_1": "Navy", "sku": "BLUE", "price": "11.50",
             "compare_at": "15.00", "stock": 9},
            {"option_1": "Green", "sku": "GREEN", "price": "14.00", "stock": 2},
        ],
    )  # fmt: skip
    response = owner.post(url("product-edit", seller, product.pk), data)

    assert response.status_code == 302, response.context and response.context["formset"].errors
    product.refresh_from_db()
    assert not Variant.objects.filter(pk=red.pk).exists()
    blue.refresh_from_db()
    assert (blue.options, blue.price_minor, blue.compare_at_minor, blue.stock) == (
        {"Color": "Navy"}, 1150, 1500, 9,
    )  # fmt: skip
    assert product.variants.count() == 2
    assert (product.price_minor, product.compare_at_minor, product.stock_total) == (1150, 1500, 11)


def test_variant_rows_are_validated_next_to_their_fields(owner, seller):
    mine = ProductFactory(seller=seller, title="Toner", variants=[{"sku": "TAKEN"}])
    data = product_post(
        option_names="Size",
        variants=[
            {"option_1": "S", "sku": "A", "price": "12.999", "stock": 1},
            {"option_1": "M", "sku": "A", "price": "5.00", "compare_at": "4.00", "stock": -1},
            {"option_1": "", "sku": "TAKEN", "price": "abc", "stock": 1},
        ],
    )
    response = owner.post(url("product-new", seller), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[0].errors["price"] == ["USD prices have at most 2 decimal places."]
    assert forms[1].errors["compare_at"] == ["The compare-at price must be higher than the price."]
    assert forms[1].errors["stock"] == ["Stock cannot be negative."]
    assert forms[2].errors["price"] == ["Enter a price like 12.99."]
    assert "option_1" in forms[2].errors
    assert Product.objects.count() == 1 and mine.variants.count() == 1

    # Once each row is fine on its own, the rows are checked against each other and the shop.
    data = product_post(
        option_names="Size",
        variants=[
            {"option_1": "S", "sku": "A", "price": "1.00", "stock": 1},
            {"option_1": "M", "sku": "A", "price": "1.00", "stock": 1},
            {"option_1": "S", "sku": "TAKEN", "price": "1.00", "stock": 1},
        ],
    )
    forms = owner.post(url("product-new", seller), data).context["formset"].forms
    assert forms[1].errors["sku"] == ["Variant 1 already uses this SKU."]
    assert forms[2].errors["sku"] == ["Your product “Toner” already uses this SKU."]
    assert "Variant 1 has the same options" in forms[2].non_field_errors()[0]
    assert Product.objects.count() == 1


def test_a_product_needs_a_variant(owner, seller):
    data = product_post(variants=[{}, {}])
    response = owner.post(url("product-new", seller), data)
    assert response.status_code == 200
    assert not Product.objects.exists()
    assert "price" in response.context["formset"].forms[0].errors


def test_a_variant_id_of_another_product_is_refused(owner, seller):
    mine = ProductFactory(seller=seller)
    theirs = ProductFactory()
    stranger = theirs.variants.get()
    data = product_post(
        mine,
        variants=[{"variant_id": stranger.pk, "sku": "X", "price": "1.00", "stock": 1}],
    )
    response = owner.post(url("product-edit", seller, mine.pk), data)
    assert response.status_code == 200
    assert "not part of this product" in str(response.context["formset"].non_form_errors())
    stranger.refresh_from_db()
    assert stranger.price_minor == 1999


def test_jpy_shop_prices_are_whole_yen(client_for, markets):
    jp = SellerFactory(market=markets["JP"])
    client = client_for(jp.owner)
    response = client.post(url("product-new", jp), product_post(variants=[{"price": "10.5"}]))
    assert response.context["formset"].forms[0].errors["price"] == [
        "JPY has no cents: enter a whole number."
    ]
    response = client.post(
        url("product-new", jp), product_post(variants=[{"price": "¥1500", "stock": 2}])
    )
    assert response.status_code == 302
    product = Product.objects.get(seller=jp)
    assert (product.price_minor, product.market_id) == (1500, "JP")
    page = client.get(url("products", jp)).content.decode()
    assert "¥1,500" in page


def test_edit_form_shows_prices_as_decimals(owner, seller):
    product = ProductFactory(seller=seller, variants=[{"price_minor": 1205, "stock": 2}])
    page = owner.get(url("product-edit", seller, product.pk)).content.decode()
    assert 'value="12.05"' in page
    assert 'for="id_commission_percent"' in page and "csrfmiddlewaretoken" in page


# ---------------------------------------------------------------------------- stock


def test_quick_stock_edit(owner, seller):
    product = ProductFactory(
        seller=seller, variants=[{"sku": "A", "stock": 1}, {"sku": "B", "stock": 2}]
    )
    a, b = product.variants.order_by("position")
    stranger = ProductFactory().variants.get()
    data = {
        "stock-TOTAL_FORMS": "3",
        "stock-INITIAL_FORMS": "3",
        "stock-0-variant_id": a.pk,
        "stock-0-stock": "7",
        "stock-1-variant_id": b.pk,
        "stock-1-stock": "0",
        "stock-2-variant_id": stranger.pk,
        "stock-2-stock": "0",
    }
    response = owner.post(url("product-stock", seller, product.pk), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stock_total == 7
    assert sorted(product.variants.values_list("stock", flat=True)) == [0, 7]
    stranger.refresh_from_db()
    assert stranger.stock == 10

    data["stock-0-stock"] = "-2"
    response = owner.post(url("product-stock", seller, product.pk), data)
    assert response.status_code == 200
    assert "Stock cannot be negative." in response.content.decode()
    a.refresh_from_db()
    assert a.stock == 7


# ---------------------------------------------------------------------------- images


def test_image_upload_makes_a_thumbnail(owner, seller):
    product = ProductFactory(seller=seller)
    upload = SimpleUploadedFile("serum.png", png(), content_type="image/png")
    response = owner.post(
        url("product-images", seller, product.pk), {"image": upload, "alt": "The bottle"}
    )
    assert response.status_code == 302
    image = product.images.get()
    assert image.alt == "The bottle" and image.image and image.thumbnail
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.size == (480, 480)
    page = owner.get(response["Location"]).content.decode()
    assert image.thumbnail.url in page and "Image added." in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.png", b"this is not an image"), ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")],
)
def test_a_non_image_is_a_form_error(owner, seller, name, content):
    product = ProductFactory(seller=seller)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = owner.post(url("product-images", seller, product.pk), {"image": upload})
    assert response.status_code == 200
    assert "This file is not an image we can read" in response.content.decode()
    assert not product.images.exists()


def test_images_can_be_reordered_and_deleted(owner, seller, django_capture_on_commit_callbacks):
    product = ProductFactory(seller=seller)
    first, second, third = (
        product_image_add(product=product, data=png(color), filename=f"{color}.png")
        for color in ("red", "green", "blue")
    )
    owner.post(url("image-move", seller, product.pk, third.pk), {"direction": "up"})
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        first.pk, third.pk, second.pk,
    ]  # fmt: skip
    owner.post(url("image-move", seller, product.pk, first.pk), {"direction": "up"})  # stays
    owner.post(url("image-move", seller, product.pk, first.pk), {"direction": "down"})
    assert list(product.images.order_by("position").values_list("pk", "position")) == [
        (third.pk, 1), (first.pk, 2), (second.pk, 3),
    ]  # fmt: skip

    path = Path(third.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(url("image-delete", seller, product.pk, third.pk))
    assert response.status_code == 302
    assert list(product.images.order_by("position").values_list("pk", "position")) == [
        (first.pk, 1), (second.pk, 2),
    ]  # fmt: skip
    assert not path.exists()
    assert owner.get(url("image-delete", seller, product.pk, first.pk)).status_code == 405


# ---------------------------------------------------------------------------- CSV import


def test_csv_upload_imports_and_shows_the_summary(owner, seller):
    upload = SimpleUploadedFile(
        "products_export.csv", (FIXTURES / "products_export.csv").read_bytes()
    )
    response = owner.post(url("import", seller), {"file": upload})
    assert response.status_code == 302 and response["Location"] == url("import", seller)
    assert Product.objects.filter(seller=seller).count() == 4

    page = owner.get(response["Location"]).content.decode()
    assert "products_export.csv imported" in page
    assert "Products created</dt><dd>4</dd>" in page
    assert "8 images could not be downloaded" in page
    # The summary is shown once (POST-redirect-GET), not on every later visit.
    assert "products_export.csv imported" not in owner.get(url("import", seller)).content.decode()


def test_csv_upload_failure_shows_rows_and_columns_and_imports_nothing(owner, seller):
    upload = SimpleUploadedFile("bad.csv", (FIXTURES / "bad_price.csv").read_bytes())
    response = owner.post(url("import", seller), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: 1 problem found" in page
    assert "<td>3</td><td>Variant Price</td>" in page
    assert "12.999" in page
    assert not Product.objects.exists()


def test_csv_upload_needs_a_csv_file(owner, seller):
    response = owner.post(url("import", seller), {"file": SimpleUploadedFile("x.xlsx", b"PK")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose the .csv file Shopify exported."]
    response = owner.post(url("import", seller), {})
    assert "file" in response.context["form"].errors


def test_a_commission_cut_is_announced_and_applies_30_days_later(owner, seller):
    product = ProductFactory(seller=seller, commission_rate_bp=1500)
    variant = product.variants.get()
    data = product_post(
        product,
        commission="10",
        variants=[{"variant_id": variant.pk, "sku": variant.sku, "price": "5.00", "stock": 1}],
    )
    assert owner.post(url("product-edit", seller, product.pk), data).status_code == 302
    product.refresh_from_db()
    assert (product.commission_rate_bp, product.commission_rate_next_bp) == (1500, 1000)
    days = (product.commission_rate_next_at - timezone.now()).days
    assert 29 <= days <= 30
    assert product.commission_rate_at(timezone.now()) == 1500
    assert product.commission_rate_at(product.commission_rate_next_at) == 1000
    page = owner.get(url("product-edit", seller, product.pk)).content.decode()
    assert "Creators keep 15\u00a0% until" in page
    # Saving the form again (it shows the announced 10 %) keeps the notice running.
    assert owner.post(url("product-edit", seller, product.pk), data).status_code == 302
    product.refresh_from_db()
    assert product.commission_rate_next_bp == 1000

    data["commission_percent"] = "20"  # raising applies at once and cancels the cut
    assert owner.post(url("product-edit", seller, product.pk), data).status_code == 302
    product.refresh_from_db()
    assert (product.commission_rate_bp, product.commission_rate_next_bp) == (2000, None)
    assert product.price_minor == 500


def test_product_list_queries_do_not_grow_with_products(
    owner, seller, django_assert_max_num_queries
):
    for i in range(3):
        product = ProductFactory(seller=seller, variants=[{}, {}])
        product_image_add(product=product, data=png(), filename=f"{i}.png")
    with django_assert_max_num_queries(12) as small:
        owner.get(url("products", seller))
    for _ in range(12):
        ProductFactory(seller=seller, variants=[{}, {}, {}])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = owner.get(url("products", seller))
    assert response.content.decode().count("sc-product-title") == 15
