"""Seller center access and the product list: sign-in, shops of one's own only, the shop
picker, list filters and search, other sellers' products out of reach, and the list's
query count.

The product form: test_seller_center_products.py; stock and images:
test_seller_center_stock_images.py; CSV import: test_seller_center_import.py. The set-up
lives in seller_center_support.py."""

import pytest

from shop.models import ProductImage, ProductStatus
from shop.services.catalog import product_image_add
from tests.factories import ProductFactory, SellerFactory, UserFactory
from tests.shop import seller_center_support as support
from tests.shop.seller_center_support import png, url

pytestmark = pytest.mark.django_db

seller, client_for, owner = support.seller, support.client_for, support.owner


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
