"""Glue between the cart and the checkout service, shared by the HTML page and the API."""

from __future__ import annotations

from django.utils import timezone

from marketplace.money import format_money

from ..errors import EmptyCheckout
from ..models import CartLine, Checkout, SavedAddress
from .checkout import Address, LineRequest


def checkout_lines_from_cart(*, cart) -> list[LineRequest]:
    if cart is None:
        raise EmptyCheckout("Your cart is empty.")
    lines = [
        LineRequest(variant_id, quantity)
        for variant_id, quantity in CartLine.objects.filter(cart=cart)
        .order_by("pk")
        .values_list("variant_id", "quantity")
    ]
    if not lines:
        raise EmptyCheckout("Your cart is empty.")
    return lines


def cart_after_checkout(*, cart, checkout: Checkout) -> None:
    """Take what was bought out of the cart (only that: the cart may have changed)."""
    if cart is None:
        return
    bought = checkout.orders.values_list("lines__variant_id", flat=True)
    CartLine.objects.filter(cart=cart, variant_id__in=list(bought)).delete()


def address_remember(*, user, address: Address) -> SavedAddress:
    saved, _ = SavedAddress.objects.update_or_create(
        user=user,
        full_name=address.full_name,
        line1=address.line1,
        city=address.city,
        postal_code=address.postal_code,
        country=address.country,
        defaults={"last_used_at": timezone.now()},
    )
    return saved


def checkout_result(*, checkout: Checkout) -> dict:
    orders = list(checkout.orders.order_by("pk"))
    return {
        "checkout_id": checkout.pk,
        "total": format_money(checkout.total_minor, checkout.currency),
        "currency": checkout.currency,
        "orders": [
            {
                "id": o.pk,
                "number": o.number,
                "status": o.status,
                "total": format_money(o.total_minor, o.currency),
                "total_minor": o.total_minor,
                "currency": o.currency,
            }
            for o in orders
        ],
    }
