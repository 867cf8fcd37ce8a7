"""Shared set-up of the seller API tests: URLs, a seller with a signed-in client, and
another seller's product. A module binds the fixtures it uses, e.g.
``seller, api = support.seller, support.api``."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ProductFactory, SellerFactory

LIST = "/api/seller/products/"


def detail(pk: int) -> str:
    return f"/api/seller/products/{pk}/"


def variants(pk: int) -> str:
    return f"/api/seller/products/{pk}/variants/"


def variant(pk: int) -> str:
    return f"/api/seller/variants/{pk}/"


@pytest.fixture
def seller(markets):
    return SellerFactory(slug="my-shop", name="My Shop", market=markets["US"])


@pytest.fixture
def api(seller):
    client = APIClient()
    client.force_authenticate(seller.owner)
    return client


@pytest.fixture
def other(markets):
    """Another seller's product, with a variant."""
    return ProductFactory(
        seller=SellerFactory(slug="rival", market=markets["US"]),
        title="Rival kettle",
        variants=[{"sku": "RK-1", "price_minor": 3000, "stock": 4}],
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["results"]]
