"""The scenarios `make bench` drives, in the order it runs them.

Adding one: write a function that takes a ``Context`` and returns the requests to rotate
through (many distinct ones, so the run is not a single cached URL), and decorate it with
``@scenario(...)`` giving its target. Targets are a ratio to ``/healthz`` requests/s in the
same run, a p95 ceiling, an error ceiling, or several of them. If a scenario needs data of
its own, add a dataset part (see bench/dataset.py) and name it in ``needs``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from .wrk import Request

HEALTHZ = "healthz"


@dataclass(frozen=True)
class Target:
    ratio_min: float | None = None  # requests/s ≥ ratio_min × /healthz requests/s
    p95_max_ms: float | None = None
    max_errors: int | None = None

    def describe(self) -> str:
        parts = []
        if self.ratio_min is not None:
            parts.append(f"≥ {self.ratio_min:g}× healthz")
        if self.p95_max_ms is not None:
            parts.append(f"p95 ≤ {self.p95_max_ms:g} ms")
        if self.max_errors is not None:
            parts.append("0 errors" if self.max_errors == 0 else f"≤ {self.max_errors} errors")
        return ", ".join(parts)

    def check(self, *, ratio: float | None, p95_ms: float, errors: int) -> list[str]:
        """What the result misses; an empty list means it passes."""
        misses = []
        if self.ratio_min is not None and (ratio is None or ratio < self.ratio_min):
            shown = "n/a" if ratio is None else f"{ratio:.2f}×"
            misses.append(f"ratio {shown} < {self.ratio_min:g}×")
        if self.p95_max_ms is not None and p95_ms > self.p95_max_ms:
            misses.append(f"p95 {p95_ms:.1f} ms > {self.p95_max_ms:g} ms")
        if self.max_errors is not None and errors > self.max_errors:
            misses.append(f"{errors} errors > {self.max_errors}")
        return misses


@dataclass
class Context:
    """What request builders may use: a seeded random generator and the loaded dataset."""

    rng: random.Random
    sample: int = 2000  # distinct products (or other items) a scenario may ask for
    draws: int = 5000  # requests in a scenario's rotation
    skew: float = 0.8  # popularity skew: the k-th most popular item weighs 1/k**skew
    market: str = "US"  # anonymous visitors land in the default market
    cache: dict = field(default_factory=dict)

    def popular(self, items: list) -> list:
        """``draws`` picks from items ordered most popular first (see ``zipf_draw``)."""
        return zipf_draw(self.rng, items, self.draws, self.skew)

    @cached_property
    def visible_products(self) -> list[tuple[int, str]]:
        """(id, product page path) of products a shopper in ``market`` may see: a random
        sample, ordered best-selling first."""
        from django.urls import NoReverseMatch

        from shop.models import Product

        ids = list(Product.objects.visible_in(self.market).values_list("id", flat=True))
        chosen = self.rng.sample(ids, min(self.sample, len(ids)))
        out = []
        products = Product.objects.filter(id__in=chosen).only("id", "title", "sold_count")
        for p in products.order_by("-sold_count", "-id"):
            try:
                path = p.get_absolute_url()
            except NoReverseMatch:  # the HTML views are not there yet
                path = f"/products/{p.id}/"
            out.append((p.id, path))
        return out

    @cached_property
    def search_queries(self) -> list[str]:
        from .catalog_data import search_queries

        return search_queries(self.rng, min(self.sample, 500))


def zipf_draw(rng: random.Random, items: list, n: int, skew: float) -> list:
    """n picks from ``items`` (most popular first), the k-th weighing 1/k**skew. Shoppers'
    attention is head-heavy: a few products get most views, the long tail a few each. With
    skew 0 every item is equally likely."""
    if not items:
        return []
    weights = [1 / k**skew for k in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=n)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    build: Callable[[Context], list[Request]]
    connections: int | None = None  # None: the run's --connections
    target: Target | None = None
    needs: tuple[str, ...] = ("catalog",)


SCENARIOS: list[Scenario] = []


def scenario(
    name: str,
    title: str,
    *,
    connections: int | None = None,
    target: Target | None = None,
    needs: tuple[str, ...] = ("catalog",),
):
    def register(build: Callable[[Context], list[Request]]):
        SCENARIOS.append(Scenario(name, title, build, connections, target, needs))
        return build

    return register


@dataclass(frozen=True)
class Job:
    """An in-process benchmark (no HTTP), run before gunicorn starts; ``run(args)`` returns
    a dict whose ``lines`` go into the report."""

    name: str
    title: str
    run: Callable
    needs: tuple[str, ...] = ()


JOBS: list[Job] = []


def job(name: str, title: str, *, needs: tuple[str, ...] = ()):
    def register(run: Callable):
        JOBS.append(Job(name, title, run, needs))
        return run

    return register


def by_name(names: list[str]) -> list[Scenario]:
    known = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in known and n not in {j.name for j in JOBS}]
    if unknown:
        raise KeyError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names if n in known]


# --- the scenarios ------------------------------------------------------------------------


@scenario(HEALTHZ, "/healthz (floor: one SELECT 1)", needs=())
def healthz(ctx: Context) -> list[Request]:
    return [Request("/healthz")]


@scenario("product_api", "product API detail", target=Target(ratio_min=0.5))
def product_api(ctx: Context) -> list[Request]:
    return [Request(f"/api/products/{pk}/") for pk, _ in ctx.popular(ctx.visible_products)]


@scenario("product_page", "product page HTML", target=Target(ratio_min=0.35))
def product_page(ctx: Context) -> list[Request]:
    return [Request(path) for _, path in ctx.popular(ctx.visible_products)]


@scenario("shop_tab", "Shop tab page /shop/")
def shop_tab(ctx: Context) -> list[Request]:
    return [Request("/shop/")]


@scenario(
    "search",
    "search, Shop tab /shop/?q=",
    connections=16,
    target=Target(p95_max_ms=50),
)
def search_html(ctx: Context) -> list[Request]:
    return [Request("/shop/?" + urlencode({"q": q})) for q in ctx.search_queries]


@scenario(
    "search_api",
    "search, API /api/products/?q=",
    connections=16,
    target=Target(p95_max_ms=50),
)
def search_api(ctx: Context) -> list[Request]:
    return [Request("/api/products/?" + urlencode({"q": q})) for q in ctx.search_queries]


@scenario(
    "checkout",
    'checkout, two-line "Buy now" (order, sandbox charge, commit)',
    connections=32,
    target=Target(ratio_min=0.08, max_errors=0),
    needs=("catalog", "buyers"),
)
def checkout(ctx: Context) -> list[Request]:
    """Each request is a distinct buyer's checkout with a fresh Idempotency-Key, so none
    is a replay; the variants are stocked deep enough never to sell out."""
    import json
    import uuid

    from .buyers import pool_variant_ids, tokens

    keys = tokens()
    pool = pool_variant_ids(random.Random("checkout-pool"))
    requests = []
    for i in range(ctx.draws):
        a, b = ctx.rng.sample(pool, 2)
        body = {
            "shipping_address": {
                "full_name": "Bench Buyer",
                "line1": "1 Load St",
                "city": "Springfield",
                "postal_code": "12345",
                "country": "US",
            },
            "shipping_option": "standard",
            "payment": {
                "card_number": "4242424242424242",
                "exp_month": 12,
                "exp_year": 2035,
                "cvc": "123",
            },
            "lines": [{"variant_id": a, "quantity": 1}, {"variant_id": b, "quantity": 1}],
        }
        requests.append(
            Request(
                "/api/checkout/",
                method="POST",
                body=json.dumps(body, separators=(",", ":")),
                headers=(
                    ("Authorization", f"Token {keys[i % len(keys)]}"),
                    ("Content-Type", "application/json"),
                    ("Idempotency-Key", uuid.UUID(int=ctx.rng.getrandbits(128)).hex),
                ),
            )
        )
    return requests


# The feed's and the money scenarios live in their own modules; importing registers them.
from . import feed_scenarios, money_scenarios  # noqa: E402, F401
