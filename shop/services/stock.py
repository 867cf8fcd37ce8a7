"""Stock holds. Rows are always locked in primary-key order, so two buyers of the same
variants wait for each other instead of deadlocking; stock never goes negative (the
check runs under the lock, and a CHECK constraint backs it)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from ..errors import InsufficientStock
from ..models import Deal, Product, StockHold, Variant


def variants_lock(*, variant_ids: list[int]) -> dict[int, Variant]:
    """Lock the variants (only their rows) in pk order. Call inside a transaction."""
    rows = (
        Variant.objects.select_for_update(of=("self",))
        .select_related("product__seller", "product__market")
        .filter(pk__in=sorted(set(variant_ids)))
        .order_by("pk")
    )
    return {v.pk: v for v in rows}


def deals_lock(*, variant_ids: list[int]) -> dict[int, Deal]:
    """The best live deal per variant, locked in pk order."""
    now = timezone.now()
    deals = list(
        Deal.objects.select_for_update()
        .live(now)
        .filter(variant_id__in=sorted(set(variant_ids)))
        .order_by("pk")
    )
    best: dict[int, Deal] = {}
    for deal in deals:
        if deal.variant_id not in best or deal.price_minor < best[deal.variant_id].price_minor:
            best[deal.variant_id] = deal
    return best


def stock_check(*, variant: Variant, quantity: int) -> None:
    """Raise ``InsufficientStock`` naming a locked variant that cannot cover ``quantity``."""
    if variant.stock < quantity:
        raise InsufficientStock(variant_id=variant.pk, available=variant.stock)


def _case(values: dict[int, int]) -> Case:
    return Case(*(When(pk=pk, then=Value(v)) for pk, v in values.items()), default=Value(0))


def stock_take_many(
    *, taken: dict[int, int], by_product: dict[int, int], deal_units: dict[int, int]
) -> None:
    """Take checked quantities off locked variants (and deals, and the products' listing
    totals), one UPDATE per table whatever the number of lines. Call under the locks of
    ``variants_lock`` / ``deals_lock``, after ``stock_check``."""
    Variant.objects.filter(pk__in=taken).update(stock=F("stock") - _case(taken))
    if deal_units:
        Deal.objects.filter(pk__in=deal_units).update(
            quantity_sold=F("quantity_sold") + _case(deal_units)
        )
    # Lock the products in pk order too (their listing totals move), so two checkouts of
    # sibling variants queue instead of deadlocking on the multi-row UPDATE.
    list(
        Product.objects.select_for_update()
        .filter(pk__in=sorted(by_product))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # updated_at: the product's cached pages, cards and API answers key on it (shop.cache).
    Product.objects.filter(pk__in=by_product).update(
        stock_total=F("stock_total") - _case(by_product), updated_at=timezone.now()
    )


def products_adjust_stock_total(*, deltas: dict[int, int]) -> None:
    """Keep the listing's ``stock_total`` in step; products updated in pk order, each
    marked changed (``updated_at``) for the catalog caches: the variants' stock, and any
    deal's units left, moved with it."""
    now = timezone.now()
    for product_id in sorted(deltas):
        if deltas[product_id]:
            Product.objects.filter(pk=product_id).update(
                stock_total=F("stock_total") + deltas[product_id], updated_at=now
            )


def hold_expiry():
    return timezone.now() + timedelta(minutes=settings.CHECKOUT_HOLD_MINUTES)


def holds_release(*, holds: list[StockHold]) -> int:
    """Give held units back (payment failed, hold expired, order cancelled before paying).

    Locks the variants and deals in pk order; a hold already released or converted is
    skipped, so a repeated call is harmless. Returns how many holds were released.
    """
    if not holds:
        return 0
    hold_ids = [h.pk for h in holds]
    with transaction.atomic():
        open_holds = list(
            StockHold.objects.select_for_update()
            .filter(pk__in=hold_ids, released_at__isnull=True, converted_at__isnull=True)
            .order_by("pk")
        )
        if not open_holds:
            return 0
        deal_ids = sorted({h.deal_id for h in open_holds if h.deal_id and h.deal_units})
        list(Deal.objects.select_for_update().filter(pk__in=deal_ids).order_by("pk"))
        now = timezone.now()
        locked = variants_lock(variant_ids=[h.variant_id for h in open_holds])
        deltas: dict[int, int] = {}
        for hold in open_holds:
            Variant.objects.filter(pk=hold.variant_id).update(stock=F("stock") + hold.quantity)
            product_id = locked[hold.variant_id].product_id
            deltas[product_id] = deltas.get(product_id, 0) + hold.quantity
            if hold.deal_id and hold.deal_units:
                Deal.objects.filter(pk=hold.deal_id).update(
                    quantity_sold=F("quantity_sold") - hold.deal_units
                )
            hold.released_at = now
            hold.save(update_fields=["released_at"])
        products_adjust_stock_total(deltas=deltas)
        return len(open_holds)


def stock_restore(*, variant_id: int, quantity: int) -> None:
    """Put returned or cancelled-after-payment units back on the shelf."""
    with transaction.atomic():
        variant = variants_lock(variant_ids=[variant_id])[variant_id]
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
        products_adjust_stock_total(deltas={variant.product_id: quantity})
