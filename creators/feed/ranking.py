"""Scoring and ordering, as pure functions over in-memory data (no ORM, no cache).

Two stages:

1. ``base_score`` is the viewer-independent worth of a video, computed when the candidate
   pools are built (``creators.feed.pools``): engagement smoothed towards a prior, a mild
   volume factor, freshness decay and commerce (conversion; sold out sinks).
2. ``rank`` orders one page for one viewer from those candidates: affinity to categories
   and creators, "not interested", seen history, an exploration share and diversity.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from . import reasons as R

# Bayesian smoothing: every video starts as if it had PRIOR_VIEWS views at the market's
# typical rates, so 3 views with 3 likes is barely above average while 30 000 views
# with 20 000 likes is far above it.
PRIOR_VIEWS = 500
PRIOR_RATES = {
    "like": 0.06,
    "complete": 0.35,
    "share": 0.01,
    "not_interested": 0.005,
    "tap": 0.03,
}
ENGAGEMENT_WEIGHTS = {"like": 0.45, "complete": 0.35, "share": 0.20}
FRESH_HALF_LIFE_H = 72.0
FRESH_FLOOR = 0.4  # an old video keeps 40 % of a new one's freshness
SOLD_OUT_FACTOR = 0.05  # every tagged product sold out: sinks below nearly everything
EXPLORE_SHARE = 0.2
SEEN_WINDOW_S = 7 * 24 * 3600
AFFINITY_FLOOR = 0.15  # normalised affinity under which a category counts as "new to you"
REASON_THRESHOLD = 0.3
DIVERSITY_GAP = 2  # no creator twice within this many slots when there is an alternative


@dataclass(frozen=True, slots=True)
class VideoStats:
    views: int = 0
    likes: int = 0
    completions: int = 0
    shares: int = 0
    not_interested: int = 0
    taps: int = 0
    published_ts: float = 0.0
    has_products: bool = False
    all_sold_out: bool = False
    # Smoothed orders per tap of the best in-stock tagged product, if any.
    conversion: float | None = None


def smoothed(count: int, views: int, rate: float, strength: int = PRIOR_VIEWS) -> float:
    return (max(count, 0) + strength * rate) / (max(views, 0) + strength)


def engagement(stats: VideoStats) -> float:
    """About 1.0 for a video engaging like the prior, higher when better."""
    score = 0.0
    for name, weight in ENGAGEMENT_WEIGHTS.items():
        count = {"like": stats.likes, "complete": stats.completions, "share": stats.shares}[name]
        score += weight * smoothed(count, stats.views, PRIOR_RATES[name]) / PRIOR_RATES[name]
    ni = smoothed(stats.not_interested, stats.views, PRIOR_RATES["not_interested"])
    # Every "not interested" rate above the prior costs; halved at 10 × the prior.
    excess = max(ni / PRIOR_RATES["not_interested"] - 1.0, 0.0)
    return score / (1.0 + excess / 9.0)


def volume(views: int) -> float:
    """A gentle bonus for reach: 1.0 unseen, ~2.1 at 30 000 views."""
    return 1.0 + 0.25 * math.log10(1 + max(views, 0))


def freshness(published_ts: float, now: float) -> float:
    age_h = max(now - published_ts, 0.0) / 3600.0
    return FRESH_FLOOR + (1.0 - FRESH_FLOOR) * 0.5 ** (age_h / FRESH_HALF_LIFE_H)


def commerce(stats: VideoStats) -> float:
    if not stats.has_products:
        return 1.0
    if stats.all_sold_out:
        return SOLD_OUT_FACTOR
    tap_rate = smoothed(stats.taps, stats.views, PRIOR_RATES["tap"]) / PRIOR_RATES["tap"]
    factor = 1.0 + 0.15 * min(math.log2(max(tap_rate, 0.25)), 2.0)
    if stats.conversion is not None:
        factor *= 1.0 + 0.25 * min(math.log2(max(stats.conversion, 0.25)), 2.0)
    return factor


def base_score(stats: VideoStats, now: float) -> float:
    return (
        engagement(stats)
        * volume(stats.views)
        * freshness(stats.published_ts, now)
        * commerce(stats)
    )


class Candidate(NamedTuple):
    """A video as the pools hold it (a tuple: thousands are decoded per batch)."""

    id: int
    creator_id: int
    handle: str
    category_id: int | None
    published_ts: float
    score: float  # base_score when the pools were built
    popular: bool = False  # in the market's popular pool


@dataclass
class Viewer:
    categories: dict[int, float] = field(default_factory=dict)
    creators: dict[int, float] = field(default_factory=dict)
    hidden_creators: set[int] = field(default_factory=set)
    hidden_categories: set[int] = field(default_factory=set)
    following: set[int] = field(default_factory=set)
    seen: dict[int, float] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return not (self.categories or self.creators or self.following)


@dataclass(frozen=True, slots=True)
class Pick:
    id: int
    creator_id: int
    reasons: tuple[R.Reason, ...]
    explore: bool = False


@dataclass
class RankContext:
    market: str = "US"
    category_names: dict[int, str] = field(default_factory=dict)
    now: float = 0.0
    explore_share: float = EXPLORE_SHARE


def _normalised(scores: dict[int, float]) -> dict[int, float]:
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return {}
    return {k: v / top for k, v in scores.items() if v > 0}


class _Scorer:
    def __init__(self, viewer: Viewer, ctx: RankContext):
        self.viewer = viewer
        self.ctx = ctx
        self.cats = _normalised(viewer.categories)
        self.creators = _normalised(viewer.creators)

    def reasons(self, c: Candidate) -> tuple[R.Reason, ...]:
        out: list[R.Reason] = []
        if c.creator_id in self.viewer.following:
            fresh = self.ctx.now - c.published_ts < 3 * 86400
            out.append(R.new_from(c.handle) if fresh else R.follows(c.handle))
        elif self.creators.get(c.creator_id, 0.0) >= REASON_THRESHOLD:
            out.append(R.watched_creator(c.handle))
        name = self.ctx.category_names.get(c.category_id) if c.category_id else None
        if name and c.category_id and self.cats.get(c.category_id, 0.0) >= REASON_THRESHOLD:
            out.append(R.watched_category(name))
        if not out:
            out.append(R.popular_in(self.ctx.market))
        return tuple(out[:2])


def _take_diverse(queue: list[Candidate], recent: list[int], used: set[int]) -> Candidate | None:
    """The best remaining candidate whose creator is not among the last few picks."""
    fallback = None
    for i, c in enumerate(queue):
        if c.id in used:
            continue
        if fallback is None:
            fallback = i
        if c.creator_id not in recent[-DIVERSITY_GAP:]:
            return queue.pop(i)
        if i - fallback > 12:
            break
    return queue.pop(fallback) if fallback is not None else None


def _sample_explore(
    pool: list[Candidate], used: set[int], recent: list[int], rng: random.Random
) -> Candidate | None:
    """Weighted by score among the best few, so exploration is varied but not junk."""
    options = [c for c in pool if c.id not in used][:40]
    if not options:
        return None
    diverse = [c for c in options if c.creator_id not in recent[-DIVERSITY_GAP:]]
    options = diverse or options
    weights = [max(c.score, 1e-6) for c in options]
    choice = rng.choices(options, weights=weights, k=1)[0]
    pool.remove(choice)
    return choice


def rank(
    candidates: list[Candidate],
    viewer: Viewer,
    *,
    count: int,
    exclude: set[int],
    rng: random.Random,
    ctx: RankContext,
    credit: float = 0.0,
) -> tuple[list[Pick], float]:
    """Up to ``count`` picks for ``viewer``, and the exploration credit to carry on.

    ``credit`` accrues ``explore_share`` per slot and an exploration pick spends 1, so the
    long-run share is the target while each slot's choice is still random. Videos in
    ``exclude`` (already served this session) never come back; seen ones only when
    nothing unseen is left.
    """
    scorer = _Scorer(viewer, ctx)
    cutoff = ctx.now - SEEN_WINDOW_S
    best: dict[int, Candidate] = {}
    hidden_creators = viewer.hidden_creators
    for c in candidates:
        if c.id in exclude or c.creator_id in hidden_creators:
            continue
        other = best.get(c.id)
        if other is None or c.score > other.score:
            best[c.id] = c
    # One pass with local lookups: this runs on every For You batch.
    # Keys are category ids; None (no category) simply finds nothing.
    cats = cast(dict[int | None, float], scorer.cats)
    creators, following = scorer.creators, viewer.following
    hidden_cats, seen_at = viewer.hidden_categories, viewer.seen
    scored: list[tuple[float, int, Candidate]] = []
    outside: list[tuple[float, int, Candidate]] = []
    seen: list[Candidate] = []
    for c in best.values():
        at = seen_at.get(c.id)
        if at is not None and at >= cutoff:
            seen.append(c)
            continue
        cat = cats.get(c.category_id, 0.0)
        cre = creators.get(c.creator_id, 0.0)
        followed = c.creator_id in following
        mult = 1.0 + 1.5 * cat + cre + (0.5 if followed else 0.0)
        hidden = c.category_id in hidden_cats
        if hidden:
            mult *= 0.1
        scored.append((c.score * mult, -c.id, c))
        if not (followed or hidden) and cat < AFFINITY_FLOOR and cre < AFFINITY_FLOOR:
            outside.append((c.score, -c.id, c))
    # Each slot takes at most one main item, and exploration can use up one more.
    main = [t[2] for t in heapq.nlargest(2 * count + 20, scored)]
    if viewer.is_new:
        # A new viewer's "main" is what is popular; exploration reaches past it.
        top = {c.id for c in main}
        outside = [t for t in outside if t[2].id not in top] or outside
    explore = [t[2] for t in heapq.nlargest(60, outside)]
    seen.sort(key=lambda c: (seen_at.get(c.id, 0.0), -c.score, c.id))

    picks: list[Pick] = []
    used: set[int] = set()
    recent: list[int] = []
    for _ in range(count):
        credit += ctx.explore_share
        chosen, explored = None, False
        if credit >= 1.0 and (credit >= 1.6 or rng.random() < 0.5):
            credit -= 1.0
            chosen = _sample_explore(explore, used, recent, rng)
            explored = chosen is not None
        if chosen is None:
            chosen = _take_diverse(main, recent, used)
        if chosen is None:
            chosen = _take_diverse(seen, recent, used)
            if chosen is None:
                break
            reasons: tuple[R.Reason, ...] = (R.seen_again(),)
        elif explored:
            reasons = (R.something_new(),)
        else:
            reasons = scorer.reasons(chosen)
        used.add(chosen.id)
        recent.append(chosen.creator_id)
        picks.append(Pick(chosen.id, chosen.creator_id, reasons, explored))
    return picks, credit
