"""The seller API: a seller manages only their own products; read-only fields stay
read-only; variants keep the product summary true; delete archives. Prices and commission
rates: test_api_seller_money.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shop.api.seller_serializers import (
    PRODUCT_READ_ONLY_FIELDS,
    VARIANT_READ_ONLY_FIELDS,
    ProductCreateInputSerializer,
    ProductInputSerializer,
    VariantInputSerializer,
)
from shop.models import Product, ProductStatus, Variant
from tests.factories import (
    CategoryFactory,
    ProductFactory,
    UserFactory,
)
from tests.shop import seller_api_support as support
from tests.shop.seller_api_support import LIST, detail, ids, variant, variants

pytestmark = pytest.mark.django_db

seller = support.seller
api, other = support.api, support.other


# Who may call ----------------------------------------------------------------------------


def test_a_user_without_a_shop_gets_403_with_a_stable_code(markets):
    client = APIClient()
    client.force_authenticate(UserFactory())
    for response in (
        client.get(LIST),
        client.post(LIST, {"title": "x"}, format="json"),
        client.patch(variant(1), {"stock": 1}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "not_a_seller"


def test_anonymous_clients_are_refused_with_a_code(markets):
    response = APIClient().get(LIST)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


# Lists and reads are the seller's own ----------------------------------------------------


def test_list_is_only_the_sellers_own_products_of_any_status(api, seller, other):
    draft = ProductFactory(seller=seller, status=ProductStatus.DRAFT)
    active = ProductFactory(seller=seller)
    archived = ProductFactory(seller=seller, status=ProductStatus.ARCHIVED)

    assert ids(api.get(LIST)) == [archived.pk, active.pk, draft.pk]
    assert ids(api.get(LIST, {"status": "draft"})) == [draft.pk]


def test_list_pages_by_cursor_with_a_constant_query_count(api, seller):
    for _ in range(12):
        ProductFactory(seller=seller, variants=[{}, {}])
    api.get(LIST)

    with CaptureQueriesContext(connection) as small:
        first = api.get(LIST, {"page_size": 5}).json()
    with CaptureQueriesContext(connection) as large:
        api.get(LIST, {"page_size": 12})
    # The seller; the page with seller, market and category; the page's images.
    assert len(small) == len(large) <= 3

    seen = [p["id"] for p in first["results"]]
    url = first["next"]
    while url:
        body = api.get(url).json()
        seen += [p["id"] for p in body["results"]]
        url = body["next"]
    assert sorted(seen, reverse=True) == seen
    assert len(seen) == len(set(seen)) == 12


def test_detail_shows_variants_commission_and_summary(api, seller):
    product = ProductFactory(
        seller=seller,
        commission_rate_bp=1250,
        variants=[{"sku": "A", "price_minor": 1500, "stock": 2}, {"sku": "B", "stock": 3}],
    )
    body = api.get(detail(product.pk)).json()
    assert body["commission_rate"] == "12.5"
    assert body["commission_rate_bp"] == 1250
    assert (body["price"], body["price_minor"], body["stock_total"]) == ("15.00", 1500, 5)
    assert [v["sku"] for v in body["variants"]] == ["A", "B"]
    assert body["variants"][0]["price"] == "15.00"
    assert body["seller"] == {"slug": "my-shop", "name": "My Shop"}


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_sellers_product_is_a_404_and_stays_untouched(api, other, method):
    response = getattr(api, method)(detail(other.pk), {"title": "Mine now"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "product_not_found"
    other.refresh_from_db()
    assert (other.title, other.status) == ("Rival kettle", ProductStatus.ACTIVE)


def test_another_sellers_variants_are_404_for_add_edit_and_delete(api, other):
    theirs = other.variants.get()
    response = api.post(variants(other.pk), {"price": "1.00"}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "product_not_found")
    response = api.patch(variant(theirs.pk), {"price": "1.00", "stock": 0}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "variant_not_found")
    response = api.delete(variant(theirs.pk))
    assert (response.status_code, response.json()["code"]) == (404, "variant_not_found")
    theirs.refresh_from_db()
    assert (theirs.price_minor, theirs.stock) == (3000, 4)
    assert other.variants.count() == 1


# Create ----------------------------------------------------------------------------------


def test_create_a_product_with_variants(api, seller, markets):
    CategoryFactory(slug="kitchen")
    response = api.post(
        LIST,
        {
            "title": "Stone mug",
            "description": "Hand thrown.",
            "tags": ["ceramic", "gift"],
            "category": "kitchen",
            "option_names": ["Color"],
            "commission_rate": "15",
            "status": "active",
            "variants": [
                {"sku": "MUG-W", "options": {"Color": "White"}, "price": "18.00", "stock": 4},
                {
                    "sku": "MUG-B",
                    "options": {"Color": "Blue"},
                    "price": "16.50",
                    "compare_at_price": "20.00",
                    "stock": 1,
                },
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    product = Product.objects.get(pk=body["id"])
    assert product.seller == seller
    assert product.market_id == "US"
    assert product.handle == "stone-mug"
    assert product.tags == "ceramic, gift"
    assert product.commission_rate_bp == 1500
    assert (product.price_minor, product.compare_at_minor, product.stock_total) == (1650, 2000, 5)
    assert "hand thrown" in product.search_document
    assert body["status"] == "active"
    assert body["price"] == "16.50"
    assert [v["price_minor"] for v in body["variants"]] == [1800, 1650]


def test_a_new_product_is_a_draft_and_handles_stay_unique(api, seller):
    first = api.post(LIST, {"title": "Tote bag"}, format="json").json()
    second = api.post(LIST, {"title": "Tote bag"}, format="json").json()
    assert first["status"] == second["status"] == "draft"
    assert (first["handle"], second["handle"]) == ("tote-bag", "tote-bag-2")
    clash = api.post(LIST, {"title": "Other", "handle": "tote-bag"}, format="json")
    assert clash.status_code == 400
    assert "handle" in clash.json()["errors"]


def test_publishing_needs_a_variant(api, seller):
    response = api.post(LIST, {"title": "Ghost", "status": "active"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    draft = api.post(LIST, {"title": "Ghost"}, format="json").json()
    response = api.patch(detail(draft["id"]), {"status": "active"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_read_only_fields_sent_on_create_are_ignored(api, seller, other):
    response = api.post(
        LIST,
        {
            "id": 424242,
            "title": "Honest lamp",
            "seller": other.seller_id,
            "market": "GB",
            "sold_count": 999,
            "price_minor": 1,
            "stock_total": 500,
            "created_at": "2001-01-01T00:00:00Z",
            "variants": [{"price": "40.00", "stock": 2, "price_minor": 1, "id": 7}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    product = Product.objects.get(pk=response.json()["id"])
    assert product.pk != 424242
    assert (product.seller_id, product.market_id) == (seller.pk, "US")
    assert (product.sold_count, product.price_minor, product.stock_total) == (0, 4000, 2)
    assert product.created_at.year > 2001
    assert product.variants.get().price_minor == 4000


def test_read_only_fields_sent_on_patch_are_ignored(api, seller, other):
    product = ProductFactory(seller=seller, variants=[{"price_minor": 2500, "stock": 3}])
    Product.objects.filter(pk=product.pk).update(sold_count=11)

    response = api.patch(
        detail(product.pk),
        {
            "title": "Renamed",
            "sold_count": 0,
            "seller": other.seller_id,
            "market": "JP",
            "price_minor": 1,
            "stock_total": 999,
            "compare_at_minor": 99999,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    product.refresh_from_db()
    assert product.title == "Renamed"
    assert (product.sold_count, product.seller.slug, product.market_id) == (11, "my-shop", "US")
    assert (product.price_minor, product.stock_total, product.compare_at_minor) == (2500, 3, None)


def test_input_serializers_have_no_read_only_field():
    # Prices go in as decimal strings ("price"); the minor units are the server's.
    for serializer in (ProductCreateInputSerializer(), ProductInputSerializer()):
        assert not set(serializer.fields) & set(PRODUCT_READ_ONLY_FIELDS)
    assert not set(VariantInputSerializer().fields) & set(VARIANT_READ_ONLY_FIELDS)


# Variants keep the product summary true --------------------------------------------------


def test_adding_editing_and_deleting_variants_refreshes_the_summary(api, seller):
    product = ProductFactory(seller=seller, variants=[{"price_minor": 2000, "stock": 5}])

    added = api.post(
        variants(product.pk), {"sku": "CHEAP", "price": "9.50", "stock": 2}, format="json"
    )
    assert added.status_code == 201, added.content
    product.refresh_from_db()
    assert (product.price_minor, product.stock_total) == (950, 7)

    new_id = added.json()["id"]
    edited = api.patch(variant(new_id), {"price": "30.00", "stock": 0}, format="json")
    assert edited.status_code == 200
    assert edited.json()["price"] == "30.00"
    product.refresh_from_db()
    assert (product.price_minor, product.stock_total) == (2000, 5)

    assert api.delete(variant(new_id)).status_code == 204
    assert not Variant.objects.filter(pk=new_id).exists()


def test_stock_cannot_go_below_zero(api, seller):
    product = ProductFactory(seller=seller)
    response = api.patch(variant(product.variants.get().pk), {"stock": -1}, format="json")
    assert response.status_code == 400
    assert "stock" in response.json()["errors"]


def test_sku_is_unique_within_a_product_and_options_follow_option_names(api, seller):
    product = ProductFactory(seller=seller, option_names=["Size"], variants=[{"sku": "S"}])
    clash = api.post(variants(product.pk), {"sku": "S", "price": "1.00"}, format="json")
    assert "sku" in clash.json()["errors"]
    wrong = api.post(
        variants(product.pk), {"options": {"Colour": "Red"}, "price": "1.00"}, format="json"
    )
    assert "options" in wrong.json()["errors"]


def test_the_last_variant_of_a_published_product_cannot_be_deleted(api, seller):
    product = ProductFactory(seller=seller)
    response = api.delete(variant(product.variants.get().pk))
    assert response.status_code == 400
    assert product.variants.count() == 1


# Delete archives -------------------------------------------------------------------------


def test_delete_archives_the_product_and_hides_it_from_shoppers(api, seller):
    product = ProductFactory(seller=seller)
    public = APIClient()
    assert [p["id"] for p in public.get("/api/products/").json()["results"]] == [product.pk]

    assert api.delete(detail(product.pk)).status_code == 204
    assert api.delete(detail(product.pk)).status_code == 204  # repeating is harmless

    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    assert product.variants.count() == 1
    assert public.get("/api/products/").json()["results"] == []
    assert api.get(detail(product.pk)).json()["status"] == "archived"
