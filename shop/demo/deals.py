"""Deals of the day: most live now and ending at different times, one used up, one
expired, one starting later. A re-run keeps a demo deal that is still in the state it
was made for, and re-times one that has drifted out of it (the demo started tomorrow
still has live deals)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from marketplace.demo import DemoContext

from ..models import Deal, Product, Variant
from .plan import ProductPlan
from .prices import deal_price

# market -> states of its demo deals
DEALS = {
    "US": ["live"] * 6 + ["used_up", "expired", "scheduled"],
    "GB": ["live", "live"],
    "JP": ["live", "live"],
    "ID": ["live"],
}


def _state(deal: Deal, now: datetime) -> str:
    if now < deal.starts_at:
        return "scheduled"
    if now >= deal.ends_at:
        return "expired"
    return "used_up" if deal.quantity_sold >= deal.quantity_cap else "live"


def _window(state: str, rng: random.Random, now: datetime) -> dict:
    cap = rng.choice((30, 50, 80, 120, 200))
    hour = timedelta(hours=1)
    if state == "scheduled":
        starts = now + rng.randint(2, 6) * hour
        return {"starts_at": starts, "ends_at": starts + 24 * hour, "quantity_cap": cap,
                "quantity_sold": 0}  # fmt: skip
    if state == "expired":
        ends = now - rng.randint(3, 20) * hour
        return {"starts_at": ends - 24 * hour, "ends_at": ends, "quantity_cap": cap,
                "quantity_sold": rng.randint(cap // 3, cap - 1)}  # fmt: skip
    starts = now - timedelta(minutes=rng.randint(20, 8 * 60))
    ends = now + timedelta(minutes=rng.randint(40, 20 * 60))
    sold = cap if state == "used_up" else rng.randint(cap // 10, cap * 4 // 5)
    return {"starts_at": starts, "ends_at": ends, "quantity_cap": cap, "quantity_sold": sold}


def deals_load(ctx: DemoContext, catalog: list[tuple[ProductPlan, Product]]) -> None:
    picks: list[tuple[str, ProductPlan, Product]] = []
    pick_rng = ctx.rng("deals")
    for market, states in DEALS.items():
        candidates = [
            (plan, product)
            for plan, product in catalog
            if product.market_id == market
            and plan.status == "active"
            and any(v.stock for v in plan.variants)
        ]
        for state, (plan, product) in zip(
            states, pick_rng.sample(candidates, k=len(states)), strict=True
        ):
            picks.append((state, plan, product))
    ctx.add_steps(len(picks), "deals")

    skus = {
        (product.id, next(v.sku for v in plan.variants if v.stock)) for _, plan, product in picks
    }
    variants = {
        (v.product_id, v.sku): v
        for v in Variant.objects.filter(product_id__in=[p for p, _ in skus])
        if (v.product_id, v.sku) in skus
    }
    existing: dict[int, Deal] = {}
    for deal in Deal.objects.filter(variant__in=variants.values()).order_by("-id"):
        existing[deal.variant_id] = deal  # the oldest wins: ordered newest first

    for state, plan, product in picks:
        sku = next(v.sku for v in plan.variants if v.stock)
        variant = variants.get((product.id, sku))
        if variant is None:  # someone deleted it: nothing to put a deal on
            ctx.step()
            continue
        rng = ctx.rng(f"deal:{plan.seller_key}:{plan.handle}")
        deal = existing.get(variant.id)
        window = _window(state, rng, ctx.now)
        price = deal_price(variant.price_minor, rng.choice((60, 65, 70, 75, 80)), plan.currency)
        if deal is None:
            ctx.upsert(Deal, lookup={"variant": variant}, defaults={"price_minor": price, **window})
        elif _state(deal, ctx.now) != state:
            ctx.upsert(Deal, lookup={"pk": deal.pk}, values=window, instance=deal)
        ctx.step()
