"""The orders API for shoppers and sellers, and the payment webhook: someone else's order
is a 404 everywhere, steps out of order are 409 with a stable code, and a webhook is
applied once however often and in whatever order it arrives."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.models import OutboxEvent
from shop.models import Order, OrderStatus, Payment, PaymentStatus, ReturnRequest
from shop.payments.sandbox import sign
from shop.services.checkout import LineRequest, _hold
from tests.shop import orders_support
from tests.shop.orders_support import (
    ADDRESS,
    buyer_in,
    committed,
    make_variant,
    place_paid,
    ship_and_deliver,
)

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def order(markets):
    us = markets["US"]
    (placed,) = place_paid(buyer_in(us), us, [(make_variant(us, price=1250), 2)])
    return placed


def test_shopper_lists_and_reads_own_orders_but_not_failed_checkouts(order, markets):
    failed = _hold(
        buyer=order.buyer,
        market=markets["US"],
        lines=[LineRequest(order.lines.get().variant_id, 1)],
        address=ADDRESS["US"],
        shipping_option="standard",
    )
    from shop.services.checkout import payment_record_failure

    payment_record_failure(checkout_id=failed.pk, code="card_declined")
    api = api_for(order.buyer)
    body = api.get("/api/orders/").json()
    assert [o["id"] for o in body["results"]] == [order.pk]
    assert body["results"][0]["status"] == "paid" and body["results"][0]["item_count"] == 2
    detail = api.get(f"/api/orders/{order.pk}/").json()
    assert detail["total_minor"] == 2 * 1250 + 499 and detail["total"] == "$29.99"
    assert detail["can_cancel"] is True and detail["can_return"] is False
    assert [s["status"] for s in detail["history"]] == ["pending_payment", "paid"]
    assert detail["history"][0]["by"] == "You"
    assert detail["lines"][0]["gross_minor"] == 2500
    # The declined checkout is still readable by its link, and says what happened.
    failed_order = failed.orders.get()
    assert api.get(f"/api/orders/{failed_order.pk}/").json()["status_label"] == "Payment failed"


def test_order_list_queries_do_not_grow_with_orders(markets, django_assert_max_num_queries):
    us = markets["US"]
    buyer = buyer_in(us)
    for i in range(6):
        place_paid(buyer, us, [(make_variant(us), 1), (make_variant(us), 2)], key=f"k{i}")
    api = api_for(buyer)
    with django_assert_max_num_queries(8):
        response = api.get("/api/orders/")
    assert len(response.json()["results"]) == 12


def test_every_endpoint_hides_someone_elses_order(order, markets):
    stranger = buyer_in(markets["US"], "stranger")
    api = api_for(stranger)
    pk = order.pk
    assert api.get(f"/api/orders/{pk}/").status_code == 404
    assert api.post(f"/api/orders/{pk}/cancel/").status_code == 404
    returned = api.post(
        f"/api/orders/{pk}/returns/",
        {"reason": "damaged", "lines": [{"line_id": order.lines.get().pk, "quantity": 1}]},
        format="json",
    )
    assert returned.status_code == 404 and returned.json()["code"] == "not_found"
    assert api.get("/api/orders/").json()["results"] == []
    # Nor can the shopper act as its seller, or a seller as the shopper.
    buyer_api = api_for(order.buyer)
    ship = {"carrier": "UPS", "tracking_number": "1Z"}
    assert buyer_api.post(f"/api/seller/orders/{pk}/ship/", ship).status_code == 404
    assert buyer_api.post(f"/api/seller/orders/{pk}/deliver/").status_code == 404
    assert buyer_api.get(f"/api/seller/orders/{pk}/").status_code == 404
    assert api_for(order.seller.owner).get(f"/api/orders/{pk}/").status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_cancel_then_cancel_again_is_409(order):
    api = api_for(order.buyer)
    with committed():
        response = api.post(f"/api/orders/{order.pk}/cancel/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled" and body["refunded_minor"] == body["total_minor"]
    assert body["refunds"][0]["state"] == "refunded"
    again = api.post(f"/api/orders/{order.pk}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_status_transition"


def test_seller_ships_delivers_and_answers_a_return(order):
    seller = api_for(order.seller.owner)
    listed = seller.get("/api/seller/orders/", {"status": "paid"}).json()["results"]
    assert [o["id"] for o in listed] == [order.pk]
    assert seller.get("/api/seller/orders/", {"status": "shipped"}).json()["results"] == []
    bad = seller.post(f"/api/seller/orders/{order.pk}/ship/", {"carrier": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"carrier", "tracking_number"}
    early = seller.post(f"/api/seller/orders/{order.pk}/deliver/")
    assert early.status_code == 409 and early.json()["code"] == "invalid_status_transition"
    with committed():
        shipped = seller.post(
            f"/api/seller/orders/{order.pk}/ship/",
            {"carrier": "UPS", "tracking_number": "1Z999"},
            format="json",
        )
    assert shipped.status_code == 200 and shipped.json()["tracking_number"] == "1Z999"
    cancel = api_for(order.buyer).post(f"/api/orders/{order.pk}/cancel/")
    assert cancel.status_code == 409
    with committed():
        assert seller.post(f"/api/seller/orders/{order.pk}/deliver/").status_code == 200

    buyer = api_for(order.buyer)
    line = order.lines.get()
    asked = buyer.post(
        f"/api/orders/{order.pk}/returns/",
        {"reason": "wrong_size", "lines": [{"line_id": line.pk, "quantity": 1}]},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    return_id = asked.json()["id"]
    assert asked.json()["status"] == "requested"
    other_seller = api_for(buyer_in(order.market, "other-seller"))
    assert other_seller.post(f"/api/seller/returns/{return_id}/approve/").status_code == 404
    assert (
        other_seller.post(f"/api/seller/returns/{return_id}/reject/", {"note": "x"}).status_code
        == 404
    )
    with committed():
        approved = seller.post(f"/api/seller/returns/{return_id}/approve/", {}, format="json")
    assert approved.status_code == 200
    assert approved.json()["refund_minor"] == 1250 and approved.json()["refund_state"] == "refunded"
    rejected = seller.post(f"/api/seller/returns/{return_id}/reject/", {"note": "late"})
    assert rejected.status_code == 409 and rejected.json()["code"] == "return_already_decided"
    detail = buyer.get(f"/api/orders/{order.pk}/").json()
    assert detail["status"] == "partially_refunded" and detail["refunded_minor"] == 1250


def test_a_return_after_the_window_is_refused_with_a_clear_code(order):
    ship_and_deliver(order, now=timezone.now() - timedelta(days=31))
    response = api_for(order.buyer).post(
        f"/api/orders/{order.pk}/returns/",
        {"reason": "changed_mind", "lines": [{"line_id": order.lines.get().pk, "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "return_window_closed"
    assert not ReturnRequest.objects.exists()


def test_seller_cannot_ship_another_sellers_order(order, markets):
    us = markets["US"]
    (mine,) = place_paid(buyer_in(us, "b2"), us, [(make_variant(us), 1)], key="k2")
    api = api_for(mine.seller.owner)
    ship = {"carrier": "UPS", "tracking_number": "1Z"}
    assert api.post(f"/api/seller/orders/{order.pk}/ship/", ship).status_code == 404
    assert [o["id"] for o in api.get("/api/seller/orders/").json()["results"]] == [mine.pk]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_webhook_with_a_bad_signature_is_400():
    body = json.dumps({"type": "payment.succeeded", "reference": "checkout-1"})
    response = APIClient().post(
        "/api/payments/webhook/", body, content_type="application/json", HTTP_X_SIGNATURE="nope"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_signature"


def test_webhook_delivered_five_times_out_of_order_is_applied_once(markets):
    us = markets["US"]
    variant = make_variant(us, stock=5)
    checkout = _hold(
        buyer=buyer_in(us),
        market=us,
        lines=[LineRequest(variant.pk, 1)],
        address=ADDRESS["US"],
        shipping_option="standard",
    )

    def event(kind, detail):
        return json.dumps(
            {"id": f"evt_{kind}", "type": kind, "reference": f"checkout-{checkout.pk}",
             "amount": checkout.total_minor, "currency": "USD", "detail": detail},
            sort_keys=True,
        )  # fmt: skip

    succeeded, failed = event("payment.succeeded", "ch_1"), event("payment.failed", "card_declined")
    client = APIClient()
    results = []
    with committed():
        for body in [succeeded, failed, succeeded, failed, succeeded]:
            response = client.post(
                "/api/payments/webhook/", body, content_type="application/json",
                HTTP_X_SIGNATURE=sign(body.encode()),
            )  # fmt: skip
            assert response.status_code == 200
            results.append(response.json()["status"])
    assert results == ["applied", "duplicate", "duplicate", "duplicate", "duplicate"]
    payment = Payment.objects.get(checkout=checkout)
    assert (payment.status, payment.gateway_ref) == (PaymentStatus.CAPTURED, "ch_1")
    order = checkout.orders.get()
    assert order.status == OrderStatus.PAID
    assert order.history.filter(to_status=OrderStatus.PAID).count() == 1
    assert OutboxEvent.objects.filter(name="order.paid").count() == 1
