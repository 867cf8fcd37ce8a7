"""The seller center's Shopify CSV import page: the summary after an upload, a failed file
shown row by row with nothing imported, and a file that is not a CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shop.models import Product
from tests.shop import seller_center_support as support
from tests.shop.seller_center_support import FIXTURES, url

pytestmark = pytest.mark.django_db

seller, client_for, owner = support.seller, support.client_for, support.owner


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
