"""The seller API's money: prices parsed exactly in the seller's currency, commission
rates (a raise at once, a cut after 30 days), compare-at prices."""

import pytest
from rest_framework.test import APIClient

from shop.models import Product, ProductStatus
from tests.factories import ProductFactory, SellerFactory
from tests.shop import seller_api_support as support
from tests.shop.seller_api_support import LIST, detail, variants

pytestmark = pytest.mark.django_db

seller = support.seller
api = support.api


@pytest.mark.parametrize("price", ["12.999", "1e-3", "abc", "-1.00", 12.5, ""])
def test_a_price_the_currency_cannot_hold_is_a_field_error(api, seller, price):
    product = ProductFactory(seller=seller)
    response = api.post(variants(product.pk), {"price": price}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "price" in body["errors"]
    assert product.variants.count() == 1


def test_yen_prices_have_no_minor_unit(api, markets):
    jp = SellerFactory(market=markets["JP"])
    client = APIClient()
    client.force_authenticate(jp.owner)
    product = ProductFactory(seller=jp)

    bad = client.post(variants(product.pk), {"price": "1500.5"}, format="json")
    assert bad.status_code == 400
    assert "JPY" in bad.json()["errors"]["price"][0]
    good = client.post(variants(product.pk), {"price": "1500"}, format="json")
    assert good.status_code == 201
    assert (good.json()["price"], good.json()["price_minor"]) == ("1500", 1500)


@pytest.mark.parametrize(
    ("rate", "bp"),
    [("1", 100), ("12.5", 1250), ("80", 8000), ("0.5", None), ("81", None), ("10.001", None)],
)
def test_commission_rate_is_a_percent_from_1_to_80(api, seller, rate, bp):
    response = api.post(LIST, {"title": "Rated", "commission_rate": rate}, format="json")
    if bp is None:
        assert response.status_code == 400
        assert "commission_rate" in response.json()["errors"]
    else:
        assert response.status_code == 201
        assert Product.objects.get(pk=response.json()["id"]).commission_rate_bp == bp


def test_commission_rises_at_once_and_a_cut_waits_30_days(api, seller):
    product = ProductFactory(seller=seller, commission_rate_bp=1000)
    raised = api.patch(detail(product.pk), {"commission_rate": "15"}, format="json")
    assert raised.status_code == 200
    assert raised.json()["commission_rate"] == "15"
    lowered = api.patch(detail(product.pk), {"commission_rate": "5"}, format="json")
    assert lowered.status_code == 200
    body = lowered.json()
    assert (body["commission_rate"], body["commission_rate_next"]) == ("15", "5")
    assert body["commission_rate_next_at"] is not None

    draft = ProductFactory(seller=seller, status=ProductStatus.DRAFT, commission_rate_bp=2000)
    response = api.patch(detail(draft.pk), {"commission_rate": "5"}, format="json")
    assert (response.json()["commission_rate"], response.json()["commission_rate_next"]) == (
        "5",
        None,
    )


def test_compare_at_price_must_be_above_the_price(api, seller):
    product = ProductFactory(seller=seller)
    response = api.post(
        variants(product.pk), {"price": "10.00", "compare_at_price": "9.99"}, format="json"
    )
    assert response.status_code == 400
    assert "compare_at_price" in response.json()["errors"]
