"""Categories and sellers: created when missing, never overwritten."""

from __future__ import annotations

from marketplace.demo import DemoContext

from ..models import Category, Seller
from .sellers_data import CATEGORIES, SELLERS


def categories_load(ctx: DemoContext) -> dict[str, Category]:
    existing = {c.slug: c for c in Category.objects.filter(slug__in=[c[0] for c in CATEGORIES])}
    out = {}
    for position, (slug, name, *_colours) in enumerate(CATEGORIES):
        out[slug], _ = ctx.upsert(
            Category,
            lookup={"slug": slug},
            defaults={"name": name, "position": position},
            instance=existing.get(slug),
        )
    return out


def sellers_load(ctx: DemoContext) -> dict[str, Seller]:
    """Sellers by their key in ``SELLERS``; the ``seller`` demo account runs one of them."""
    existing = {s.slug: s for s in Seller.objects.filter(slug__in=[s[1] for s in SELLERS])}
    out = {}
    for key, slug, name, market, first_party, _prefix, owner, description in SELLERS:
        out[key], _ = ctx.upsert(
            Seller,
            lookup={"slug": slug},
            defaults={
                "name": name,
                "market": ctx.markets[market],
                "is_first_party": first_party,
                "description": description,
                "owner": ctx.accounts.get(owner) if owner else None,
            },
            instance=existing.get(slug),
        )
    return out
