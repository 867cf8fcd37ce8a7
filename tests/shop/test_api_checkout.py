import json
import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from shop.models import Cart, IdempotencyKey, Order, Payment, SavedAddress, Variant
from shop.services.cart import cart_add
from tests.factories import ProductFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


@pytest.fixture
def buyer(markets):
    return UserFactory(username="apibuyer", market=markets["US"])


@pytest.fixture
def api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    return client


def body(lines=None, card="4242 4242 4242 4242", **overrides):
    data = {
        "shipping_address": {
            "full_name": "Ada Shopper",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "12345",
            "country": "US",
        },
        "shipping_option": "standard",
        "payment": {"card_number": card, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
    }
    if lines is not None:
        data["lines"] = lines
    data.update(overrides)
    return data


def post(api, data, key="key-1"):
    return api.post("/api/checkout/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_buy_now_lines_create_orders(api):
    a = ProductFactory(variants=[{"price_minor": 1000}]).variants.get()
    b = ProductFactory(variants=[{"price_minor": 500}]).variants.get()
    response = post(
        api, body([{"variant_id": a.pk, "quantity": 1}, {"variant_id": b.pk, "quantity": 2}])
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["orders"]) == 2
    assert {o["status"] for o in data["orders"]} == {"paid"}
    assert data["currency"] == "USD"
    assert SavedAddress.objects.count() == 1


def test_checkout_of_the_cart_removes_what_was_bought(api, buyer, markets):
    variant = ProductFactory().variants.get()
    cart = Cart.objects.create(user=buyer, market=markets["US"])
    cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    response = post(api, body())
    assert response.status_code == 201
    assert not cart.lines.exists()
    assert Order.objects.get().lines.get().quantity == 2


def test_empty_cart_is_a_clear_error(api):
    response = post(api, body())
    assert response.status_code == 400
    assert response.json()["code"] == "empty_checkout"


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("4000 0000 0000 0002", "card_declined"),
        ("4000 0000 0000 9995", "insufficient_funds"),
        ("4000 0000 0000 0119", "processing_error"),
    ],
)
def test_card_failures_are_402_with_a_code(api, card, code):
    variant = ProductFactory().variants.get()
    response = post(api, body([{"variant_id": variant.pk, "quantity": 1}], card=card))
    assert response.status_code == 402
    assert response.json()["code"] == code


def test_insufficient_stock_is_409_naming_the_variant(api):
    variant = ProductFactory(variants=[{"stock": 1}]).variants.get()
    response = post(api, body([{"variant_id": variant.pk, "quantity": 2}]))
    assert response.status_code == 409
    assert response.json() == {
        "code": "insufficient_stock",
        "detail": "Only 1 left.",
        "variant_id": variant.pk,
        "available": 1,
    }


def test_checkout_disabled_market_is_403(markets):
    client = APIClient()
    client.force_authenticate(UserFactory(market=markets["ID"]))
    variant = ProductFactory().variants.get()
    data = body([{"variant_id": variant.pk, "quantity": 1}])
    data["shipping_address"]["country"] = "ID"
    response = post(client, data)
    assert response.status_code == 403
    assert response.json()["code"] == "checkout_disabled_in_market"


def test_invalid_input_gets_field_errors(api):
    data = body([{"variant_id": 1, "quantity": 0}], card="4242 4242 4242 4241")
    data["payment"]["exp_year"] = 2020
    data["shipping_address"]["country"] = "FR"
    response = post(api, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert response.json()["code"] == "invalid"
    assert "card_number" in errors["payment"]
    assert "exp_month" in errors["payment"]
    assert "country" in errors["shipping_address"]
    assert "quantity" in errors["lines"]["0"]
    assert not Payment.objects.exists()


def test_key_is_required(api):
    response = api.post("/api/checkout/", body(), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"


def test_same_key_same_body_replays_and_other_body_is_422(api):
    variant = ProductFactory(variants=[{"stock": 5}]).variants.get()
    data = body([{"variant_id": variant.pk, "quantity": 1}])
    first = post(api, data)
    second = post(api, data)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    other = post(api, body([{"variant_id": variant.pk, "quantity": 2}]))
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Variant.objects.get(pk=variant.pk).stock == 4


def test_a_declined_response_is_replayed_too(api):
    variant = ProductFactory().variants.get()
    data = body([{"variant_id": variant.pk, "quantity": 1}], card="4000 0000 0000 0002")
    assert post(api, data).status_code == 402
    assert post(api, data).status_code == 402
    assert Payment.objects.count() == 1


def test_card_number_is_not_stored_with_the_key(api):
    variant = ProductFactory().variants.get()
    post(api, body([{"variant_id": variant.pk, "quantity": 1}]))
    record = IdempotencyKey.objects.get()
    assert "4242" not in str(record.response_body)
    assert "4242424242424242" not in record.request_hash


@pytest.mark.postgres
def test_twenty_identical_requests_at_once_make_one_order_and_one_charge(buyer):
    variant = ProductFactory(variants=[{"stock": 50}]).variants.get()
    data = body([{"variant_id": variant.pk, "quantity": 1}])
    barrier = threading.Barrier(20)
    results = []
    lock = threading.Lock()

    def send():
        client = APIClient()
        client.force_authenticate(buyer)
        barrier.wait()
        try:
            response = post(client, data, key="same-key")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 20
    assert {status for status, _ in results} == {201}
    assert len({json.dumps(payload, sort_keys=True) for _, payload in results}) == 1
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 49
