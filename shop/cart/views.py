"""The cart pages. Thin: forms validate, services write, selectors read."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from ..errors import CartLineNotFound, InsufficientStock, NotAvailableInMarket
from ..services import cart as cart_services
from .forms import AddToCartForm, QuantityForm
from .selectors import cart_view


def _back(request, fallback: str) -> str:
    referer = request.headers.get("referer", "")
    host = request.get_host()
    return referer if referer and f"//{host}/" in referer else fallback


def _checkout_url() -> str | None:
    try:
        return reverse("checkout")
    except NoReverseMatch:
        return None


@require_GET
def cart_detail(request):
    cart = cart_services.cart_get(user=request.user, session=request.session, market=request.market)
    view = cart_view(cart=cart) if cart else None
    return render(
        request,
        "shop/cart/cart.html",
        {"view": view, "checkout_url": _checkout_url()},
    )


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    fallback = "/shop/"
    if not form.is_valid():
        messages.error(request, "Choose an option and a quantity first.")
        return HttpResponseRedirect(_back(request, fallback))
    variant_id = form.cleaned_data["variant"]
    quantity = form.cleaned_data["quantity"]
    if form.cleaned_data["buy_now"] and _checkout_url():
        return redirect(f"{_checkout_url()}?variant={variant_id}&quantity={quantity}")
    cart = cart_services.cart_get_or_create(
        user=request.user, session=request.session, market=request.market
    )
    try:
        cart_services.cart_add(cart=cart, variant_id=variant_id, quantity=quantity)
    except (InsufficientStock, NotAvailableInMarket) as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_back(request, fallback))
    if form.cleaned_data["buy_now"]:
        return redirect("cart")
    messages.success(request, "Added to your cart.")
    if request.headers.get("HX-Request"):
        return render(
            request,
            "shop/cart/_added.html",
            {"count": cart_services.cart_line_count(cart=cart)},
        )
    return HttpResponseRedirect(_back(request, reverse("cart")))


@require_POST
def cart_line_update(request, line_id: int):
    cart = cart_services.cart_get(user=request.user, session=request.session, market=request.market)
    form = QuantityForm(request.POST)
    if cart is None or not form.is_valid():
        messages.error(request, "Enter a quantity between 0 and 99.")
        return redirect("cart")
    try:
        cart_services.cart_set_quantity(
            cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except (InsufficientStock, CartLineNotFound) as exc:
        messages.error(request, exc.message)
    return redirect("cart")


@require_POST
def cart_line_remove(request, line_id: int):
    cart = cart_services.cart_get(user=request.user, session=request.session, market=request.market)
    if cart is not None:
        try:
            cart_services.cart_remove(cart=cart, line_id=line_id)
            messages.success(request, "Removed from your cart.")
        except CartLineNotFound as exc:
            messages.error(request, exc.message)
    return redirect("cart")
