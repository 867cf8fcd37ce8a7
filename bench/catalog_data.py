"""The catalog part of the bench dataset: markets, sellers, 100 000 products (by default)
with variants, images and live deals, generated from ``bench.vocabulary`` and written with
COPY; and the search queries the search scenarios type."""

from __future__ import annotations

import math
import random
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from . import vocabulary as V
from .dataset import Log, Part, Weighted, copy_rows, indexes_dropped, reset_sequence

# Raise when the generated data changes shape, so existing bench databases reload.
CATALOG_VERSION = 1

MARKETS = {
    # code: (name, currency, checkout enabled, share of sellers and products in %)
    "US": ("United States", "USD", True, 70),
    "GB": ("United Kingdom", "GBP", True, 15),
    "JP": ("Japan", "JPY", True, 10),
    "ID": ("Indonesia", "IDR", False, 5),
}
# A US-dollar price is converted with these rates, then rounded the way shops price.
USD_RATE = {"USD": 1, "GBP": 0.8, "JPY": 150, "IDR": 16000}
IMAGE_POOL = 24  # distinct placeholder image files the products share


def price_minor(usd: float, currency: str, exponent: int) -> int:
    """A shop-like price: x.99 where there are cents, round tens/thousands where not."""
    amount = usd * USD_RATE[currency]
    if exponent == 0:
        step = 1000 if amount >= 10_000 else 10
        return max(step, int(round(amount / step)) * step)
    return max(1, int(amount)) * 10**exponent + (10**exponent - 1)


def _ensure_markets() -> None:
    from marketplace.models import Market
    from marketplace.money import currency

    for position, (code, (name, cur, checkout, _share)) in enumerate(MARKETS.items()):
        unit = 10 ** currency(cur).exponent
        Market.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "currency": cur,
                "checkout_enabled": checkout,
                "position": position,
                "creator_payout_minimum": 10 * unit,
                "seller_payout_minimum": 1 * unit,
            },
        )


def _make_sellers(n: int, rng: random.Random, now: datetime) -> list[dict]:
    codes = list(MARKETS)
    counts = {c: max(1, round(n * MARKETS[c][3] / 100)) for c in codes}
    counts["US"] += n - sum(counts.values())
    sellers, used = [], set()
    for code in codes:
        for _ in range(counts[code]):
            while True:
                name = f"{rng.choice(V.SELLER_WORDS)} {rng.choice(V.SELLER_KINDS)}"
                if name not in used:
                    used.add(name)
                    break
            sellers.append(
                {
                    "id": len(sellers) + 1,
                    "slug": slugify(name)[:60],
                    "name": name,
                    "market_id": code,
                    "is_first_party": False,
                    "description": f"{name}: independent shop since {rng.randint(2012, 2024)}.",
                    "is_active": rng.random() > 0.04,
                    "created_at": now - timedelta(days=rng.randint(200, 1500)),
                }
            )
    sellers[0].update(name="Marketplace Basics", slug="marketplace-basics", is_first_party=True)
    sellers[0]["is_active"] = True
    return sellers


def _product_text(rng: random.Random, category) -> tuple[str, str, str]:
    _slug, cat_name, _w, nouns, _opts = category
    noun = rng.choice(nouns)
    middle = rng.choice(V.MATERIALS) if rng.random() < 0.55 else rng.choice(V.COLORS)
    words = [rng.choice(V.ADJECTIVES), middle, noun]
    suffix = rng.choice(V.SUFFIXES)
    title = " ".join(w[:1].upper() + w[1:] for w in " ".join(words).split())
    if suffix:
        title += f" – {suffix}"
    occasion = rng.choice(V.OCCASIONS)
    description = (
        f"A {words[0]} {noun} in {rng.choice(V.MATERIALS + V.COLORS)}, made for {occasion}. "
        + " ".join(rng.sample(V.FEATURES, 2))
    )
    tags = ", ".join(
        dict.fromkeys([noun, cat_name.lower(), occasion, *rng.sample(V.TAGS, rng.randint(0, 2))])
    )
    return title, description, tags


def _variant_options(rng: random.Random, option_names: list[str], n: int) -> list[dict]:
    if not option_names or n == 1 and rng.random() < 0.5:
        return [{}]
    pools = {"Color": V.COLORS, "Size": V.SIZES, "Shade": V.SHADES}
    first = option_names[0]
    values = rng.sample(pools[first], min(n, len(pools[first])))
    out = []
    for v in values:
        opts = {first: v.capitalize() if first == "Color" else v}
        for other in option_names[1:]:
            opts[other] = rng.choice(pools[other])
        out.append(opts)
    return out


