"""Stock holds that expire, Idempotency-Keys forgotten only after 48 hours, and the HTML
checkout form submitted twice."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import (
    IdempotencyKey,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    StockHold,
    Variant,
)
from shop.services.checkout import Address, LineRequest, _hold
from shop.tasks import holds_expire, idempotency_keys_purge
from tests.factories import DealFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(markets):
    return UserFactory(username="holder", market=markets["US"])


def _unpaid_checkout(buyer, market, variant, quantity=2):
    return _hold(
        buyer=buyer,
        market=market,
        lines=[LineRequest(variant.pk, quantity)],
        address=Address("Ada", "1 Main St", "Springfield", "12345", "US"),
        shipping_option="standard",
    )


def test_an_expired_hold_gives_stock_and_deal_units_back(buyer, markets):
    variant = ProductFactory(variants=[{"stock": 5}]).variants.get()
    deal = DealFactory(variant=variant, quantity_cap=10)
    checkout = _unpaid_checkout(buyer, markets["US"], variant)
    assert Variant.objects.get(pk=variant.pk).stock == 3
    assert Product.objects.get(pk=variant.product_id).stock_total == 3

    assert holds_expire() == 0  # not yet: the hold lasts 15 minutes
    StockHold.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert holds_expire() == 1
    assert holds_expire() == 0  # a second sweep finds nothing to do

    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert Product.objects.get(pk=variant.product_id).stock_total == 5
    deal.refresh_from_db()
    assert deal.quantity_sold == 0
    assert Payment.objects.get(checkout=checkout).status == PaymentStatus.FAILED
    assert Order.objects.get(checkout=checkout).status == OrderStatus.CANCELLED


def test_a_captured_payment_keeps_its_hold_past_expiry(buyer, markets):
    """The pipeline may be late (a broker outage); a paid order must not lose its stock."""
    variant = ProductFactory(variants=[{"stock": 5}]).variants.get()
    checkout = _unpaid_checkout(buyer, markets["US"], variant)
    Payment.objects.filter(checkout=checkout).update(status=PaymentStatus.CAPTURED)
    StockHold.objects.update(expires_at=timezone.now() - timedelta(minutes=30))
    assert holds_expire() == 0
    assert Variant.objects.get(pk=variant.pk).stock == 3


def test_keys_are_kept_48_hours_then_forgotten(buyer):
    old = IdempotencyKey.objects.create(user=buyer, key="old", request_hash="x")
    fresh = IdempotencyKey.objects.create(user=buyer, key="fresh", request_hash="x")
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=49))
    IdempotencyKey.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - timedelta(hours=47)
    )
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_the_checkout_form_submitted_twice_places_one_order(
    client, buyer, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_SANDBOX_WEBHOOKS = False
    variant = ProductFactory(variants=[{"stock": 5}]).variants.get()
    client.force_login(buyer)
    form = {
        "full_name": "Ada Shopper",
        "line1": "1 Main St",
        "city": "Springfield",
        "postal_code": "12345",
        "country": "US",
        "shipping_option": "standard",
        "card_number": "4242 4242 4242 4242",
        "expiry": "12/31",
        "cvc": "123",
        "idempotency_key": uuid.uuid4().hex,
        "variant": variant.pk,
        "quantity": 1,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("checkout"), form)
        second = client.post(reverse("checkout"), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 4
    done = client.get(first["Location"]).content.decode()
    assert "Thank you" in done and f"Order #{Order.objects.get().number}" in done


@pytest.mark.parametrize(
    "query",
    [
        "variant=abc",
        "variant=1&quantity=x",
        "variant=1&quantity=500",
        "variant=99999999999999999999",
        "address=zz",
        "address=99999999999999999999",
    ],
)
def test_an_edited_checkout_link_gets_a_page_not_a_server_error(client, buyer, query):
    client.force_login(buyer)
    response = client.get(f"{reverse('checkout')}?{query}")
    assert response.status_code == 200
    if query.startswith("variant"):
        assert "There is nothing to check out yet." in response.content.decode()


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b'{"type": "payment.succeeded"}'])
def test_a_signed_body_that_is_not_an_event_is_ignored(client, body):
    from shop.payments.sandbox import sign

    response = client.post(
        "/api/payments/webhook/", body, content_type="application/json", HTTP_X_SIGNATURE=sign(body)
    )
    assert response.status_code == 200
