"""Token auth for API clients (good and bad credentials, a bad token) and the error
envelope of a refused write to the read-only catalog."""

import pytest

from tests.factories import SellerFactory, UserFactory
from tests.shop import catalog_api_support as support
from tests.shop.catalog_api_support import PRODUCTS

pytestmark = pytest.mark.django_db

api = support.api


def test_token_auth_with_good_credentials_authenticates_later_requests(api, markets):
    user = UserFactory(username="ana", password="correct-horse-9")
    SellerFactory(owner=user)

    response = api.post("/api/auth/token/", {"username": "ana", "password": "correct-horse-9"})

    assert response.status_code == 200
    token = response.json()["token"]
    assert api.get("/api/seller/products/").status_code == 401  # not signed in
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/seller/products/").status_code == 200


def test_token_auth_with_bad_credentials_is_a_400_with_a_code(api, markets):
    UserFactory(username="ana", password="correct-horse-9")
    response = api.post("/api/auth/token/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["errors"]["non_field_errors"]


def test_token_auth_without_a_password_is_a_field_error(api, markets):
    response = api.post("/api/auth/token/", {"username": "ana"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "password" in response.json()["errors"]


def test_a_bad_token_is_an_error_with_a_code(api, markets):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get(PRODUCTS)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


def test_catalog_is_read_only(api, markets):
    api.force_authenticate(UserFactory())
    response = api.post(PRODUCTS, {"title": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
