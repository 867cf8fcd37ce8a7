"""Who may do what in the seller center. Every seller-center view gets its seller and its
objects through these functions, so the ownership rule is written once: a user manages
only the shops they own, and a product, variant or image of another shop is a 404 (its
existence is not revealed)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..models import Product, ProductImage, Seller


class NoShop(Exception):
    """The signed-in user owns no shop."""


def sellers_for_user(user) -> QuerySet[Seller]:
    if not user.is_authenticated:
        return Seller.objects.none()
    return Seller.objects.filter(owner=user).select_related("market").order_by("name", "id")


def api_seller_for_user(user) -> Seller | None:
    """The shop an API client acts for: the user's oldest (the API has no shop in its URLs;
    the seller center names the shop in every URL instead, see ``seller_for_user``)."""
    if not user.is_authenticated:
        return None
    return Seller.objects.filter(owner=user).select_related("market").order_by("id").first()


def seller_for_user(user, slug: str | None = None) -> Seller:
    """The user's shop named by ``slug``, or their only shop when ``slug`` is None.

    Raises ``NoShop`` if the user owns none, ``Http404`` if ``slug`` is not theirs or
    ``slug`` is None and they own several (the caller shows a picker first).
    """
    sellers = sellers_for_user(user)
    if slug is not None:
        seller = sellers.filter(slug=slug).first()
        if seller is None:
            if not sellers.exists():
                raise NoShop()
            raise Http404("No such shop.")
        return seller
    mine = list(sellers[:2])
    if not mine:
        raise NoShop()
    if len(mine) > 1:
        raise Http404("Choose a shop.")
    return mine[0]


def product_for_seller(seller: Seller, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.select_related("market", "category", "seller"), pk=pk, seller=seller
    )


def image_for_product(product: Product, pk: int) -> ProductImage:
    return get_object_or_404(ProductImage, pk=pk, product=product)


def no_shop_response(request):
    return render(request, "shop/seller/no_shop.html", status=403)


def seller_view(view):
    """Sign-in required; replaces the URL's ``slug`` with the user's ``seller``, and
    answers 403 with an explanation for a user who owns no shop."""

    @login_required
    @wraps(view)
    def wrapped(request, slug: str, *args, **kwargs):
        try:
            seller = seller_for_user(request.user, slug)
        except NoShop:
            return no_shop_response(request)
        return view(request, seller, *args, **kwargs)

    return wrapped
