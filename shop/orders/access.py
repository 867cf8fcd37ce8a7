"""Who may see and act on which order. Every orders page and endpoint, for shoppers and
sellers alike, starts from these functions, so the rule is written once: a shopper reaches
only the orders they placed, a seller only the orders of shops they own, and anything else
is a 404 (its existence is not revealed)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentStatus,
    ProductImage,
    Refund,
    ReturnRequest,
    ReturnStatus,
    Seller,
)

# Checkouts whose card was declined never became orders for the shopper: lists leave
# them out (their page still says "Payment failed" if someone follows an old link).
PAYMENT_FAILED = Q(status=OrderStatus.CANCELLED, checkout__payment__status=PaymentStatus.FAILED)


def _lines_with_images() -> Prefetch:
    images = ProductImage.objects.order_by("position", "pk")
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("product").prefetch_related(
            Prefetch("product__images", queryset=images, to_attr="image_list")
        ),
    )


def with_detail(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Everything an order page shows, in a fixed number of queries."""
    return orders.select_related(
        "seller__owner", "market", "buyer", "checkout__payment"
    ).prefetch_related(
        _lines_with_images(),
        Prefetch("history", queryset=OrderStatusChange.objects.select_related("actor")),
        Prefetch(
            "returns",
            queryset=ReturnRequest.objects.select_related("refund").prefetch_related("lines"),
        ),
        Prefetch("refunds", queryset=Refund.objects.order_by("pk")),
    )


def with_summary(orders: QuerySet[Order]) -> QuerySet[Order]:
    """What a list row shows: seller, payment state, lines with a picture."""
    return orders.select_related("seller", "checkout__payment").prefetch_related(
        _lines_with_images(),
        Prefetch(
            "returns",
            queryset=ReturnRequest.objects.filter(status=ReturnStatus.REQUESTED),
            to_attr="open_returns",
        ),
    )


# --- shoppers --------------------------------------------------------------------------


def buyer_orders(user) -> QuerySet[Order]:
    if not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(buyer=user)


def buyer_order_list(user) -> QuerySet[Order]:
    return with_summary(buyer_orders(user).exclude(PAYMENT_FAILED)).order_by("-created_at", "-id")


def order_for_buyer(user, pk: int) -> Order:
    return get_object_or_404(with_detail(buyer_orders(user)), pk=pk)


# --- sellers ---------------------------------------------------------------------------


def sellers_owned(user) -> QuerySet[Seller]:
    if not user.is_authenticated:
        return Seller.objects.none()
    return Seller.objects.filter(owner=user).order_by("name", "pk")


def seller_orders(user) -> QuerySet[Order]:
    """Orders of every shop the user owns. Unpaid and payment-failed checkouts are not
    the seller's business: they see an order once it is paid."""
    if not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(seller__owner=user).exclude(paid_at__isnull=True)


def seller_order_list(user, *, status: str = "", seller_id: int | None = None):
    orders = seller_orders(user)
    if status == "returns":
        orders = orders.filter(returns__status=ReturnStatus.REQUESTED).distinct()
    elif status in OrderStatus.values:
        orders = orders.filter(status=status)
    if seller_id:
        orders = orders.filter(seller_id=seller_id)
    return with_summary(orders).order_by("-created_at", "-id")


def order_for_seller(user, pk: int) -> Order:
    return get_object_or_404(with_detail(seller_orders(user)), pk=pk)


def return_for_seller(user, pk: int) -> ReturnRequest:
    return get_object_or_404(
        ReturnRequest.objects.filter(order__seller__owner=user).select_related("order"), pk=pk
    )
