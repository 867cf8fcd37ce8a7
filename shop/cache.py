"""The one home of the catalog's cache keys: API detail JSON, product page bodies, cards.

Keys are versioned, not deleted. A request first asks the database one indexed question —
is this product visible in this market, and what is its version — and the version is part
of the key, so a write that bumps ``Product.updated_at`` makes every older entry
unreachable at once, in every worker, with no delete to forget. Every service that
changes what a shopper sees bumps it (shop/services/catalog.py, stock.py, orders.py,
Deal.save/delete). The version also carries what other rows show on the page and cannot
bump: ``sold_count`` (moved by cancellations too), the seller's name and the category's.

Time changes what is shown without any write: a deal starts or ends. An entry therefore
holds the moment it stops being true (the product's next deal boundary) and is ignored
from then on; the cache TTL is only a memory bound.

A cache outage degrades to rendering every time, never to an error.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from .models import Category, Deal, Product, ProductStatus, Seller, Variant

log = logging.getLogger(__name__)

PREFIX = "cat:v1"
TTL_S = 600  # memory bound only: correctness comes from the version and ``valid_until``
FOREVER = float("inf")


def _version_sql() -> str:
    # Raw SQL, built once: the ORM spends more Python building this query per request than
    # the database spends answering it.
    p, s, c = Product._meta.db_table, Seller._meta.db_table, Category._meta.db_table
    # Table names come from the models; every value is a parameter.
    select = "SELECT p.id, p.updated_at, p.sold_count, s.name, c.slug, c.name"
    joins = f"JOIN {s} s ON s.id = p.seller_id LEFT JOIN {c} c ON c.id = p.category_id"
    where = "p.market_id = %s AND p.status = %s AND s.is_active = %s AND p.id IN ({ids})"
    return f"{select} FROM {p} p {joins} WHERE {where}"  # noqa: S608


_VERSION_SQL = _version_sql()


def _token(row) -> str:
    raw = "|".join("" if v is None else str(v) for v in row[1:])
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def product_versions(ids: list[int], market_code: str) -> dict[int, str]:
    """Version tokens of those of ``ids`` a shopper in the market may see (absent: not
    visible). One query, by primary key."""
    if not ids:
        return {}
    sql = _VERSION_SQL.format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [market_code, ProductStatus.ACTIVE, True, *ids])
        return {row[0]: _token(row) for row in cursor.fetchall()}


def product_version(pk: int, market_code: str) -> str | None:
    return product_versions([pk], market_code).get(pk)


def detail_key(kind: str, pk: int, market_code: str, version: str, *extra: str) -> str:
    return ":".join([PREFIX, kind, str(pk), market_code, version, *extra])


def card_version(*parts) -> str:
    """A short token for what a listing row carries of its card's state."""
    raw = "|".join(str(p) for p in parts)
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def card_key(pk: int, market_code: str, version: str) -> str:
    return detail_key("card", pk, market_code, version)


def next_deal_boundary(product_ids: list[int], now: datetime | None = None) -> dict[int, float]:
    """Per product, the epoch second at which one of its deals starts or ends (a render
    from before then may show the wrong price or countdown from then on)."""
    now = now or timezone.now()
    rows = Deal.objects.filter(variant__product_id__in=product_ids, ends_at__gt=now).values_list(
        "variant__product_id", "starts_at", "ends_at"
    )
    boundary: dict[int, float] = {}
    for product_id, starts_at, ends_at in rows:
        at = (starts_at if starts_at > now else ends_at).timestamp()
        boundary[product_id] = min(boundary.get(product_id, FOREVER), at)
    return boundary


_COUNTDOWN = re.compile(r'(<time datetime="([^"]+)" data-countdown>)(</time>)')


def fill_countdowns(html: str) -> str:
    """Write the time left into each empty ``<time data-countdown>`` of a cached fragment
    (the cache holds end times; the text is the request's; countdown.js ticks on)."""
    from .templatetags.shop_tags import countdown

    def fill(m: re.Match) -> str:
        try:
            ends_at = datetime.fromisoformat(m.group(2))
        except ValueError:
            return m.group(0)
        return f"{m.group(1)}{countdown(ends_at)}{m.group(3)}"

    return _COUNTDOWN.sub(fill, html)


def get(key: str):
    """The cached value, or None when absent, past its ``valid_until`` or unreachable."""
    try:
        entry = cache.get(key)
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("cache unavailable; rendering %s", key)
        return None
    return _fresh(entry)


def _fresh(entry):
    if entry is None:
        return None
    valid_until, value = entry
    return value if time.time() < valid_until else None


def get_many(keys: list[str]) -> dict[str, object]:
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; rendering %d cards", len(keys))
        return {}
    fresh = {k: _fresh(v) for k, v in found.items()}
    return {k: v for k, v in fresh.items() if v is not None}


def _timeout(valid_until: float) -> int:
    left = valid_until - time.time()
    return TTL_S if left >= TTL_S else max(1, int(left) + 1)


def put(key: str, value, valid_until: float = FOREVER) -> None:
    try:
        cache.set(key, (valid_until, value), _timeout(valid_until))
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; %s not cached", key)


