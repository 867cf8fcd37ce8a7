"""The demo catalog as plain data: every value drawn from a seeded generator, decided
before anything touches the database, so two runs (or two machines) plan the same."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from marketplace.demo import DemoContext

from .copy import CATEGORY_COPY, SHIPPING_LINE
from .prices import localise, scaled
from .products_data import PRODUCTS
from .sellers_data import COLOURS, SELLERS, VARIANT_KINDS

SELLER_BY_KEY = {s[0]: s for s in SELLERS}
# A few products not shown to shoppers, for the seller center and the admin's filters.
DRAFT = {"Peptide Eye Patches (30 pairs)", "Cable Knit Cardigan"}
ARCHIVED = {"Party Card Game"}
NEARLY_SOLD_OUT = 7
SOLD_OUT = 2


@dataclass
class VariantPlan:
    sku: str
    options: dict[str, str]
    price_minor: int
    compare_at_minor: int | None
    stock: int
    position: int


@dataclass
class ProductPlan:
    number: int
    seller_key: str
    currency: str
    category: str
    title: str
    short_name: str
    handle: str
    description: str
    tags: str
    vendor: str
    status: str
    option_names: list[str]
    commission_rate_bp: int
    sold_count: int
    age_minutes: int
    image_count: int
    variants: list[VariantPlan] = field(default_factory=list)


def _option_rows(kind: str | None, rng: random.Random) -> tuple[list[str], list]:
    """Option names and ``[(values, price percent)]`` rows for one product."""
    if kind is None:
        return [], [([], 100)]
    if kind in ("color", "shade"):
        picked = rng.sample(COLOURS[kind], k=rng.randint(2, 4))
        return ["Color" if kind == "color" else "Shade"], [([c], 100) for c in picked]
    if kind == "color_size":
        colours = rng.sample(COLOURS[kind], k=rng.randint(2, 3))
        return ["Color", "Size"], [([c, s], 100) for c in colours for s in ("S", "M", "L")]
    return VARIANT_KINDS[kind]


def _stock(rng: random.Random, *, several: bool) -> int:
    if several and rng.random() < 0.12:
        return 0  # one option sold out: greyed out in the picker
    return int(rng.triangular(6, 320, 45))


def _product(ctx: DemoContext, number: int, category: str, entry: tuple) -> ProductPlan:
    seller_key, title, short, usd, kind, tags, pitch = entry
    _key, _slug, seller_name, market, _fp, prefix, _owner, _desc = SELLER_BY_KEY[seller_key]
    currency = ctx.markets[market].currency
    handle = slugify(title)
    rng = ctx.rng(f"product:{seller_key}:{handle}")

    option_names, rows = _option_rows(kind, rng)
    compare_pct = rng.choice((125, 140, 150, 170, 200)) if rng.random() < 0.35 else None
    variants = []
    for position, (values, pct) in enumerate(rows, start=1):
        usd_price = scaled(usd, pct)
        variants.append(
            VariantPlan(
                sku=f"{prefix}-{number:03d}-{position:02d}",
                options=dict(zip(option_names, values, strict=True)),
                price_minor=localise(usd_price, currency),
                compare_at_minor=localise(scaled(usd_price, compare_pct), currency)
                if compare_pct
                else None,
                stock=_stock(rng, several=len(rows) > 1),
                position=position,
            )
        )
    copy = rng.sample(CATEGORY_COPY[category], k=2)
    return ProductPlan(
        number=number,
        seller_key=seller_key,
        currency=currency,
        category=category,
        title=title,
        short_name=short,
        handle=handle,
        description="\n\n".join([pitch, " ".join(copy), SHIPPING_LINE.format(seller=seller_name)]),
        tags=tags,
        vendor=seller_name,
        status="draft" if title in DRAFT else "archived" if title in ARCHIVED else "active",
        option_names=option_names,
        commission_rate_bp=rng.choice((500, 800, 1000, 1000, 1200, 1500, 2000)),
        # Long-tailed, like real sales: most sell dozens, a few sell thousands.
        sold_count=min(int(rng.paretovariate(1.05) * 80) - 80 + rng.randint(3, 60), 48_000),
        age_minutes=rng.randint(0, 90 * 24 * 60),
        image_count=rng.choice((1, 2, 2, 3, 3)),
        variants=variants,
    )


def catalog_plan(ctx: DemoContext) -> list[ProductPlan]:
    plans = []
    for category, entries in PRODUCTS.items():
        for entry in entries:
            plans.append(_product(ctx, len(plans) + 1, category, entry))

    # A few active single-variant products run (nearly) out: "Only 2 left", "Sold out".
    singles = [p for p in plans if p.status == "active" and len(p.variants) == 1]
    picked = ctx.rng("stock-specials").sample(singles, k=NEARLY_SOLD_OUT + SOLD_OUT)
    stock_rng = ctx.rng("stock-levels")
    for i, plan in enumerate(picked):
        plan.variants[0].stock = 0 if i < SOLD_OUT else stock_rng.randint(1, 3)
        plan.sold_count += 800  # it sold out because people bought it
    return plans
