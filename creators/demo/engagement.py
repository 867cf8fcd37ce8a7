"""Demo engagement: a plausible history, so the feed ranks meaningfully out of the box.

Every published video gets counters drawn from its own seeded generator (a few hits, a
long tail, some duds), the demo ``shopper`` gets interests in three categories, a few
likes and a short watch history, and the feed's pools are rebuilt. Idempotent: values
are derived from the seed and the video id, and only rows that differ are written.

Call it after the creators' demo videos exist::

    from creators.demo.engagement import load_engagement_demo
    load_engagement_demo(rng=ctx.rng("engagement"), progress=ctx)
"""

from __future__ import annotations

import random
import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count

from marketplace.markets import markets_by_code

from ..feed.cards import cards_forget
from ..feed.feeds import pools_refresh
from ..feed.viewer import viewer_forget
from ..models import FeedProfile, Follow, Video, VideoLike, VideoStatus
from .progress import Steps

SHOPPER = "shopper"
INTEREST_COUNT = 3
SHOPPER_LIKES = 6
SHOPPER_SEEN = 5
_COUNTERS = (
    "view_count",
    "completion_count",
    "watch_time_ms",
    "like_count",
    "share_count",
    "tap_count",
    "not_interested_count",
)


def _stats(seed: int, video: Video, real_likes: int) -> dict[str, int]:
    rng = random.Random(f"{seed}:{video.pk}")
    tier = rng.random()
    if tier < 0.08:  # a hit
        views = int(rng.uniform(40_000, 250_000))
    elif tier < 0.85:  # the long tail
        views = int(rng.lognormvariate(7.5, 1.0))
    else:  # barely seen yet
        views = rng.randint(0, 40)
    quality = rng.lognormvariate(0.0, 0.45)
    like_rate = min(0.03 + 0.05 * quality, 0.35)
    completion_rate = min(0.18 + 0.17 * quality, 0.8)
    seconds = max(video.duration_ms, 5000) / 1000
    completions = int(views * completion_rate)
    return {
        "view_count": views,
        "completion_count": completions,
        "watch_time_ms": int((completions + 0.4 * (views - completions)) * seconds * 1000),
        "like_count": int(views * like_rate) + real_likes,
        "share_count": int(views * rng.uniform(0.002, 0.02)),
        "tap_count": int(views * rng.uniform(0.01, 0.06)),
        "not_interested_count": int(views * rng.uniform(0.0, 0.008)),
    }


def _counters_load(seed: int, steps: Steps, counts: Counter) -> list[int]:
    videos = list(
        Video.objects.filter(status=VideoStatus.PUBLISHED)
        .annotate(real_likes=Count("likes"))
        .order_by("id")
    )
    steps.add(len(videos), "demo engagement")
    changed = []
    for video in videos:
        wanted = _stats(seed, video, video.real_likes)
        if any(getattr(video, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(video, key, value)
            changed.append(video)
        steps.step()
    Video.objects.bulk_update(changed, list(_COUNTERS), batch_size=200)
    counts["creators.Video engagement set"] += len(changed)
    return [v.pk for v in changed]


def _shopper_load(seed: int, counts: Counter) -> list[int]:
    """The demo shopper: interests in three categories, a few likes and recent views."""
    shopper = get_user_model().objects.filter(username=SHOPPER).first()
    if shopper is None:
        return []
    rng = random.Random(f"{seed}:shopper")
    market = shopper.market_id or "US"
    videos = list(
        Video.objects.filter(market_id=market, status=VideoStatus.PUBLISHED)
        .exclude(category=None)
        .order_by("id")
        .values_list("id", "category_id", "creator_id")
    )
    categories = sorted({c for _, c, _ in videos})
    if not categories:
        return []
    interests = rng.sample(categories, min(INTEREST_COUNT, len(categories)))
    weights = (9.0, 6.0, 4.0)
    followed = set(Follow.objects.filter(follower=shopper).values_list("creator_id", flat=True))
    in_interest = [v for v in videos if v[1] in interests]
    liked = sorted(v for v, _, _ in rng.sample(in_interest, min(SHOPPER_LIKES, len(in_interest))))
    seen_pool = [v for v, _, _ in in_interest if v not in liked]
    seen_ids = sorted(rng.sample(seen_pool, min(SHOPPER_SEEN, len(seen_pool))))
    three_days_ago = int(time.time() // 86400 * 86400) - 3 * 86400
    creator_scores: dict[str, float] = {str(c): 3.0 for c in sorted(followed)}
    for vid, _, creator in videos:
        if vid in liked:
            creator_scores[str(creator)] = creator_scores.get(str(creator), 0.0) + 2.0
    wanted = {
        "categories": {str(c): w for c, w in zip(interests, weights, strict=False)},
        "creators": creator_scores,
        "hidden_creators": [],
        "hidden_categories": {},
        "seen": {str(v): float(three_days_ago) for v in seen_ids},
        "liked": liked,
    }
    profile, created = FeedProfile.objects.get_or_create(user=shopper, defaults=wanted)
    if not created and any(getattr(profile, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(profile, key, value)
        profile.save(update_fields=[*wanted, "updated_at"])
        counts["creators.FeedProfile updated"] += 1
    counts["creators.FeedProfile created"] += int(created)
    existing = set(VideoLike.objects.filter(user=shopper).values_list("video_id", flat=True))
    new = [VideoLike(user=shopper, video_id=v) for v in liked if v not in existing]
    VideoLike.objects.bulk_create(new)
    counts["creators.VideoLike created"] += len(new)
    viewer_forget(shopper.pk)
    return [like.video_id for like in new]


def load_engagement_demo(*, rng: random.Random, progress=None) -> Counter:
    """Load the demo engagement history; returns what was written, by kind."""
    counts: Counter = Counter()
    steps = Steps(progress)
    seed = rng.getrandbits(32)
    liked_now = _shopper_load(seed, counts)
    changed = _counters_load(seed, steps, counts)  # after the likes: counts include them
    cards_forget(set(changed) | set(liked_now))
    steps.add(1, "feed pools")
    pools_refresh(market_codes=list(markets_by_code()), force=True)
    steps.step()
    return counts
