"""The checkout scenario's data: signed-in buyers with API tokens, and a pool of variants
stocked so deep that a run never sells out (stock is topped up on every run)."""

from __future__ import annotations

import random

from .dataset import Log, Part

BUYERS = 64
POOL = 200
DEEP_STOCK = 1_000_000
MARKET = "US"


def _load(params: dict, rng: random.Random, log: Log) -> dict:
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from marketplace.models import User

    password = make_password(None)  # unusable: these accounts only use tokens
    for i in range(params["buyers"]):
        user, _ = User.objects.get_or_create(
            username=f"bench-buyer-{i}",
            defaults={"password": password, "market_id": MARKET, "email": f"b{i}@bench.test"},
        )
        Token.objects.get_or_create(user=user)
    return {"buyers": params["buyers"]}


def _present(params: dict) -> bool:
    from rest_framework.authtoken.models import Token

    return (
        Token.objects.filter(user__username__startswith="bench-buyer-").count() >= params["buyers"]
    )


def pool_variant_ids(rng: random.Random) -> list[int]:
    from shop.models import Product, Variant

    visible = Product.objects.visible_in(MARKET)
    ids = list(
        Variant.objects.filter(product__in=visible).order_by("id").values_list("id", flat=True)
    )
    return sorted(rng.sample(ids, min(POOL, len(ids))))


def _refresh(params: dict, rng: random.Random, log: Log) -> None:
    from shop.models import Variant

    ids = pool_variant_ids(random.Random("checkout-pool"))
    Variant.objects.filter(pk__in=ids).update(stock=DEEP_STOCK)
    log(f"checkout pool: {len(ids)} variants stocked to {DEEP_STOCK}")


def buyers_part(*, buyers: int = BUYERS) -> Part:
    return Part(
        name="buyers",
        params={"buyers": buyers},
        tables=[],  # users are kept: other tables point at them
        load=_load,
        present=_present,
        refresh=_refresh,
    )


def tokens() -> list[str]:
    from rest_framework.authtoken.models import Token

    return list(
        Token.objects.filter(user__username__startswith="bench-buyer-")
        .order_by("user__username")
        .values_list("key", flat=True)
    )