def put_many(entries: dict[str, tuple[object, float]]) -> None:
    """``entries``: key -> (value, valid_until)."""
    if not entries:
        return
    try:
        # One timeout for the batch: the shortest; ``valid_until`` is exact per entry.
        timeout = min(_timeout(until) for _, until in entries.values())
        cache.set_many({k: (until, v) for k, (v, until) in entries.items()}, timeout)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; %d cards not cached", len(entries))


def bump_products(*, product_ids=None, variant_ids=None) -> None:
    """Mark products changed (new version) when a write did not go through ``save``:
    the products themselves, or those owning ``variant_ids``."""
    now = timezone.now()  # the app's clock, like ``auto_now``, to the microsecond
    if product_ids:
        Product.objects.filter(pk__in=sorted(set(product_ids))).update(updated_at=now)
    if variant_ids:
        owners = Variant.objects.filter(pk__in=list(variant_ids)).values("product_id")
        Product.objects.filter(pk__in=owners).update(updated_at=now)


# The listing generation: one number for "which products match a search, in which order",
# read before a search page's own query. Any write to products, sellers or categories moves
# it (ListingQuerySet and shop.signals), at once and again when the write commits, so a page
# cached under a generation is never older than that generation's data. Guests' search
# pages are cached under it (shop.views) and need no query at all until the next write.
# Shared by every worker, so Redis only; entries also expire after LISTING_TTL_S.
LISTING_KEY = f"{PREFIX}:listing"
LISTING_TTL_S = 60


def listing_generation() -> str | None:
    """The current generation, or None (no shared cache, or unreachable): query as usual."""
    if not settings.REDIS_URL:
        return None
    try:
        value = cache.get(LISTING_KEY)
        if value is None:
            # Never a number used before (the key was flushed or evicted): start from the clock.
            cache.add(LISTING_KEY, time.time_ns() // 1000, None)
            value = cache.get(LISTING_KEY)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; listing generation unknown")
        return None
    return None if value is None else str(value)


def listing_changed() -> None:
    _listing_bump()
    transaction.on_commit(_listing_bump)


def _listing_bump() -> None:
    if not settings.REDIS_URL:
        return
    try:
        cache.incr(LISTING_KEY)
    except ValueError:
        pass  # absent: the next reader starts a new generation
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; listing generation not moved")


# What the version query answered, kept in the cache with the listing generation it was read
# under: any write that can change a version (product, seller, category; shop.signals and
# ListingQuerySet) moves the generation, so an answer is reused only while its generation
# is current. With it a hot product page or API detail costs one cache round trip
# (``versioned_get``) and no query.
_HIDDEN = "-"  # the query's answer for a product not visible in the market


def _memo_key(pk: int, market_code: str) -> str:
    return f"{PREFIX}:ver:{market_code}:{pk}"


def versioned_get(pk: int, market_code: str, key: str | None = None) -> tuple[str | None, object]:
    """The product's version (None: not visible in the market) and the value stored at
    ``key`` by ``versioned_put`` for that version (None: absent, stale or expired).

    The generation, the remembered version and the entry are read together (one MGET); the
    database is asked only when the generation moved since the version was remembered."""
    memo_key = _memo_key(pk, market_code)
    keys = [LISTING_KEY, memo_key] + ([key] if key else [])
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; versions from the database")
        found = {}
    generation, memo = found.get(LISTING_KEY), found.get(memo_key)
    if generation is not None and memo is not None and memo[0] == generation:
        version = memo[1]
    else:
        if generation is None:
            # Read (or started) before the query: an answer is never newer than its generation.
            started = listing_generation()
            generation = int(started) if started is not None else None
        version = product_version(pk, market_code) or _HIDDEN
        if generation is not None:
            _remember(memo_key, (generation, version))
    if version == _HIDDEN:
        return None, None
    entry = _fresh(found.get(key)) if key else None
    return version, (entry[1] if entry is not None and entry[0] == version else None)


def _remember(memo_key: str, memo: tuple) -> None:
    try:
        cache.set(memo_key, memo, LISTING_TTL_S)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; version not remembered")


def versioned_put(key: str, version: str, value, valid_until: float = FOREVER) -> None:
    """Store ``value`` at ``key`` as rendered from ``version`` (see ``versioned_get``): one
    entry per key, replaced when a newer version is rendered."""
    put(key, (version, value), valid_until)


def listing_get(key: str) -> tuple[int | None, object]:
    """The current listing generation (None: no shared cache) and the value stored at
    ``key`` by ``listing_put`` under it (None: absent, older or expired), in one round trip."""
    if not settings.REDIS_URL:
        return None, None
    try:
        found = cache.get_many([LISTING_KEY, key])
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; listing generation unknown")
        return None, None
    generation = found.get(LISTING_KEY)
    if generation is None:
        started = listing_generation()
        return (int(started) if started is not None else None), None
    entry = _fresh(found.get(key))
    return generation, (entry[1] if entry is not None and entry[0] == generation else None)


def listing_put(key: str, generation: int, value) -> None:
    """Store ``value`` as computed under ``generation`` (read before computing it)."""
    put(key, (generation, value), time.time() + LISTING_TTL_S)
