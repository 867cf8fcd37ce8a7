"""The seller center's quick stock edit and product images: upload with a thumbnail,
non-images refused, reordering and deleting."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.services.catalog import product_image_add
from tests.factories import ProductFactory
from tests.shop import seller_center_support as support
from tests.shop.seller_center_support import png, url

pytestmark = pytest.mark.django_db

seller, client_for, owner = support.seller, support.client_for, support.owner


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
