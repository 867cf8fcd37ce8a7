"""Candidate pools: bounded lists of videos per market, built ahead of requests.

A beat task rebuilds them (``creators.tasks.feed_tick``). Each pool has a fixed maximum
size whatever the number of videos, so reading them costs the same with 10 000 videos or
1 000 000; only the build, off the request path, grows with the catalogue, and even it
reads through top-N queries rather than loading every video.

Pools per market: ``popular`` (best base score), ``fresh`` (newest), ``cat:<id>`` (best
per category) and ``creator:<id>`` (each creator's newest of the last week, for the
people who follow them).
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from datetime import timedelta

from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Q, Sum, Value, Window
from django.db.models.functions import Cast, Log, RowNumber
from django.utils import timezone

from ..models import Video, VideoProduct, VideoStatus
from . import store
from .cards import cards_refresh
from .ranking import (
    ENGAGEMENT_WEIGHTS,
    PRIOR_RATES,
    PRIOR_VIEWS,
    Candidate,
    VideoStats,
    Viewer,
    base_score,
    smoothed,
)

log = logging.getLogger(__name__)

POPULAR_N = 500
FRESH_N = 300
CATEGORY_N = 150
CREATOR_N = 6
# How many rows the SQL pre-ranking hands to the exact Python scoring.
PREFILTER_RECENT = 1500
PREFILTER_ALL_TIME = 500
PREFILTER_CATEGORY = 300
RECENT_DAYS = 30
CREATOR_RECENT_DAYS = 7

# What one viewer's generation reads: at most a few hundred candidates.
READ_POPULAR = 150
READ_FRESH = 50
READ_TOP_CATEGORY = 60
READ_EXPLORE_CATEGORY = 25
TOP_CATEGORIES = 3
EXPLORE_CATEGORIES = 3
READ_FOLLOWED = 20
CONVERSION_PRIOR_TAPS = 50
CONVERSION_PRIOR_RATE = 0.05

_FIELDS = (
    "id",
    "creator_id",
    "creator__handle",
    "category_id",
    "published_at",
    "view_count",
    "like_count",
    "completion_count",
    "share_count",
    "not_interested_count",
    "tap_count",
)


def _rate(field: str, rate: float):
    count = Cast(F(field), FloatField()) + Value(PRIOR_VIEWS * rate)
    return count / (Cast(F("view_count"), FloatField()) + Value(float(PRIOR_VIEWS)))


def quality_expression():
    """SQL approximation of engagement × volume, to pre-rank before exact scoring."""
    fields = {"like": "like_count", "complete": "completion_count", "share": "share_count"}
    total = None
    for name, weight in ENGAGEMENT_WEIGHTS.items():
        term = _rate(fields[name], PRIOR_RATES[name]) * Value(weight / PRIOR_RATES[name])
        total = term if total is None else total + term
    views = Cast(F("view_count"), FloatField()) + Value(1.0)
    return total * (Value(1.0) + Value(0.25) * Log(Value(10.0), views))


def _published(market_code: str, now):
    return Video.objects.filter(
        market_id=market_code, status=VideoStatus.PUBLISHED, published_at__lte=now
    )


def _window_top(qs, partition: str, order, limit: int) -> list[dict]:
    ranked = qs.annotate(
        rn=Window(RowNumber(), partition_by=[F(partition)], order_by=[order, F("id").desc()])
    )
    return list(ranked.filter(rn__lte=limit).values(*_FIELDS))


def _best_rows(market_code: str, now) -> list[dict]:
    """The SQL pre-ranking in one scan of the market: the best per category, the best
    of the last ``RECENT_DAYS`` and the best before that (two window sorts; three
    separate top-N queries took twice as long at a million videos)."""
    order = [F("q").desc(), F("id").desc()]
    recent = ExpressionWrapper(
        Q(published_at__gte=now - timedelta(days=RECENT_DAYS)), output_field=BooleanField()
    )
    ranked = (
        _published(market_code, now)
        .annotate(q=quality_expression())
        .annotate(
            is_recent=recent,
            rn_cat=Window(RowNumber(), partition_by=[F("category_id")], order_by=order),
            rn_age=Window(RowNumber(), partition_by=[recent], order_by=order),
        )
    )
    keep = (
        Q(rn_cat__lte=PREFILTER_CATEGORY, category__isnull=False)
        | Q(rn_age__lte=PREFILTER_RECENT, is_recent=True)
        | Q(rn_age__lte=PREFILTER_ALL_TIME, is_recent=False)
    )
    return list(ranked.filter(keep).values(*_FIELDS))


def _collect_rows(market_code: str, now) -> tuple[dict[int, dict], list[int]]:
    rows = {row["id"]: row for row in _best_rows(market_code, now)}
    fresh = list(
        _published(market_code, now).order_by("-published_at", "-id").values(*_FIELDS)[:FRESH_N]
    )
    for row in fresh:
        rows[row["id"]] = row
    week = _published(market_code, now).filter(
        published_at__gte=now - timedelta(days=CREATOR_RECENT_DAYS)
    )
    for row in _window_top(week, "creator_id", F("published_at").desc(), CREATOR_N):
        rows.setdefault(row["id"], row)["recent_for_creator"] = True
    return rows, [r["id"] for r in fresh]


def _commerce(video_ids: list[int]) -> dict[int, dict]:
    """Per video: has products, all sold out, best in-stock product's conversion."""
    out: dict[int, dict] = {}
    tags = list(
        VideoProduct.objects.filter(video_id__in=video_ids).values(
            "video_id", "product_id", "product__stock_total", "product__sold_count"
        )
    )
    product_ids = {t["product_id"] for t in tags}
    taps = dict(
        VideoProduct.objects.filter(product_id__in=product_ids)
        .values("product_id")
        .annotate(taps=Sum("video__tap_count"))
        .values_list("product_id", "taps")
    )
    for t in tags:
        entry = out.setdefault(t["video_id"], {"sold_out": True, "conversion": None})
        if t["product__stock_total"] > 0:
            entry["sold_out"] = False
            rate = smoothed(
                t["product__sold_count"],
                taps.get(t["product_id"]) or 0,
                CONVERSION_PRIOR_RATE,
                CONVERSION_PRIOR_TAPS,
            )
            conv = rate / CONVERSION_PRIOR_RATE
            entry["conversion"] = max(entry["conversion"] or 0.0, conv)
    return out


