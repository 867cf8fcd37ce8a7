"""Placing orders: ``checkout_place`` turns lines into one paid checkout, or raises.

Steps (each small and named, as in django-oscar's order placement):
1. ``_hold``: one transaction locks variants and deals in pk order, checks stock under the
   lock, takes the units, and writes the checkout, one order per seller, lines that
   snapshot price / deal / fee / seller, stock holds, and a pending payment.
2. The gateway charges the card, outside any transaction (no lock waits on a network).
3. ``payment_record_result``: on success the payment is captured and ``payment.captured``
   goes into the outbox in the same transaction; Celery then marks the orders paid. On
   failure the holds are released and the orders cancelled, and ``PaymentFailed`` raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from marketplace.events import event_publish

from ..errors import CheckoutDisabled, EmptyCheckout, NotAvailableInMarket, PaymentFailed
from ..models import (
    Checkout,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentStatus,
    ShippingOption,
    StockHold,
)
from ..payments import CardDetails, GatewayError, get_gateway
from ..pricing import line_price
from .stock import (
    deals_lock,
    hold_expiry,
    holds_release,
    stock_check,
    stock_take_many,
    variants_lock,
)


@dataclass(frozen=True)
class LineRequest:
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Address:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str


def shipping_price(*, market, option: str) -> int:
    if option == ShippingOption.EXPRESS:
        return market.shipping_express_minor
    return market.shipping_standard_minor


def _merge(lines: list[LineRequest]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for line in lines:
        if line.quantity < 1:
            raise EmptyCheckout("Every quantity must be at least 1.")
        merged[line.variant_id] = merged.get(line.variant_id, 0) + line.quantity
    if not merged:
        raise EmptyCheckout()
    return merged


def _sum_by(pairs, key_value) -> dict[int, int]:
    out: dict[int, int] = {}
    for variant, price in pairs:
        key, value = key_value(variant, price)
        out[key] = out.get(key, 0) + value
    return out


def _hold(*, buyer, market, lines, address: Address, shipping_option: str) -> Checkout:
    wanted = _merge(lines)
    with transaction.atomic():
        variants = variants_lock(variant_ids=list(wanted))
        for variant_id in wanted:
            variant = variants.get(variant_id)
            product = variant.product if variant else None
            if (
                product is None
                or product.market_id != market.code
                or product.status != "active"
                or not product.seller.is_active
            ):
                raise NotAvailableInMarket(variant_id=variant_id)
        deals = deals_lock(variant_ids=list(wanted))
        priced = []
        for variant_id in sorted(wanted):
            variant, quantity = variants[variant_id], wanted[variant_id]
            stock_check(variant=variant, quantity=quantity)
            price = line_price(variant=variant, quantity=quantity, deal=deals.get(variant_id))
            priced.append((variant, price))
        # One UPDATE each for variants, deals and products, however many lines.
        stock_take_many(
            taken={v.pk: p.quantity for v, p in priced},
            by_product=_sum_by(priced, lambda v, p: (v.product_id, p.quantity)),
            deal_units={p.deal_id: p.deal_units for _, p in priced if p.deal_units},
        )

        by_seller: dict[int, list] = {}
        for variant, price in priced:
            by_seller.setdefault(variant.product.seller_id, []).append((variant, price))
        shipping = shipping_price(market=market, option=shipping_option)
        subtotals = {sid: sum(p.total for _, p in rows) for sid, rows in by_seller.items()}
        checkout = Checkout.objects.create(
            buyer=buyer,
            market=market,
            currency=market.currency,
            total_minor=sum(subtotals.values()) + shipping * len(subtotals),
        )
        now = timezone.now()
        orders = []
        for seller_id in sorted(by_seller):
            subtotal = subtotals[seller_id]
            orders.append(
                Order(
                    checkout=checkout,
                    buyer=buyer,
                    seller_id=seller_id,
                    market=market,
                    currency=market.currency,
                    subtotal_minor=subtotal,
                    shipping_minor=shipping,
                    total_minor=subtotal + shipping,
                    shipping_option=shipping_option,
                    ship_full_name=address.full_name,
                    ship_line1=address.line1,
                    ship_city=address.city,
                    ship_postal_code=address.postal_code,
                    ship_country=address.country,
                )
            )
        Order.objects.bulk_create(orders)
        OrderStatusChange.objects.bulk_create(
            OrderStatusChange(order=o, to_status=OrderStatus.PENDING_PAYMENT, actor=buyer)
            for o in orders
        )
        lines = []
        for order in orders:
            for variant, price in by_seller[order.seller_id]:
                product = variant.product
                lines.append(
                    OrderLine(
                        order=order,
                        variant=variant,
                        product=product,
                        seller_id=order.seller_id,
                        title=product.title,
                        variant_label=variant.label if variant.options else "",
                        sku=variant.sku,
                        quantity=price.quantity,
                        unit_price_minor=price.unit_price,
                        deal_id=price.deal_id,
                        deal_price_minor=price.deal_price,
                        deal_units=price.deal_units,
                        gross_minor=price.total,
                        referral_fee_bp=market.referral_fee_bp,
                        commission_rate_bp=product.commission_rate_at(now),
                    )
                )
        OrderLine.objects.bulk_create(lines)
        expires = hold_expiry()
        StockHold.objects.bulk_create(
            StockHold(
                variant_id=line.variant_id,
                order_line=line,
                quantity=line.quantity,
                deal_id=line.deal_id,
                deal_units=line.deal_units,
                expires_at=expires,
            )
            for line in lines
        )
        Payment.objects.create(
            checkout=checkout, amount_minor=checkout.total_minor, currency=market.currency
        )
    return checkout


def checkout_place(
    *,
    buyer,
    market,
    lines: list[LineRequest],
    address: Address,
    shipping_option: str,
    card: CardDetails,
    idempotency_key: str,
) -> Checkout:
    """Hold stock, charge the card once, and hand the paid checkout to the pipeline."""
    if not market.checkout_enabled:
        raise CheckoutDisabled()
    checkout = _hold(
        buyer=buyer,
        market=market,
        lines=lines,
        address=address,
        shipping_option=shipping_option,
    )
    gateway = get_gateway()
    try:
        result = gateway.charge(
            amount=checkout.total_minor,
            currency=checkout.currency,
            card=card,
            reference=f"checkout-{checkout.pk}",
            idempotency_key=f"checkout-{checkout.pk}-{idempotency_key}",
        )
    except GatewayError:
        payment_record_failure(checkout_id=checkout.pk, code="processing_error")
        raise PaymentFailed("processing_error", "The card processor could not be reached.")
    Payment.objects.filter(checkout=checkout).update(card_brand=card.brand, card_last4=card.last4)
    if result.ok:
        payment_record_success(checkout_id=checkout.pk, gateway_ref=result.reference)
        return checkout
    payment_record_failure(checkout_id=checkout.pk, code=result.code)
    raise PaymentFailed(result.code, result.message)


def payment_record_success(*, checkout_id: int, gateway_ref: str) -> bool:
    """Mark the payment captured and queue ``payment.captured``. Idempotent: the request
    and the processor's webhook may both report the same success."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        if payment.status != PaymentStatus.PENDING:
            return False
        payment.status = PaymentStatus.CAPTURED
        payment.gateway_ref = gateway_ref
        payment.captured_at = timezone.now()
        payment.save(update_fields=["status", "gateway_ref", "captured_at"])
        event_publish("payment.captured", {"checkout_id": checkout_id, "payment_id": payment.pk})
    return True


def payment_record_failure(*, checkout_id: int, code: str) -> bool:
    """A declined or failed charge: release every hold and cancel the orders. Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        if payment.status != PaymentStatus.PENDING:
            return False
        payment.status = PaymentStatus.FAILED
        payment.failure_code = code
        payment.save(update_fields=["status", "failure_code"])
        holds = list(StockHold.objects.filter(order_line__order__checkout_id=checkout_id))
        holds_release(holds=holds)
        now = timezone.now()
        for order in Order.objects.select_for_update().filter(checkout_id=checkout_id):
            OrderStatusChange.objects.create(
                order=order,
                from_status=order.status,
                to_status=OrderStatus.CANCELLED,
                note=f"Payment failed: {code}",
            )
            order.status = OrderStatus.CANCELLED
            order.cancelled_at = now
            order.save(update_fields=["status", "cancelled_at"])
    return True
