"""The videos part of the bench dataset: creators, published videos tagging the catalog's
products with engagement counters, and signed-in viewers with a history (interests,
likes, seen videos, followed creators), written with COPY; then the feed's pools built.

Sized by ``--videos`` (10 000 by default; 1 000 000 loads in a few minutes): one creator
per ``VIDEOS_PER_CREATOR`` videos, each tagging 1–3 active products of its market.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from . import vocabulary as V
from .catalog_data import IMAGE_POOL, MARKETS
from .dataset import Log, Part, Weighted, copy_rows, indexes_dropped, reset_sequence

VIDEOS_VERSION = 1
VIEWERS = 200
VIEWER_MARKET = "US"
VIDEOS_PER_CREATOR = 100
MIN_CREATORS = 50
HISTORY_DAYS = 365
SEEN_PER_VIEWER = 150
LIKES_PER_VIEWER = 20
FOLLOWS = (4, 12)  # each viewer follows this many creators of the viewer's market
CREATOR_PREFIX = "bench-creator-"
VIEWER_PREFIX = "bench-viewer-"


def _users(prefix: str, n: int, market_for) -> list[int]:
    """Ids of users ``<prefix>0..n-1``, creating the missing ones with COPY (users are
    kept across reloads: other tables point at them)."""
    from django.contrib.auth.hashers import make_password

    from marketplace.models import User

    names = [f"{prefix}{i}" for i in range(n)]
    have = dict(User.objects.filter(username__startswith=prefix).values_list("username", "id"))
    missing = [(i, u) for i, u in enumerate(names) if u not in have]
    if missing:
        password = make_password(None)  # unusable: these accounts only use tokens
        first = (User.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        copy_rows(
            User,
            (
                {
                    "id": first + n,
                    "username": u,
                    "password": password,
                    "email": f"{u}@bench.test",
                    "market_id": market_for(i),
                }
                for n, (i, u) in enumerate(missing)
            ),
        )
        reset_sequence(User)
        have = dict(User.objects.filter(username__startswith=prefix).values_list("username", "id"))
    return [have[u] for u in names]


def _products_by_market() -> dict[str, list[tuple[int, int]]]:
    """(product id, category id) of the active products of each market."""
    from shop.models import Product, ProductStatus

    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    rows = Product.objects.filter(status=ProductStatus.ACTIVE).values_list(
        "market_id", "id", "category_id"
    )
    for market, pid, cat in rows.order_by("id").iterator(chunk_size=20_000):
        out[market].append((pid, cat))
    return out


def _counters(rng: random.Random, age_days: float) -> dict[str, int]:
    """A few hits, a long tail and some barely seen (young videos have had less time)."""
    tier = rng.random()
    if tier < 0.03:
        views = int(rng.uniform(40_000, 250_000))
    elif tier < 0.85:
        views = int(rng.lognormvariate(6.5, 1.3))
    else:
        views = rng.randint(0, 40)
    views = int(views * min(1.0, 0.2 + age_days / 10))
    quality = rng.lognormvariate(0.0, 0.45)
    completions = int(views * min(0.18 + 0.17 * quality, 0.8))
    return {
        "view_count": views,
        "completion_count": completions,
        "watch_time_ms": (completions * 10 + (views - completions) * 4) * 1000,
        "like_count": int(views * min(0.03 + 0.05 * quality, 0.35)),
        "share_count": int(views * rng.uniform(0.002, 0.02)),
        "tap_count": int(views * rng.uniform(0.01, 0.06)),
        "not_interested_count": int(views * rng.uniform(0.0, 0.008)),
    }


def _load(params: dict, rng: random.Random, log: Log) -> dict:
    from rest_framework.authtoken.models import Token

    from creators.models import Creator, FeedProfile, Follow, Video, VideoLike, VideoProduct
    from creators.models import VideoStatus as S

    n_videos = params["videos"]
    n_creators = max(MIN_CREATORS, n_videos // VIDEOS_PER_CREATOR)
    now = timezone.now()
    products = _products_by_market()
    markets = [m for m in MARKETS if products.get(m)]
    pick_market = Weighted([(m, MARKETS[m][3]) for m in markets])
    creator_market = [pick_market.draw(rng) for _ in range(n_creators)]
    creator_market[0] = VIEWER_MARKET
    user_ids = _users(CREATOR_PREFIX, n_creators, lambda i: creator_market[i])
    copy_rows(
        Creator,
        (
            {
                "id": i + 1,
                "user_id": user_ids[i],
                "handle": f"bench.{rng.choice(V.ADJECTIVES)}{i}"[:30],
                "display_name": f"{rng.choice(V.SELLER_WORDS)} {rng.choice(V.ADJECTIVES)}",
                "bio": f"Short videos about {rng.choice(V.OCCASIONS)}.",
                "market_id": creator_market[i],
                "affiliate_code": f"bc{i:08d}",
                "follower_count": int(rng.paretovariate(1.2) * 20),
                "video_count": 0,
                "created_at": now - timedelta(days=HISTORY_DAYS + 30),
            }
            for i in range(n_creators)
        ),
    )
    by_market: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(creator_market):
        by_market[m].append(i + 1)
    # Big creators and small ones: video counts follow 1/k^0.7 within a market.
    pick_creator = {
        m: Weighted([(c, 1 / (k + 1) ** 0.7) for k, c in enumerate(cs)])
        for m, cs in by_market.items()
    }
    market_of = {c + 1: m for c, m in enumerate(creator_market)}
    tags: list[tuple[int, int, int]] = []  # flushed in chunks by the generator below
    counts = {"tags": 0}
    t0 = time.monotonic()

    def videos():
        for vid in range(1, n_videos + 1):
            # The first few creators (one per market at least) always have videos.
            creator = vid if vid <= n_creators else pick_creator[pick_market.draw(rng)].draw(rng)
            market = market_of[creator]
            # Ages skewed towards the recent: a fifth of a year's videos in its last week.
            age_days = HISTORY_DAYS * rng.random() ** 2.5
            published = now - timedelta(days=age_days)
            pool = products[market]
            picked = {pool[rng.randrange(len(pool))] for _ in range(rng.choice((1, 1, 2, 3)))}
            ordered = sorted(picked)
            for pos, (pid, _) in enumerate(ordered, start=1):
                tags.append((vid, pid, pos))
            k = rng.randrange(IMAGE_POOL)
            yield {
                "id": vid,
                "creator_id": creator,
                "market_id": market,
                "caption": f"{rng.choice(V.ADJECTIVES).capitalize()} finds for "
                f"{rng.choice(V.OCCASIONS)}",
                "hashtags": " ".join(rng.sample(V.TAGS, 2)),
                "category_id": ordered[0][1],
                "status": S.PUBLISHED,
                "file": f"bench/videos/{k}.mp4",
                "poster": f"bench/{k}.jpg",
                "duration_ms": rng.randint(5_000, 15_000),
                "width": 720,
                "height": 1280,
                **_counters(rng, age_days),
                "created_at": published,
                "published_at": published,
            }

    def tag_rows():
        n = 0
        for vid, pid, pos in tags:
            n += 1
            yield {"id": n, "video_id": vid, "product_id": pid, "position": pos}
        counts["tags"] = n

    tables = [m._meta.db_table for m in (Video, VideoProduct, Follow, VideoLike)]
    with indexes_dropped(tables, log):
        copy_rows(Video, videos())
        log(f"videos copied in {time.monotonic() - t0:.1f} s")
        copy_rows(VideoProduct, tag_rows())
        tags.clear()
        _viewers_load(rng, now, by_market[VIEWER_MARKET], log)
        log(f"tags and viewers copied in {time.monotonic() - t0:.1f} s")
    with connection.cursor() as c:
        c.execute(
            f"UPDATE {Creator._meta.db_table} c SET video_count = v.n FROM "
            f"(SELECT creator_id, count(*) n FROM {Video._meta.db_table} GROUP BY creator_id) v "
            "WHERE v.creator_id = c.id"
        )
    for model in (Creator, Video, VideoProduct, Follow, VideoLike):
        reset_sequence(model)
    viewers = Token.objects.filter(user__username__startswith=VIEWER_PREFIX).count()
    return {
        "videos": n_videos,
        "creators": n_creators,
        "tags": counts["tags"],
        "viewers": viewers,
        "profiles": FeedProfile.objects.count(),
    }


def _viewers_load(rng: random.Random, now, creators: list[int], log: Log) -> None:
    """Signed-in viewers with a history: interests in 2–4 categories, affinity to a few
    creators, followed creators, likes and a week of seen videos."""
    from rest_framework.authtoken.models import Token

    from creators.models import FeedProfile, Follow, Video, VideoLike

    ids = _users(VIEWER_PREFIX, VIEWERS, lambda i: VIEWER_MARKET)
    for uid in ids:
        Token.objects.get_or_create(user_id=uid)
    # A sample of the market's videos to draw histories from, newest-heavy like real ones.
    recent = list(
        Video.objects.filter(market_id=VIEWER_MARKET)
        .order_by("-published_at")
        .values_list("id", "category_id", "creator_id")[:20_000]
    )
    categories = sorted({c for _, c, _ in recent})
    week = now.timestamp() - 7 * 86400
    follows, likes, profiles = [], [], []
    for uid in ids:
        interests = rng.sample(categories, min(len(categories), rng.randint(2, 4)))
        followed = rng.sample(creators, min(len(creators), rng.randint(*FOLLOWS)))
        follows += [{"follower_id": uid, "creator_id": c, "created_at": now} for c in followed]
        liked = rng.sample(recent, min(len(recent), LIKES_PER_VIEWER))
        likes += [{"user_id": uid, "video_id": v, "created_at": now} for v, _, _ in liked]
        seen = rng.sample(recent, min(len(recent), SEEN_PER_VIEWER))
        creator_scores = {str(c): round(rng.uniform(1, 6), 2) for c in followed}
        for _, _, c in liked:
            creator_scores[str(c)] = creator_scores.get(str(c), 0.0) + 2.0
        profiles.append(
            {
                "user_id": uid,
                "categories": {str(c): round(9.0 / (k + 1), 2) for k, c in enumerate(interests)},
                "creators": creator_scores,
                "hidden_creators": [],
                "hidden_categories": {},
                "seen": {str(v): rng.uniform(week, now.timestamp()) for v, _, _ in seen},
                "liked": [v for v, _, _ in liked],
                "mode": "foryou",
                "updated_at": now,
            }
        )
    n = 0
    for rows, model in ((follows, Follow), (likes, VideoLike)):
        for row in rows:
            n += 1
            row["id"] = n
        copy_rows(model, rows)
        n = 0
    copy_rows(FeedProfile, profiles)
    log(f"{len(ids)} viewers: {len(follows)} follows, {len(likes)} likes, {len(profiles)} profiles")


def _present(params: dict) -> bool:
    from creators.models import Video

    return Video.objects.count() == params["videos"]


def _refresh(params: dict, rng: random.Random, log: Log) -> None:
    """Every run starts from the same feed state: earlier runs' sessions, cached viewers,
    cards and buffered events dropped (the bench Redis only), then the pools built, as
    the beat would have (which also writes the candidates' cards)."""
    from django.conf import settings

    from creators.feed.feeds import pools_refresh
    from creators.feed.store import forget_local_memo, prefix, redis_client
    from marketplace.markets import markets_by_code

    client = redis_client()
    if client is not None:
        keys = list(client.scan_iter(match=f"{prefix()}*", count=5000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i : i + 1000])
        log(f"feed keys dropped: {len(keys)} (Redis {settings.REDIS_URL})")
    forget_local_memo()
    t0 = time.monotonic()
    built = pools_refresh(market_codes=list(markets_by_code()), force=True)
    log(f"feed pools built for {', '.join(built)} in {time.monotonic() - t0:.1f} s")


def videos_part(*, videos: int) -> Part:
    from creators.models import Creator, FeedProfile, Follow, Video, VideoLike, VideoProduct

    return Part(
        name="videos",
        params={"videos": videos},
        tables=[
            m._meta.db_table for m in (FeedProfile, VideoLike, Follow, VideoProduct, Video, Creator)
        ],
        load=_load,
        present=_present,
        refresh=_refresh,
        version=VIDEOS_VERSION,
    )


def viewer_tokens() -> list[str]:
    from rest_framework.authtoken.models import Token

    return list(
        Token.objects.filter(user__username__startswith=VIEWER_PREFIX)
        .order_by("user_id")
        .values_list("key", flat=True)
    )


def sample_videos(rng: random.Random, n: int) -> list[tuple[int, list[int]]]:
    """(video id, tagged product ids) of ``n`` recent videos in the viewers' market."""
    from creators.models import Video, VideoProduct

    ids = list(
        Video.objects.filter(market_id=VIEWER_MARKET)
        .order_by("-published_at")
        .values_list("id", flat=True)[: max(n * 5, 1000)]
    )
    chosen = rng.sample(ids, min(n, len(ids)))
    products = defaultdict(list)
    for vid, pid in VideoProduct.objects.filter(video_id__in=chosen).values_list(
        "video_id", "product_id"
    ):
        products[vid].append(pid)
    return [(v, products[v]) for v in chosen]
