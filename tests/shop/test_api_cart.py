import pytest
from rest_framework.test import APIClient

from shop.models import CartLine
from tests.factories import DealFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(markets):
    client = APIClient()
    client.force_authenticate(UserFactory(username="cartapi", market=markets["US"]))
    return client


def test_empty_cart(api):
    body = api.get("/api/cart/").json()
    assert body == {
        "currency": "USD",
        "item_count": 0,
        "subtotal": "$0.00",
        "subtotal_minor": 0,
        "savings": "$0.00",
        "lines": [],
    }


def test_add_change_and_remove_items(api):
    variant = ProductFactory(variants=[{"price_minor": 1000, "stock": 5}]).variants.get()
    DealFactory(variant=variant, price_minor=800, quantity_cap=1)
    added = api.post("/api/cart/items/", {"variant_id": variant.pk, "quantity": 2}, format="json")
    assert added.status_code == 201
    body = added.json()
    line = body["lines"][0]
    assert (line["quantity"], line["deal_units"], line["total"]) == (2, 1, "$18.00")
    assert (body["subtotal_minor"], body["savings"]) == (1800, "$2.00")

    changed = api.patch(f"/api/cart/items/{line['id']}/", {"quantity": 5}, format="json")
    assert changed.status_code == 200
    assert changed.json()["item_count"] == 5

    too_many = api.patch(f"/api/cart/items/{line['id']}/", {"quantity": 6}, format="json")
    assert too_many.status_code == 409
    assert too_many.json()["code"] == "insufficient_stock"
    assert too_many.json()["available"] == 5

    removed = api.delete(f"/api/cart/items/{line['id']}/")
    assert removed.status_code == 200
    assert removed.json()["lines"] == []


def test_bad_input_and_other_peoples_lines(api, markets):
    assert api.post("/api/cart/items/", {"quantity": 0}, format="json").status_code == 400
    other = APIClient()
    other.force_authenticate(UserFactory(username="other", market=markets["US"]))
    variant = ProductFactory().variants.get()
    theirs = other.post("/api/cart/items/", {"variant_id": variant.pk}, format="json").json()
    line_id = theirs["lines"][0]["id"]
    api.post("/api/cart/items/", {"variant_id": variant.pk}, format="json")
    assert api.delete(f"/api/cart/items/{line_id}/").status_code == 404
    assert (
        api.patch(f"/api/cart/items/{line_id}/", {"quantity": 2}, format="json").json()["code"]
        == "cart_line_not_found"
    )
    assert CartLine.objects.filter(pk=line_id).exists()


def test_an_anonymous_cart_lives_in_the_session(markets):
    client = APIClient()
    variant = ProductFactory().variants.get()
    client.post("/api/cart/items/", {"variant_id": variant.pk}, format="json")
    assert client.get("/api/cart/").json()["item_count"] == 1
    assert APIClient().get("/api/cart/").json()["item_count"] == 0
