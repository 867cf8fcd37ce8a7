"""The shopper's /orders/ pages and the seller center's /seller/orders/: what they show,
the actions they offer, and that another person's order is a 404."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import Order, OrderStatus, ReturnRequest, ReturnStatus, Variant
from shop.services.checkout import LineRequest, _hold, payment_record_failure
from shop.services.returns import return_request
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


@pytest.fixture
def order(markets):
    us = markets["US"]
    (placed,) = place_paid(buyer_in(us), us, [(make_variant(us, price=1250, stock=5), 2)])
    return placed


def test_orders_need_sign_in(client, order):
    response = client.get("/orders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/orders/{order.pk}/").status_code == 302


def test_the_list_shows_orders_and_leaves_out_declined_checkouts(client, order, markets):
    declined = _hold(
        buyer=order.buyer,
        market=markets["US"],
        lines=[LineRequest(order.lines.get().variant_id, 1)],
        address=ADDRESS["US"],
        shipping_option="standard",
    )
    payment_record_failure(checkout_id=declined.pk, code="card_declined")
    client.force_login(order.buyer)
    html = client.get("/orders/").content.decode()
    assert f"Order #{order.number}" in html and "$29.99" in html and "Paid" in html
    assert f"Order #{declined.orders.get().number}" not in html
    page = client.get(f"/orders/{declined.orders.get().pk}/").content.decode()
    assert "Payment failed" in page and "was not charged" in page


def test_the_order_page_shows_timeline_lines_and_cancel(client, order):
    client.force_login(order.buyer)
    html = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert f"Order #{order.number}" in html
    assert "Awaiting payment" in html and "Paid" in html  # the timeline
    assert "2 × $12.50" in html and "$25.00" in html
    assert "Cancel order" in html and "Request a return" not in html

    confirm = client.get(f"/orders/{order.pk}/cancel/").content.decode()
    assert "$29.99" in confirm
    with committed():
        response = client.post(f"/orders/{order.pk}/cancel/", follow=True)
    html = response.content.decode()
    assert "Your order is cancelled. Your refund is on its way." in html
    assert "Cancelled" in html and "−$29.99" in html
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_returns_are_asked_on_their_own_page_inside_the_window(client, order):
    client.force_login(order.buyer)
    assert client.get(f"/orders/{order.pk}/return/").status_code == 302  # not delivered yet
    ship_and_deliver(order)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "1Z999" in html and "Request a return" in html and "Cancel order" not in html
    line = order.lines.get()
    form = client.get(f"/orders/{order.pk}/return/").content.decode()
    assert "Why are you returning it?" in form and f'name="qty_{line.pk}"' in form

    empty = client.post(f"/orders/{order.pk}/return/", {f"qty_{line.pk}": "0", "reason": ""})
    assert empty.status_code == 200
    assert "Choose at least one item to return." in empty.content.decode()
    response = client.post(
        f"/orders/{order.pk}/return/",
        {f"qty_{line.pk}": "1", "reason": "wrong_size", "details": "Too small"},
        follow=True,
    )
    html = response.content.decode()
    assert "Your return request is with the seller" in html
    assert "Waiting for the seller" in html and "Too small" in html
    assert ReturnRequest.objects.get().lines.get().quantity == 1


def test_another_shoppers_order_is_404(client, order, markets):
    client.force_login(buyer_in(markets["US"], "nosy"))
    for url in ["/orders/{}/", "/orders/{}/cancel/", "/orders/{}/return/"]:
        assert client.get(url.format(order.pk)).status_code == 404
    assert client.post(f"/orders/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_seller_center_lists_ships_and_delivers(client, order):
    client.force_login(order.seller.owner)
    html = client.get("/seller/orders/").content.decode()
    assert f"#{order.number}" in html and "Ready to ship" in html and "To ship" in html
    assert f"#{order.number}" not in client.get("/seller/orders/?status=shipped").content.decode()

    page = client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "Mark shipped" in page and 'for="id_carrier"' in page and "Ada Shopper" in page
    bad = client.post(f"/seller/orders/{order.pk}/ship/", {"carrier": "UPS", "tracking_number": ""})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    with committed():
        shipped = client.post(
            f"/seller/orders/{order.pk}/ship/",
            {"carrier": "UPS", "tracking_number": "1Z42"},
            follow=True,
        )
    assert (
        "marked shipped" in shipped.content.decode()
        and "Mark delivered" in shipped.content.decode()
    )
    assert [m.subject for m in mail.outbox][-1] == f"Your order #{order.number} is on its way"
    with committed():
        delivered = client.post(f"/seller/orders/{order.pk}/deliver/", follow=True)
    assert "marked delivered" in delivered.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED


def test_seller_answers_returns_with_the_deadline_shown(client, order):
    ship_and_deliver(order)
    line = order.lines.get()
    first = return_request(
        order_id=order.pk, buyer=order.buyer, lines={line.pk: 1}, reason="damaged"
    )
    client.force_login(order.seller.owner)
    assert "Return to answer" in client.get("/seller/orders/?status=returns").content.decode()
    page = client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "Answer by" in page and "Approve and refund" in page
    assert timezone.localtime(first.respond_by).strftime("%-d %b %Y") in page
    # Damaged: the restock box starts unticked.
    assert f'name="r{first.pk}-restock" checked' not in page

    no_reason = client.post(f"/seller/orders/returns/{first.pk}/reject/", {f"r{first.pk}-note": ""})
    assert no_reason.status_code == 400 and "This field is required." in no_reason.content.decode()
    client.post(f"/seller/orders/returns/{first.pk}/reject/", {f"r{first.pk}-note": "It is fine"})
    assert ReturnRequest.objects.get(pk=first.pk).status == ReturnStatus.REJECTED

    second = return_request(
        order_id=order.pk, buyer=order.buyer, lines={line.pk: 2}, reason="changed_mind"
    )
    stock = Variant.objects.get(pk=line.variant_id).stock
    with committed():
        response = client.post(
            f"/seller/orders/returns/{second.pk}/approve/",
            {f"r{second.pk}-restock": "on"},
            follow=True,
        )
    assert "Return approved: $29.99 refunded to the shopper." in response.content.decode()
    assert Variant.objects.get(pk=line.variant_id).stock == stock + 2


def test_sellers_reach_only_their_own_orders(client, order, markets):
    us = markets["US"]
    (theirs,) = place_paid(buyer_in(us, "b2"), us, [(make_variant(us), 1)], key="k2")
    client.force_login(theirs.seller.owner)
    assert client.get(f"/seller/orders/{order.pk}/").status_code == 404
    shipped = client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "UPS", "tracking_number": "1"}
    )
    assert shipped.status_code == 404
    assert client.post(f"/seller/orders/{order.pk}/deliver/").status_code == 404
    assert f"#{order.number}" not in client.get("/seller/orders/").content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    # A user with no shop is told so.
    client.force_login(order.buyer)
    assert client.get("/seller/orders/").status_code == 403


def test_return_window_closed_hides_the_button(client, order):
    ship_and_deliver(order, now=timezone.now() - timedelta(days=31))
    client.force_login(order.buyer)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Request a return" not in html and "The return window closed on" in html
    assert client.get(f"/orders/{order.pk}/return/").status_code == 302
