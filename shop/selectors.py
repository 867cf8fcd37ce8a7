"""Reads for the catalog (cart reads: ``shop.cart.selectors``; the seller's own products:
``shop.seller.selectors``). Each returns a queryset or objects with everything the caller
renders already fetched: a listing costs the same number of queries for 1 or 100 rows."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .errors import ProductNotFound
from .models import Category, Deal, Product, ProductImage, ProductStatus, Variant

SORTS = {
    "popular": ("-sold_count", "-id"),
    "newest": ("-created_at", "-id"),
    "price_asc": ("price_minor", "id"),
    "price_desc": ("-price_minor", "-id"),
}
DEFAULT_SORT = "popular"


def search_terms(query: str) -> list[str]:
    """At most 8 lower-cased words; NUL characters (which PostgreSQL text refuses) dropped."""
    return [t for t in query.replace("\x00", "").lower().split() if t][:8]


def first_image_prefetch(path: str = "images") -> Prefetch:
    """A product's images in display order as ``image_list``, reached through ``path``."""
    return Prefetch(
        path, queryset=ProductImage.objects.order_by("position", "id"), to_attr="image_list"
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
        .prefetch_related(first_image_prefetch())
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


@dataclass
class ProductPage:
    products: list[Product]
    next_cursor: str  # empty on the last page


def product_page(
    *,
    market_code: str,
    search: str = "",
    category: str = "",
    sort: str = DEFAULT_SORT,
    cursor: str = "",
    size: int = 24,
) -> ProductPage:
    """One page of ``product_list``, keyset-paginated: a deep page costs what the first does.

    The cursor carries the sort and the last row's sort key; a cursor that does not parse,
    or was made for another sort, starts again from the first page.
    """
    sort = sort if sort in SORTS else DEFAULT_SORT
    qs = product_list(market_code=market_code, search=search, category=category, sort=sort)
    after = _cursor_decode(cursor, sort)
    if after is not None:
        qs = qs.filter(_keyset_after(SORTS[sort], after))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return ProductPage(products=rows, next_cursor=_cursor_encode(rows[-1], sort) if more else "")


@dataclass
class ProductIdPage:
    rows: list[tuple]  # (id, updated_at, sold_count) in page order
    next_cursor: str


def product_page_ids(
    *,
    market_code: str,
    search: str = "",
    category: str = "",
    sort: str = DEFAULT_SORT,
    cursor: str = "",
    size: int = 24,
) -> ProductIdPage:
    """``product_page`` without loading products: ids with what versions their cards
    (shop.cache), for callers that hold each card pre-rendered. One query."""
    from types import SimpleNamespace

    sort = sort if sort in SORTS else DEFAULT_SORT
    qs = Product.objects.visible_in(market_code).filter(product_search_filter(search))
    if category:
        qs = qs.filter(category__slug=category)
    qs = qs.order_by(*SORTS[sort])
    after = _cursor_decode(cursor, sort)
    if after is not None:
        qs = qs.filter(_keyset_after(SORTS[sort], after))
    keys = [k.lstrip("-") for k in SORTS[sort]]
    rows = list(qs.values_list("id", "updated_at", "sold_count", *keys)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = SimpleNamespace(**dict(zip(keys, rows[-1][3:], strict=True))) if more else None
    return ProductIdPage(
        rows=[r[:3] for r in rows], next_cursor=_cursor_encode(last, sort) if more else ""
    )


def deal_strip_versions(*, market_code: str, limit: int = 12) -> list[tuple]:
    """What the deals strip shows, as versions: (deal id, units sold, product updated_at)
    of ``deal_list_live``'s rows, in order. One query; the strip is cached under it."""
    return list(
        Deal.objects.live()
        .filter(
            variant__product__market_id=market_code,
            variant__product__status="active",
            variant__product__seller__is_active=True,
        )
        .order_by("ends_at", "id")
        .values_list("id", "quantity_sold", "variant__product__updated_at")[:limit]
    )


def _keyset_after(order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``order``: (a > x) or (a = x and b > y) ..."""
    q = Q()
    for i, key in enumerate(order):
        term = Q(**{f"{key.lstrip('-')}__{'lt' if key.startswith('-') else 'gt'}": values[i]})
        for prev_key, prev_value in zip(order[:i], values[:i], strict=True):
            term &= Q(**{prev_key.lstrip("-"): prev_value})
        q |= term
    return q


def _cursor_encode(product: Product, sort: str) -> str:
    values = [getattr(product, key.lstrip("-")) for key in SORTS[sort]]
    raw = json.dumps([sort, *[v.isoformat() if hasattr(v, "isoformat") else v for v in values]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str, sort: str) -> list | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        order = SORTS[sort]
        if not isinstance(raw, list) or raw[0] != sort or len(raw) != len(order) + 1:
            return None
        fields = [Product._meta.get_field(key.lstrip("-")) for key in order]
        values = [field.to_python(value) for field, value in zip(fields, raw[1:], strict=True)]
    except (ValueError, TypeError, IndexError, ValidationError, binascii.Error):
        return None
    return None if any(v is None for v in values) else values


LOW_STOCK_THRESHOLD = 5


def stock_state(stock: int) -> tuple[str, str]:
    """How a stock level reads to a shopper, everywhere it is shown: (state, label)."""
    if stock <= 0:
        return "sold_out", "Sold out"
    if stock <= LOW_STOCK_THRESHOLD:
        return "low", f"Only {stock} left"
    return "in_stock", "In stock"


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def deal_list_live(*, market_code: str, limit: int = 12) -> list[Deal]:
    """The first live deals of the market (the Shop tab's strip)."""
    return list(deal_queryset_live(market_code=market_code)[:limit])


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
                first_image_prefetch(),
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


def product_search_filter(query: str) -> Q:
    q = Q()
    for term in search_terms(query):
        q &= Q(search_document__contains=term)
    return q


def deal_queryset_live(*, market_code: str) -> QuerySet[Deal]:
    """Live deals in the market as a queryset to page through, soonest-ending first."""
    return (
        Deal.objects.live()
        .filter(
            variant__product__market_id=market_code,
            variant__product__status=ProductStatus.ACTIVE,
            variant__product__seller__is_active=True,
        )
        .select_related("variant__product__market")
        .prefetch_related(first_image_prefetch("variant__product__images"))
        .order_by("ends_at", "id")
    )