def _load_catalog(params: dict, rng: random.Random, log: Log) -> dict:
    from marketplace.money import currency
    from shop.models import Category, Deal, Product, ProductImage, Seller, Variant

    n_products, n_sellers = params["products"], params["sellers"]
    now = timezone.now()
    _ensure_markets()

    copy_rows(
        Category,
        (
            {"id": i + 1, "slug": c[0], "name": c[1], "position": i}
            for i, c in enumerate(V.CATEGORIES)
        ),
    )
    sellers = _make_sellers(n_sellers, rng, now)
    copy_rows(Seller, sellers)
    # Big shops and small ones: a few sellers hold most products.
    seller_weights = [1 / (i + 1) ** 0.8 for i in range(len(sellers))]
    rng.shuffle(seller_weights)
    seller_by_market = {code: [] for code in MARKETS}
    for s, w in zip(sellers, seller_weights, strict=True):
        seller_by_market[s["market_id"]].append((s, w))
    pick_market = Weighted([(code, MARKETS[code][3]) for code in MARKETS])
    pick_seller = {code: Weighted(pairs) for code, pairs in seller_by_market.items()}
    pick_category = Weighted([((i + 1, c), c[2]) for i, c in enumerate(V.CATEGORIES)])
    pick_variants = Weighted([(1, 45), (2, 30), (3, 25)])
    pick_status = Weighted([("active", 90), ("draft", 5), ("archived", 5)])
    exponents = {code: currency(MARKETS[code][1]).exponent for code in MARKETS}

    products: list[dict] = []
    variants: list[dict] = []
    images: list[dict] = []
    t0 = time.monotonic()
    for pid in range(1, n_products + 1):
        code = pick_market.draw(rng)
        seller = pick_seller[code].draw(rng)
        cat_id, category = pick_category.draw(rng)
        title, description, tags = _product_text(rng, category)
        created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
        n_variants = pick_variants.draw(rng)
        options = _variant_options(rng, category[4], n_variants)
        usd = math.exp(rng.uniform(math.log(4), math.log(200)))
        cur = MARKETS[code][1]
        product_variants = []
        for pos, opts in enumerate(options, start=1):
            price = price_minor(usd * rng.uniform(1, 1.25), cur, exponents[code])
            roll = rng.random()
            stock = 0 if roll < 0.05 else rng.randint(1, 5) if roll < 0.15 else rng.randint(6, 500)
            compare = price_minor(usd * 1.6, cur, exponents[code]) if rng.random() < 0.3 else None
            product_variants.append(
                {
                    "id": len(variants) + len(product_variants) + 1,
                    "product_id": pid,
                    "sku": f"BN{pid:07d}-{pos}",
                    "options": opts,
                    "price_minor": price,
                    "compare_at_minor": compare if compare and compare > price else None,
                    "stock": stock,
                    "position": pos,
                }
            )
        variants += product_variants
        cheapest = min(product_variants, key=lambda v: (v["price_minor"], v["position"]))
        status = pick_status.draw(rng)
        vendor = seller["name"]
        product = {
            "id": pid,
            "seller_id": seller["id"],
            "market_id": code,
            "category_id": cat_id,
            "title": title,
            "handle": f"{slugify(title)[:180]}-{pid}",
            "description": description,
            "tags": tags,
            "vendor": vendor,
            "status": status,
            "option_names": list(options[0]) if options[0] else [],
            "commission_rate_bp": rng.choice([500, 800, 1000, 1000, 1500, 2000]),
            "price_minor": cheapest["price_minor"],
            "compare_at_minor": cheapest["compare_at_minor"],
            "stock_total": sum(v["stock"] for v in product_variants),
            "sold_count": min(100_000, int(rng.paretovariate(1.1) * 3) - 3),
            "created_at": created,
            "updated_at": created,
        }
        # Same rule as Product.build_search_document, without building model instances.
        product["search_document"] = " ".join(
            p for p in (title, description, tags, vendor) if p
        ).lower()
        products.append(product)
        for pos in range(1, rng.choice([1, 1, 2, 3]) + 1):
            k = rng.randrange(IMAGE_POOL)
            images.append(
                {
                    "id": len(images) + 1,
                    "product_id": pid,
                    "image": f"bench/{k}.jpg",
                    "thumbnail": f"bench/{k}-thumb.jpg",
                    "alt": title,
                    "position": pos,
                }
            )
    log(f"generated {len(products)} products in {time.monotonic() - t0:.1f} s; writing")

    t0 = time.monotonic()
    with indexes_dropped([m._meta.db_table for m in (Product, Variant, ProductImage)], log):
        copy_rows(Product, products)
        copy_rows(Variant, variants)
        copy_rows(ProductImage, images)
        log(f"copied in {time.monotonic() - t0:.1f} s")
    deals = _make_deals(rng, products, variants, now)
    copy_rows(Deal, deals)
    for model in (Category, Seller, Product, Variant, ProductImage, Deal):
        reset_sequence(model)
    _write_placeholder_images()
    by_market = {code: sum(1 for p in products if p["market_id"] == code) for code in MARKETS}
    return {
        "products": len(products),
        "variants": len(variants),
        "images": len(images),
        "sellers": len(sellers),
        "deals": len(deals),
        "products_by_market": by_market,
    }


