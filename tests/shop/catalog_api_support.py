"""Shared set-up of the shopper's catalog API tests: an API client, the markets, the
product ids of a page, and the queries a request makes.

A module uses the fixtures by binding them: ``markets, api = support.markets, support.api``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import ensure_markets

PRODUCTS = "/api/products/"


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
