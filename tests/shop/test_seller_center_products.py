"""The seller center's product form: creating and editing products with their variants,
row-by-row validation, prices in the shop's currency, and the commission (its range, and
a cut announced 30 days ahead)."""

import pytest
from django.utils import timezone

from shop.models import Product, Variant
from tests.factories import ProductFactory, SellerFactory
from tests.shop import seller_center_support as support
from tests.shop.seller_center_support import product_post, url

pytestmark = pytest.mark.django_db

seller, client_for, owner = support.seller, support.client_for, support.owner


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