def _make_deals(rng, products, variants, now) -> list[dict]:
    """Live deals on in-stock variants of active products: ~60 in the US, a few elsewhere."""
    wanted = {"US": 60, "GB": 12, "JP": 8, "ID": 4}
    product_by_id = {p["id"]: p for p in products}
    deals = []
    for v in rng.sample(variants, min(len(variants), 4000)):
        p = product_by_id[v["product_id"]]
        if p["status"] != "active" or v["stock"] < 10 or wanted[p["market_id"]] <= 0:
            continue
        wanted[p["market_id"]] -= 1
        cap = rng.choice([50, 100, 200, 500])
        deals.append(
            {
                "id": len(deals) + 1,
                "variant_id": v["id"],
                "price_minor": max(1, v["price_minor"] * rng.choice([70, 75, 80, 85]) // 100),
                "starts_at": now - timedelta(hours=1),
                "ends_at": now + timedelta(hours=rng.randint(6, 72)),
                "quantity_cap": cap,
                "quantity_sold": rng.randint(0, cap - 1),
                "created_at": now,
            }
        )
    return deals


def _refresh_deals(params: dict, rng: random.Random, log: Log) -> None:
    """Deals end by themselves; re-time them so every run sees the same live strip."""
    from shop.models import Deal

    with connection.cursor() as c:
        c.execute(
            f"UPDATE {Deal._meta.db_table} SET starts_at = now() - interval '1 hour', "
            "ends_at = now() + (6 + (id % 67)) * interval '1 hour'"
        )


def _catalog_present(params: dict) -> bool:
    from shop.models import Product

    return Product.objects.count() == params["products"]


def _write_placeholder_images() -> None:
    """A small pool of real image files, so image URLs resolve if a browser follows them."""
    from django.conf import settings
    from PIL import Image

    folder = Path(settings.MEDIA_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(IMAGE_POOL):
        color = (40 + k * 8 % 200, 120 + k * 5 % 120, 200 - k * 7 % 160)
        for name, size in ((f"{k}.jpg", (960, 960)), (f"{k}-thumb.jpg", (480, 480))):
            path = folder / name
            if not path.exists():
                Image.new("RGB", size, color).save(path, format="JPEG", quality=70)


def catalog_part(*, products: int, sellers: int) -> Part:
    from shop.models import Category, Deal, Product, ProductImage, Seller, Variant

    return Part(
        name="catalog",
        params={"products": products, "sellers": sellers},
        tables=[m._meta.db_table for m in (Deal, ProductImage, Variant, Product, Seller, Category)],
        load=_load_catalog,
        present=_catalog_present,
        refresh=_refresh_deals,
        version=CATALOG_VERSION,
    )


# --- what the scenarios ask for -----------------------------------------------------------


def search_queries(rng: random.Random, n: int) -> list[str]:
    """What shoppers type: mostly one common word, some two-word phrases, a few misses."""
    nouns = [noun for c in V.CATEGORIES for noun in c[3]]
    queries = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.30:
            q = rng.choice(nouns)
        elif roll < 0.55:
            q = rng.choice(V.MATERIALS + V.COLORS)
        elif roll < 0.70:
            q = rng.choice(V.ADJECTIVES)
        elif roll < 0.95:
            q = f"{rng.choice(V.ADJECTIVES + V.MATERIALS + V.COLORS)} {rng.choice(nouns)}"
        else:
            q = rng.choice(V.NO_MATCH_QUERIES)
        if rng.random() < 0.2:
            q = q.title()  # people capitalise; search is case-insensitive
        queries.append(q)
    return queries
