"""Reads for the catalog. Each returns a queryset or objects with everything the caller
renders already fetched: a listing costs the same number of queries for 1 or 100 rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .errors import ProductNotFound
from .models import Category, Deal, Product, ProductImage, Variant

SORTS = {
    "popular": ("-sold_count", "-id"),
    "newest": ("-created_at", "-id"),
    "price_asc": ("price_minor", "id"),
    "price_desc": ("-price_minor", "-id"),
}
DEFAULT_SORT = "popular"


def search_terms(query: str) -> list[str]:
    return [t for t in query.lower().split() if t][:8]


def _first_image_prefetch() -> Prefetch:
    return Prefetch(
        "images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="image_list"
    )


def product_list(
    *,
    market_code: str,
    search: str = "",
    category: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Product]:
    """Active products a shopper in ``market_code`` may see, filtered and sorted."""
    qs = Product.objects.visible_in(market_code).filter(product_search_filter(search))
    if category:
        qs = qs.filter(category__slug=category)
    return (
        qs.select_related("market")
        .prefetch_related(_first_image_prefetch())
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def deal_list_live(*, market_code: str, limit: int = 12) -> list[Deal]:
    """Live deals for the market, soonest-ending first."""
    return list(
        Deal.objects.live()
        .filter(
            variant__product__market_id=market_code,
            variant__product__status="active",
            variant__product__seller__is_active=True,
        )
        .select_related("variant__product__market")
        .prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.order_by("position", "id"),
                to_attr="image_list",
            )
        )
        .order_by("ends_at", "id")[:limit]
    )


@dataclass
class VariantOffer:
    """A variant with the price a shopper pays now (a live deal's, if any)."""

    variant: Variant
    deal: Deal | None

    @property
    def price_minor(self) -> int:
        return self.deal.price_minor if self.deal else self.variant.price_minor

    @property
    def compare_at_minor(self) -> int | None:
        # Under a deal the regular price is what it is compared with.
        if self.deal:
            return self.variant.price_minor
        c = self.variant.compare_at_minor
        return c if c and c > self.variant.price_minor else None

    @property
    def in_stock(self) -> bool:
        return self.variant.stock > 0


def product_detail(*, product_id: int, market_code: str) -> Product:
    """A visible product with seller, market, images and variants (each with ``offer``)."""
    now = timezone.now()
    try:
        product = (
            Product.objects.visible_in(market_code)
            .select_related("seller", "market", "category")
            .prefetch_related(
                _first_image_prefetch(),
                Prefetch(
                    "variants",
                    queryset=Variant.objects.order_by("position", "id").prefetch_related(
                        Prefetch(
                            "deals",
                            queryset=Deal.objects.live(now).order_by("price_minor"),
                            to_attr="live_deals",
                        )
                    ),
                    to_attr="variant_list",
                ),
            )
            .get(pk=product_id)
        )
    except Product.DoesNotExist:
        raise ProductNotFound() from None
    product.offers = [
        VariantOffer(v, v.live_deals[0] if v.live_deals else None) for v in product.variant_list
    ]
    return product


def live_deal_for_variant(*, variant_id: int) -> Deal | None:
    return Deal.objects.live().filter(variant_id=variant_id).order_by("price_minor").first()


def seller_products(*, seller) -> QuerySet[Product]:
    """Every product of one seller, any status: the seller center's and seller API's base."""
    return (
        Product.objects.filter(seller=seller)
        .select_related("market", "category")
        .prefetch_related(_first_image_prefetch())
        .order_by("-updated_at", "-id")
    )


def product_search_filter(query: str) -> Q:
    q = Q()
    for term in search_terms(query):
        q &= Q(search_document__contains=term)
    return q


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
    from .models import CartLine
    from .pricing import line_price

    now = timezone.now()
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__seller", "variant__product__market")
        .prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.order_by("position", "id"),
                to_attr="image_list",
            ),
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
