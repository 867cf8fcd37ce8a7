"""Shared set-up of the shopper's catalog API tests: an API client, the product ids of a
page, and the queries a request makes (``markets`` is tests/conftest.py's).

A module uses the fixture by binding it: ``api = support.api``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

PRODUCTS = "/api/products/"


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
