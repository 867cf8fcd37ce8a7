"""The OpenAPI schema and its Swagger UI: served, valid, free of generator warnings, and
the UI's assets come from the sidecar package, not a CDN."""

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.views import obtain_auth_token

pytestmark = pytest.mark.django_db

CATALOG_PATHS = {
    "/api/auth/token/": {"post"},
    "/api/products/": {"get"},
    "/api/products/{id}/": {"get"},
    "/api/deals/": {"get"},
    "/api/seller/products/": {"get", "post"},
    "/api/seller/products/{id}/": {"get", "patch", "delete"},
    "/api/seller/products/{id}/variants/": {"post"},
    "/api/seller/variants/{id}/": {"patch", "delete"},
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_served_and_valid_openapi(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")


def test_schema_documents_the_catalog_endpoints(schema):
    for url, methods in CATALOG_PATHS.items():
        assert url in schema["paths"], url
        assert methods <= set(schema["paths"][url]), url


def test_schema_documents_money_as_decimal_strings_and_error_codes(schema):
    components = schema["components"]["schemas"]
    assert components["ProductCard"]["properties"]["price"]["type"] == "string"
    assert components["ProductCard"]["properties"]["price"]["format"] == "decimal"
    assert components["VariantInputRequest"]["properties"]["price"]["type"] == "string"
    assert "code" in components["Error"]["required"]
    token_errors = schema["paths"]["/api/auth/token/"]["post"]["responses"]["400"]
    assert token_errors["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ValidationError"
    )
    params = {p["name"] for p in schema["paths"]["/api/products/"]["get"]["parameters"]}
    assert {"q", "search", "category", "sort", "min_price", "max_price", "cursor"} <= params


def test_catalog_endpoints_generate_without_warnings():
    # What ``spectacular --validate --fail-on-warn`` checks, for this API's endpoints: any
    # generator warning (an unguessable type, a view it cannot introspect, a name clash)
    # fails.
    patterns = [
        path("api/auth/token/", obtain_auth_token),
        path("api/", include("shop.api.urls")),
    ]
    GENERATOR_STATS.reset()
    try:
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
        warnings, errors = dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache)
    finally:
        GENERATOR_STATS.reset()
    assert warnings == {} and errors == {}
    validate_schema(schema)
    assert set(CATALOG_PATHS) <= set(schema["paths"])


def test_swagger_ui_is_served_from_the_sidecar_not_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html


@pytest.mark.django_db
def test_a_django_404_in_an_api_view_carries_the_not_found_code(client):
    from tests.factories import ensure_markets

    ensure_markets()
    response = client.get("/api/products/999999/")
    assert response.status_code == 404
    assert response.json()["code"] in {"not_found", "product_not_found"}
    response = client.get("/api/creators/nobody-here/")
    assert response.status_code == 404
    assert response.json()["code"].endswith("not_found")


def test_the_whole_project_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for route in ("/api/checkout/", "/api/cart/items/", "/api/feed/", "/api/products/{id}/"):
        assert f"  {route}:" in text
