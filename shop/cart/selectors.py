"""Reads for the cart and checkout summary: every line with its product, seller, image and
current price, fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Prefetch
from django.utils import timezone

from ..models import CartLine, Deal, Product, Variant
from ..pricing import line_price
from ..selectors import first_image_prefetch


@dataclass
class CartRow:
    line: object
    variant: Variant
    product: Product
    price: object  # pricing.LinePrice

    @property
    def max_quantity(self) -> int:
        return max(min(self.variant.stock, 99), self.line.quantity)


@dataclass
class CartView:
    cart: object
    rows: list[CartRow]
    currency: str

    @property
    def subtotal(self) -> int:
        return sum(r.price.total for r in self.rows)

    @property
    def savings(self) -> int:
        return sum(r.price.saving for r in self.rows)

    @property
    def item_count(self) -> int:
        return sum(r.line.quantity for r in self.rows)

    def by_seller(self) -> list[tuple[object, list[CartRow]]]:
        groups: dict[int, tuple[object, list[CartRow]]] = {}
        for row in self.rows:
            groups.setdefault(row.product.seller_id, (row.product.seller, []))[1].append(row)
        return list(groups.values())


def cart_view(*, cart) -> CartView:
    """Every line with its product, seller, image and current price, in 3 queries."""
    now = timezone.now()
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__seller", "variant__product__market")
        .prefetch_related(
            first_image_prefetch("variant__product__images"),
            Prefetch(
                "variant__deals",
                queryset=Deal.objects.live(now).order_by("price_minor"),
                to_attr="live_deals",
            ),
        )
        .order_by("created_at", "id")
    )
    rows = []
    for line in lines:
        variant = line.variant
        deal = variant.live_deals[0] if variant.live_deals else None
        price = line_price(variant=variant, quantity=line.quantity, deal=deal)
        rows.append(CartRow(line=line, variant=variant, product=variant.product, price=price))
    return CartView(cart=cart, rows=rows, currency=cart.market.currency)


def buy_now_view(*, market, variant_id: int, quantity: int) -> CartView | None:
    """The checkout summary for "Buy now": one variant, priced like a cart line."""
    variant = (
        Variant.objects.select_related("product__seller", "product__market")
        .prefetch_related(
            first_image_prefetch("product__images"),
            Prefetch(
                "deals", queryset=Deal.objects.live().order_by("price_minor"), to_attr="live_deals"
            ),
        )
        .filter(pk=variant_id, product__in=Product.objects.visible_in(market.code))
        .first()
    )
    if variant is None:
        return None
    deal = variant.live_deals[0] if variant.live_deals else None
    line = SimpleNamespace(quantity=quantity, pk=None)
    row = CartRow(
        line=line,
        variant=variant,
        product=variant.product,
        price=line_price(variant=variant, quantity=quantity, deal=deal),
    )
    return CartView(cart=None, rows=[row], currency=market.currency)
