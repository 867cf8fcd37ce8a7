"""Reads for the seller center and the seller API: a seller's products, any status, and
what the signed-in owner may read or change (another seller's product is simply absent)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..errors import ProductNotFound
from ..models import Product, Variant
from ..selectors import first_image_prefetch


def seller_products(*, seller) -> QuerySet[Product]:
    """Every product of one seller, any status: the seller center's and seller API's base."""
    return (
        Product.objects.filter(seller=seller)
        .select_related("market", "category")
        .prefetch_related(first_image_prefetch())
        .order_by("-updated_at", "-id")
    )


def seller_products_for_owner(*, user) -> QuerySet[Product]:
    """Every product, any status, of every shop the user owns; newest first. The only base
    for what a seller may read or change, so another seller's product is simply absent."""
    return (
        Product.objects.filter(seller__owner=user)
        .select_related("seller", "market", "category")
        .prefetch_related(first_image_prefetch())
        .order_by("-id")
    )


def seller_product_for_owner(*, user, product_id: int) -> Product:
    """One of the user's products with its variants (``variant_list``) and images."""
    try:
        return (
            seller_products_for_owner(user=user)
            .prefetch_related(
                Prefetch(
                    "variants",
                    queryset=Variant.objects.order_by("position", "id"),
                    to_attr="variant_list",
                )
            )
            .get(pk=product_id)
        )
    except Product.DoesNotExist:
        raise ProductNotFound() from None


def seller_variant_for_owner(*, user, variant_id: int) -> Variant | None:
    return (
        Variant.objects.filter(product__seller__owner=user)
        .select_related("product__market")
        .filter(pk=variant_id)
        .first()
    )