def pools_build(*, market_code: str, category_names: dict[int, str], now=None) -> str:
    """Rebuild one market's pools; returns the new version."""
    now = now or timezone.now()
    now_ts = now.timestamp()
    started = time.monotonic()
    rows, fresh_ids = _collect_rows(market_code, now)  # empty markets get empty pools
    commerce = _commerce(list(rows))
    scored: dict[int, tuple[float, dict]] = {}
    for vid, row in rows.items():
        com = commerce.get(vid)
        stats = VideoStats(
            views=row["view_count"],
            likes=row["like_count"],
            completions=row["completion_count"],
            shares=row["share_count"],
            not_interested=row["not_interested_count"],
            taps=row["tap_count"],
            published_ts=row["published_at"].timestamp(),
            has_products=com is not None,
            all_sold_out=bool(com and com["sold_out"]),
            conversion=com["conversion"] if com else None,
        )
        scored[vid] = (base_score(stats, now_ts), row)
    by_score = sorted(scored, key=lambda v: (-scored[v][0], -v))
    popular_ids = set(by_score[:POPULAR_N])

    def candidate(vid: int) -> Candidate:
        score, row = scored[vid]
        return Candidate(
            id=vid,
            creator_id=row["creator_id"],
            handle=row["creator__handle"],
            category_id=row["category_id"],
            published_ts=row["published_at"].timestamp(),
            score=score,
            popular=vid in popular_ids,
        )

    pools: dict[str, list[Candidate]] = {
        "popular": [candidate(v) for v in by_score[:POPULAR_N]],
        "fresh": [candidate(v) for v in fresh_ids],
    }
    per_category: dict[int, list[int]] = defaultdict(list)
    per_creator: dict[int, list[int]] = defaultdict(list)
    for vid in by_score:
        row = scored[vid][1]
        if row["category_id"] is not None and len(per_category[row["category_id"]]) < CATEGORY_N:
            per_category[row["category_id"]].append(vid)
        if row.get("recent_for_creator"):
            per_creator[row["creator_id"]].append(vid)
    for cat, vids in per_category.items():
        pools[f"cat:{cat}"] = [candidate(v) for v in vids]
    for creator, vids in per_creator.items():
        pools[f"creator:{creator}"] = [candidate(v) for v in vids]
    info = {
        "built_at": now_ts,
        "build_s": round(time.monotonic() - started, 3),
        "categories": {str(c): category_names.get(c, "") for c in per_category},
        "popular_count": len(pools["popular"]),
    }
    version = store.pools_write(market=market_code, pools=pools, info=info)
    # Every card a page can show from these pools is ready before anyone asks.
    cards_refresh({c.id for items in pools.values() for c in items})
    log.info(
        "feed pools for %s: %d candidates, %d pools in %.2fs",
        market_code,
        len(rows),
        len(pools),
        time.monotonic() - started,
    )
    return version


def read_for_viewer(
    *, market_code: str, viewer: Viewer, rng: random.Random, version: str | None = None
) -> tuple[str | None, dict, list[Candidate]]:
    """The candidates one For You generation ranks: bounded whatever the catalogue size."""
    version = version or store.pools_version(market_code)
    if version is None:
        return None, {}, []
    slices: dict[str, tuple[int, int]] = {"popular": (0, READ_POPULAR), "fresh": (0, READ_FRESH)}
    top = sorted(viewer.categories.items(), key=lambda kv: -kv[1])[:TOP_CATEGORIES]
    top_ids = {int(c) for c, _ in top}
    for cat in top_ids:
        slices[f"cat:{cat}"] = (0, READ_TOP_CATEGORY)
    # Which categories exist is in the version's info; it comes back with the pools, so
    # explore categories are sampled from the previous read's list when there is one.
    known = _known_categories(market_code, version)
    others = [c for c in known if c not in top_ids and c not in viewer.hidden_categories]
    for cat in rng.sample(others, min(EXPLORE_CATEGORIES, len(others))):
        slices[f"cat:{cat}"] = (0, READ_EXPLORE_CATEGORY)
    for creator in sorted(viewer.following)[:READ_FOLLOWED]:
        slices[f"creator:{creator}"] = (0, CREATOR_N)
    info, pools = store.pools_read(market=market_code, version=version, slices=slices)
    if info is None:
        return None, {}, []
    _known[(store.prefix(), market_code, version)] = [int(c) for c in info["categories"]]
    candidates = [c for items in pools.values() for c in items]
    return version, info, candidates


_known: dict[tuple[str, str, str], list[int]] = store.worker_memo({})


def _known_categories(market_code: str, version: str) -> list[int]:
    key = (store.prefix(), market_code, version)
    if key not in _known:
        info, _ = store.pools_read(market=market_code, version=version, slices={})
        if len(_known) > 64:
            _known.clear()
        _known[key] = [int(c) for c in (info or {}).get("categories", {})]
    return _known[key]
