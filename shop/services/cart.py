"""Cart writes. Quantities are capped by stock when added; stock is only *held* later, at
order placement (see services/checkout.py), so a cart never blocks other buyers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..cart_badge import forget_count
from ..errors import CartLineNotFound, InsufficientStock, NotAvailableInMarket
from ..models import Cart, CartLine, Product, Variant

SESSION_KEY = "cart_token"
MAX_LINE_QUANTITY = 99


def cart_get(*, user, session, market) -> Cart | None:
    """The caller's cart in ``market``, or None. Never creates."""
    if market is None:
        return None
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user, market=market).first()
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return Cart.objects.filter(token=token, user__isnull=True, market=market).first()


def cart_get_or_create(*, user, session, market) -> Cart:
    cart = cart_get(user=user, session=session, market=market)
    if cart is not None:
        return cart
    if user is not None and user.is_authenticated:
        try:
            with transaction.atomic():
                return Cart.objects.create(user=user, market=market)
        except IntegrityError:  # created by a parallel request
            return Cart.objects.get(user=user, market=market)
    cart = Cart.objects.create(market=market)
    session[SESSION_KEY] = str(cart.token)
    return cart


def _variant_for_cart(*, cart: Cart, variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, product__in=Product.objects.visible_in(cart.market_id))
        .first()
    )
    if variant is None:
        raise NotAvailableInMarket()
    return variant


def cart_add(*, cart: Cart, variant_id: int, quantity: int = 1) -> CartLine:
    """Add ``quantity`` of a variant; the line's total may not exceed stock on hand."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    variant = _variant_for_cart(cart=cart, variant_id=variant_id)
    with transaction.atomic():
        line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
        wanted = (line.quantity if line else 0) + quantity
        _check_stock(variant, wanted)
        if line is None:
            line = CartLine.objects.create(cart=cart, variant=variant, quantity=wanted)
        else:
            line.quantity = wanted
            line.save(update_fields=["quantity"])
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def cart_set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes it (and returns None)."""
    line = CartLine.objects.select_related("variant").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartLineNotFound()
    if quantity <= 0:
        line.delete()
        return None
    _check_stock(line.variant, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def cart_remove(*, cart: Cart, line_id: int) -> None:
    deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise CartLineNotFound()


def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Fold a guest cart into the user's on sign-in; quantities add up, capped by stock."""
    with transaction.atomic():
        for line in source.lines.select_related("variant"):
            existing = CartLine.objects.filter(cart=target, variant=line.variant).first()
            wanted = min(line.quantity + (existing.quantity if existing else 0), line.variant.stock)
            if wanted <= 0:
                continue
            if existing:
                CartLine.objects.filter(pk=existing.pk).update(quantity=wanted)
                forget_count(target.pk)  # an update() sends no signal
            else:
                CartLine.objects.create(cart=target, variant=line.variant, quantity=wanted)
        source.delete()
    return target


def cart_clear_variants(*, cart: Cart, variant_ids: list[int]) -> None:
    CartLine.objects.filter(cart=cart, variant_id__in=variant_ids).delete()


def _check_stock(variant: Variant, wanted: int) -> None:
    if wanted > min(variant.stock, MAX_LINE_QUANTITY):
        raise InsufficientStock(
            variant_id=variant.pk, available=min(variant.stock, MAX_LINE_QUANTITY)
        )


def cart_line_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(cart.lines.values_list("quantity", flat=True))
