"""The checkout page, its confirmation, and "Buy now". Sign-in is required (a guest's
cart follows them through sign-in)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from marketplace.errors import DomainError

from ..cart.selectors import buy_now_view, cart_view
from ..models import Checkout, SavedAddress, ShippingOption
from ..payments import CardDetails
from ..services.cart import cart_get
from ..services.checkout import Address, LineRequest, checkout_place, shipping_price
from ..services.checkout_flow import (
    address_remember,
    cart_after_checkout,
    checkout_lines_from_cart,
    checkout_result,
)
from ..services.idempotency import idempotent, request_fingerprint
from .forms import CheckoutForm

SENSITIVE = ("card_number", "cvc", "expiry")


def _id(value, *, high: int = 2**63 - 1) -> int | None:
    """A positive integer from a query or form value a person may have edited, or None."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= high else None


def _initial(request, market) -> dict:
    initial = {
        "country": market.code,
        "shipping_option": ShippingOption.STANDARD,
        "idempotency_key": uuid.uuid4().hex,
        "variant": request.GET.get("variant") or None,
        "quantity": request.GET.get("quantity") or None,
    }
    saved = SavedAddress.objects.filter(user=request.user, country=market.code)
    address_id = _id(request.GET.get("address"))
    chosen = (saved.filter(pk=address_id).first() if address_id else None) or saved.first()
    if chosen:
        initial.update(
            full_name=chosen.full_name,
            line1=chosen.line1,
            city=chosen.city,
            postal_code=chosen.postal_code,
        )
    return initial


def _summary(request, market, form_data) -> object | None:
    """What is being bought: the "Buy now" line, or the cart. A "Buy now" line that does
    not parse shows nothing to check out (never the cart in its place)."""
    if form_data.get("variant"):
        variant_id = _id(form_data.get("variant"))
        quantity = _id(form_data.get("quantity") or 1, high=99)
        if variant_id is None or quantity is None:
            return None
        return buy_now_view(market=market, variant_id=variant_id, quantity=quantity)
    cart = cart_get(user=request.user, session=request.session, market=market)
    return cart_view(cart=cart) if cart else None


@sensitive_post_parameters(*SENSITIVE)
@login_required
def checkout(request):
    market = request.market
    if not market.checkout_enabled:
        return render(request, "shop/checkout/disabled.html", {"market": market}, status=403)
    if request.method == "POST":
        form = CheckoutForm(request.POST, market=market)
    else:
        form = CheckoutForm(initial=_initial(request, market), market=market)
    source = request.POST if request.method == "POST" else form.initial
    summary = _summary(request, market, source)
    error = None
    if request.method == "POST" and form.is_valid():
        status, payload = _place(request, form.cleaned_data)
        if status == 201:
            return redirect("checkout-done", checkout_id=payload["checkout_id"])
        error = payload.get("detail")
        # A fresh key, so the shopper can fix the problem and try again.
        kept = {k: v for k, v in request.POST.items() if k not in SENSITIVE}
        kept["idempotency_key"] = uuid.uuid4().hex
        form = CheckoutForm(initial=kept, market=market)
    shipping = [
        (value, label, shipping_price(market=market, option=value))
        for value, label in ShippingOption.choices
    ]
    context = {
        "form": form,
        "summary": summary,
        "error": error,
        "shipping_choices": shipping,
        "saved_addresses": SavedAddress.objects.filter(user=request.user, country=market.code)[:5],
        "currency": market.currency,
    }
    return render(request, "shop/checkout/checkout.html", context)


def _place(request, data) -> tuple[int, dict]:
    market = request.market
    fingerprint_fields = {k: v for k, v in data.items() if k not in ("idempotency_key",)}

    def work():
        cart = None
        try:
            if data.get("variant"):
                lines = [LineRequest(data["variant"], data.get("quantity") or 1)]
            else:
                cart = cart_get(user=request.user, session=request.session, market=market)
                lines = checkout_lines_from_cart(cart=cart)
            address = Address(
                full_name=data["full_name"],
                line1=data["line1"],
                city=data["city"],
                postal_code=data["postal_code"],
                country=data["country"],
            )
            month, year = data["expiry"]
            checkout_obj = checkout_place(
                buyer=request.user,
                market=market,
                lines=lines,
                address=address,
                shipping_option=data["shipping_option"],
                card=CardDetails(data["card_number"], month, year, data["cvc"]),
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as exc:
            return exc.status, exc.as_dict()
        cart_after_checkout(cart=cart, checkout=checkout_obj)
        address_remember(user=request.user, address=address)
        return 201, checkout_result(checkout=checkout_obj)

    return idempotent(
        user=request.user,
        key=data["idempotency_key"],
        scope="checkout-form",
        fingerprint=request_fingerprint(fingerprint_fields),
        work=work,
    )


@login_required
def checkout_done(request, checkout_id: int):
    checkout_obj = get_object_or_404(Checkout, pk=checkout_id, buyer=request.user)
    orders = checkout_obj.orders.select_related("seller").order_by("pk")
    payment = getattr(checkout_obj, "payment", None)
    return render(
        request,
        "shop/checkout/done.html",
        {"checkout": checkout_obj, "orders": orders, "payment": payment},
    )
