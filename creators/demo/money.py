"""The money part of the demo: the demo shopper buys Glow Lab products (the ``seller``
account's shop) after tapping them in the demo ``creator``'s videos, so the creator has a
commission in every state and the shop a settled balance and a payout:

- two orders delivered 45 days ago, settled and paid out (a creator and a shop payout);
- one delivered 32 days ago: its commission released after that payout, so available;
- one delivered 20 days ago and refunded in full: reversed;
- one delivered 8 days ago: pending, its shop share settled after the payout (so the
  shop has an available balance), and one delivered 2 days ago, waiting for settlement;

plus a targeted offer from Glow Lab waiting for the creator's answer.

Everything goes through the real services (checkout, fulfilment, refunds, settlement,
payouts) with past dates, and the outbox is delivered in-process, so the ledger is the
one production would write and ``ledger_check`` passes. Idempotent: once the shopper has a
commissioned order with the creator, nothing more is written.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from marketplace.events import event_deliver_now, pending_event_ids
from shop.models import Order, Payout, PayoutStatus, Product, ProductStatus, Seller, Variant
from shop.payments import CardDetails
from shop.services.checkout import Address, LineRequest, checkout_place
from shop.services.fulfilment import order_deliver, order_ship
from shop.services.payouts import payout_send, payouts_build
from shop.services.refunds import order_refund

from ..models import (
    Commission,
    Creator,
    ProductTap,
    TapSource,
    TargetedPlan,
    VideoProduct,
    VideoStatus,
)
from ..services.commissions import settlement_run
from ..services.plans import plan_offer
from ..services.taps import affiliate_tap_record

STOCK_SPARE = 5  # units left in stock after the demo's purchases
CARD = CardDetails("4242424242424242", 12, 2030, "123")
ADDRESS = Address("Sam Shopper", "1 Main St", "Springfield", "12345", "US")
# Days before now each order was delivered, and what happens to it next.
ORDERS = [
    (45, "paid"),
    (45, "paid"),
    (32, "available"),
    (20, "reversed"),
    (8, "pending"),
    (2, "pending"),
]


def load_money_demo(ctx) -> None:
    creator = Creator.objects.filter(user=ctx.accounts.get("creator")).first()
    seller = Seller.objects.filter(owner=ctx.accounts.get("seller")).first()
    shopper = ctx.accounts.get("shopper")
    if creator is None or seller is None or shopper is None:
        return
    _offer_ensure(ctx, seller=seller, creator=creator)
    if Commission.objects.filter(creator=creator, order__buyer=shopper).exists():
        return  # loaded before
    products = _products(seller, creator, len(ORDERS))
    if len(products) < len(ORDERS):
        return
    ctx.add_steps(len(ORDERS) + 2, "commissions, settlements and payouts")
    now, market = ctx.now, seller.market
    orders = {}
    # The best-paying products go to the orders paid out, so the payout reaches the minimum.
    products.sort(key=lambda pv: -_per_unit(pv[0], _variant(pv[0])))
    for i, ((days, fate), (product, video_id)) in enumerate(zip(ORDERS, products, strict=True)):
        variant = _variant(product)
        quantity = 1
        if fate == "paid":
            quantity = _quantity(product, variant, market.creator_payout_minimum)
        order = _buy(shopper, creator, market, variant, video_id, quantity, key=f"demo-money-{i}")
        owner = seller.owner
        order_ship(order_id=order.pk, actor=owner, carrier="UPS", tracking_number=f"1ZDEMO{i:04d}")
        order_deliver(order_id=order.pk, actor=owner, now=now - timedelta(days=days))
        _deliver_events()
        orders.setdefault(fate, []).append(order)
        ctx.step()
    for order in orders["reversed"]:
        order_refund(order_id=order.pk, actor=None, full=True, reason="Arrived damaged")
    _deliver_events()
    # Three days ago: the 45-day-old orders' commissions are released and paid out with the
    # shop's settled balance; today, the 32-day-old one becomes available.
    settlement_run(as_of=now - timedelta(days=3))
    payouts_build(as_of=(now - timedelta(days=3)).date(), send=False)
    for pk in Payout.objects.filter(status=PayoutStatus.SENDING).values_list("pk", flat=True):
        payout_send(payout_id=pk)
    ctx.step()
    settlement_run(as_of=now)
    ctx.step()
    ctx.counts["shop.Order created (paid, with commissions)"] += len(ORDERS)
    ctx.counts["shop.Payout created"] += Payout.objects.filter(
        Q(payee_type="creator", payee_id=creator.pk) | Q(payee_type="seller", payee_id=seller.pk)
    ).count()


def _products(seller: Seller, creator: Creator, n: int) -> list[tuple[Product, int | None]]:
    """Glow Lab products in stock, those the creator's videos tag first (bought from a tap
    on the video), then others (bought through the creator's affiliate link)."""
    on_sale = Product.objects.filter(
        seller=seller, status=ProductStatus.ACTIVE, variants__in=_buyable()
    ).distinct()
    tagged = {
        tag.product_id: tag.video_id
        for tag in VideoProduct.objects.filter(
            video__creator=creator, video__status=VideoStatus.PUBLISHED, product__in=on_sale
        ).order_by("video_id")
    }
    chosen = [(p, tagged[p.pk]) for p in on_sale.filter(pk__in=tagged).order_by("pk")[:n]]
    rest = on_sale.exclude(pk__in=tagged).order_by("pk")[: n - len(chosen)]
    return chosen + [(p, None) for p in rest]


def _buyable():
    """Variants with stock to spare and no deal: the demo's deals and "only a few left"
    products stay as the shop's demo made them."""
    return Variant.objects.filter(stock__gte=STOCK_SPARE + 5, deals__isnull=True)


def _variant(product: Product) -> Variant:
    return _buyable().filter(product=product).order_by("-stock", "pk").first()


def _per_unit(product: Product, variant: Variant) -> int:
    return max(1, variant.price_minor * product.commission_rate_bp // 10_000)


def _quantity(product: Product, variant: Variant, minimum: int) -> int:
    """Units enough for this order's commission to reach the creators' payout minimum."""
    wanted = -(-minimum // _per_unit(product, variant))  # ceiling
    return max(1, min(wanted, variant.stock - STOCK_SPARE, 10))


def _buy(shopper, creator, market, variant, video_id, quantity, *, key) -> Order:
    if video_id is not None:
        # The tap row only: ``tap_record`` would also buffer an engagement event, and the
        # engagement demo owns the videos' counters (a rerun would find them moved).
        ProductTap.objects.create(
            user=shopper,
            creator=creator,
            product_id=variant.product_id,
            source=TapSource.VIDEO,
            video_id=video_id,
        )
    else:
        affiliate_tap_record(
            code=creator.affiliate_code, product_id=variant.product_id, user=shopper
        )
    checkout = checkout_place(
        buyer=shopper,
        market=market,
        lines=[LineRequest(variant.pk, quantity)],
        address=ADDRESS,
        shipping_option="standard",
        card=CARD,
        idempotency_key=key,
    )
    _deliver_events()  # payment captured -> order paid -> commission accrued
    return Order.objects.get(checkout=checkout)


def _deliver_events() -> None:
    """What the Celery worker does after commit, done now: the demo runs in one
    transaction, and its next step needs the subscribers' work done."""
    for _ in range(10):
        ids = pending_event_ids()
        if not ids:
            return
        for event_id in ids:
            event_deliver_now(event_id)


def _offer_ensure(ctx, *, seller: Seller, creator: Creator) -> None:
    if TargetedPlan.objects.filter(seller=seller, creator=creator).exists():
        return
    products = list(
        Product.objects.filter(seller=seller, status=ProductStatus.ACTIVE).order_by("-pk")[:3]
    )
    if not products:
        return
    plan_offer(
        seller=seller,
        creator=creator,
        products=products,
        rate_bp=min(8000, max(p.commission_rate_bp for p in products) + 500),
        message="We love your routines. Here is a better rate on our bestsellers.",
    )
    ctx.counts["creators.TargetedPlan created"] += 1
