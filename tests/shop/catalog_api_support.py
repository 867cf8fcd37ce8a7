"""Shared set-up of the shopper's catalog API tests: an API client, the markets, fast
password hashing, the product ids of a page, and the queries a request makes.

A module uses the fixtures by binding them: ``_fast_passwords, markets, api =
support._fast_passwords, support.markets, support.api`` (``_fast_passwords`` is autouse
where bound)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import ensure_markets

PRODUCTS = "/api/products/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory seller has an owner; PBKDF2 would make each cost most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def markets():
    return ensure_markets()


@pytest.fixture
def api():
    return APIClient()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def count_queries(api, url: str, params: dict) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response
