"""Engagement: record a batch of events (cheap, on the request path) and fold buffered
batches into video counters, likes and viewer profiles (Celery, off the request path).

Exactly once: every event's key (viewer + client event id) is written to
``ProcessedEvent`` in the same transaction as the counters it moved. A batch delivered
twice — a client retry, a fold re-run after a crash — finds its keys and changes nothing.
Folds run one at a time (a cache lock), so the read-then-write of likes and profiles
does not race.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from ..feed import affinity, buffer
from ..feed.cards import cards_refresh
from ..feed.events import PROMPT_TYPES, clean_batch
from ..feed.viewer import viewer_forget
from ..models import FeedProfile, ProcessedEvent, Video, VideoLike

log = logging.getLogger(__name__)

FOLD_BATCHES = 500
LOCK_KEY = "feed:fold:lock"
LOCK_TTL_S = 120
PROCESSED_KEEP_S = 3 * 86400
_COUNTERS = {
    "view_start": "view_count",
    "complete": "completion_count",
    "share": "share_count",
    "product_tap": "tap_count",
    "not_interested": "not_interested_count",
}


def events_record(*, data, user_id: int | None, visitor_id: str) -> int:
    """Validate a client's batch and buffer it: one Redis round trip. Returns its size."""
    events = clean_batch(data)
    engagement_enqueue(events=events, user_id=user_id, visitor_id=visitor_id)
    return len(events)


def engagement_enqueue(*, events: list[dict], user_id: int | None, visitor_id: str) -> None:
    """Buffer already clean events (the tap link uses this for the taps it records)."""
    payload = {"u": user_id, "vis": visitor_id[:36], "ts": time.time(), "e": events}
    prompt = any(e["t"] in PROMPT_TYPES for e in events)
    if buffer.push(payload, prompt=prompt):
        from ..tasks.engagement import fold_engagement

        transaction.on_commit(fold_engagement.delay)


@dataclass
class FoldResult:
    batches: int = 0
    events: int = 0
    applied: int = 0
    videos: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)


def engagement_fold(*, max_batches: int = FOLD_BATCHES) -> FoldResult | None:
    """Fold up to ``max_batches`` buffered batches. None if another fold holds the lock."""
    if not cache.add(LOCK_KEY, 1, LOCK_TTL_S):
        return None
    try:
        claimed = buffer.claim_redis(max_batches)
        with transaction.atomic():
            batches = claimed if claimed is not None else buffer.claim_db(max_batches)
            result = _apply(batches)
        if claimed is not None:
            buffer.ack_redis()
    finally:
        cache.delete(LOCK_KEY)
    cards_refresh(result.videos)  # new counts on the cards, before anyone asks
    viewer_forget(*result.users)
    return result


def _actor(batch: dict) -> str:
    if batch.get("u"):
        return f"u{batch['u']}"
    return f"v{batch['vis']}" if batch.get("vis") else "anon"


def _new_events(batches: list[dict]) -> list[tuple[dict, dict]]:
    """(batch, event) pairs not folded before, each key once, in arrival order."""
    keyed: dict[str, tuple[dict, dict]] = {}
    for batch in batches:
        actor = _actor(batch)
        for event in batch.get("e", ()):
            keyed.setdefault(f"{actor}:{event['i']}"[:120], (batch, event))
    keys = list(keyed)
    done: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        done.update(ProcessedEvent.objects.filter(key__in=chunk).values_list("key", flat=True))
    fresh = [k for k in keys if k not in done]
    ProcessedEvent.objects.bulk_create([ProcessedEvent(key=k) for k in fresh])
    return [keyed[k] for k in fresh]


def _apply(batches: list[dict]) -> FoldResult:
    result = FoldResult(batches=len(batches))
    if not batches:
        return result
    pairs = _new_events(batches)
    result.events = sum(len(b.get("e", ())) for b in batches)
    video_ids = {e["v"] for _, e in pairs}
    meta = {
        vid: (creator, category, duration)
        for vid, creator, category, duration in Video.objects.filter(id__in=video_ids).values_list(
            "id", "creator_id", "category_id", "duration_ms"
        )
    }
    pairs = [(b, e) for b, e in pairs if e["v"] in meta]
    result.applied = len(pairs)
    deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    completed: set[tuple[str, int, str]] = set()
    for batch, e in pairs:
        kind, vid = e["t"], e["v"]
        if kind == "complete":
            # One completion per viewer and video per batch, however often a clip loops.
            once = (_actor(batch), vid, str(batch.get("ts")))
            if once in completed:
                continue
            completed.add(once)
        if kind in _COUNTERS:
            deltas[vid][_COUNTERS[kind]] += 1
        elif kind == "watch":
            cap = max(meta[vid][2] * 3, 60_000)
            deltas[vid]["watch_time_ms"] += min(e.get("ms", 0), cap)
    for vid, change in _likes(pairs).items():
        deltas[vid]["like_count"] += change
    _update_counters(deltas)
    result.videos = set(deltas)
    result.users = _update_profiles(pairs, meta)
    ProcessedEvent.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=PROCESSED_KEEP_S)
    ).delete()
    return result


def _likes(pairs) -> dict[int, int]:
    """Apply like / unlike (the last per viewer and video wins); like_count deltas."""
    want: dict[tuple[int, int], bool] = {}
    for batch, e in sorted(pairs, key=lambda p: p[1].get("at", p[0].get("ts", 0))):
        if e["t"] in ("like", "unlike") and batch.get("u"):
            want[(batch["u"], e["v"])] = e["t"] == "like"
    if not want:
        return {}
    users = {u for u, _ in want}
    videos = {v for _, v in want}
    existing = set(
        VideoLike.objects.filter(user_id__in=users, video_id__in=videos).values_list(
            "user_id", "video_id"
        )
    )
    create = [pair for pair, liked in want.items() if liked and pair not in existing]
    remove = [pair for pair, liked in want.items() if not liked and pair in existing]
    VideoLike.objects.bulk_create([VideoLike(user_id=u, video_id=v) for u, v in create])
    by_user: dict[int, list[int]] = defaultdict(list)
    for u, v in remove:
        by_user[u].append(v)
    for u, vids in by_user.items():
        VideoLike.objects.filter(user_id=u, video_id__in=vids).delete()
    change: dict[int, int] = defaultdict(int)
    for _, v in create:
        change[v] += 1
    for _, v in remove:
        change[v] -= 1
    return change


def _update_counters(deltas: dict[int, dict[str, int]]) -> None:
    """One UPDATE per 200 videos, each counter moved by F() + its per-video delta."""
    ids = sorted(deltas)
    fields = sorted({f for change in deltas.values() for f in change})
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        updates = {}
        for name in fields:
            whens = [
                When(id=vid, then=Value(deltas[vid][name]))
                for vid in chunk
                if deltas[vid].get(name)
            ]
            if whens:
                delta = Case(*whens, default=Value(0), output_field=IntegerField())
                updates[name] = Greatest(F(name) + delta, Value(0))
        if updates:
            Video.objects.filter(id__in=chunk).update(**updates)


def _profile_data(profile: FeedProfile) -> affinity.ProfileData:
    return affinity.ProfileData(
        categories=profile.categories,
        creators=profile.creators,
        hidden_creators=profile.hidden_creators,
        hidden_categories=profile.hidden_categories,
        seen=profile.seen,
        liked=profile.liked,
        updated_ts=profile.updated_at.timestamp() if profile.updated_at else time.time(),
    )


_PROFILE_FIELDS = [
    "categories",
    "creators",
    "hidden_creators",
    "hidden_categories",
    "seen",
    "liked",
    "updated_at",
]


def profiles_apply(per_user: dict[int, list[dict]], videos: dict[int, tuple]) -> set[int]:
    """Fold each user's events into their FeedProfile (rows locked, in id order)."""
    if not per_user:
        return set()
    FeedProfile.objects.bulk_create(
        [FeedProfile(user_id=u) for u in per_user], ignore_conflicts=True
    )
    now = time.time()
    profiles = list(
        FeedProfile.objects.select_for_update().filter(user_id__in=per_user).order_by("user_id")
    )
    for profile in profiles:
        data = affinity.apply(_profile_data(profile), per_user[profile.user_id], videos, now)
        for name in _PROFILE_FIELDS[:-1]:
            setattr(profile, name, getattr(data, name))
        profile.updated_at = timezone.now()
    FeedProfile.objects.bulk_update(profiles, _PROFILE_FIELDS)
    return set(per_user)


def _update_profiles(pairs, meta) -> set[int]:
    per_user: dict[int, list[dict]] = defaultdict(list)
    for batch, e in pairs:
        if batch.get("u"):
            per_user[batch["u"]].append({**e, "at": e.get("at", batch.get("ts"))})
    videos = {vid: (m[0], m[1]) for vid, m in meta.items()}
    return profiles_apply(per_user, videos)


def engagement_record_purchase(*, user_id: int, product_ids: list[int]) -> None:
    """ "Bought" is the strongest interest signal: the products' categories, and the
    creators whose videos the buyer opened them from."""
    from shop.models import Product

    from ..models import ProductTap

    categories = dict(Product.objects.filter(id__in=product_ids).values_list("id", "category_id"))
    creators = dict(
        ProductTap.objects.filter(user_id=user_id, product_id__in=product_ids)
        .order_by("product_id", "created_at")
        .values_list("product_id", "creator_id")
    )
    events, videos = [], {}
    for pid in product_ids:
        if pid in categories:
            events.append({"t": "purchase", "v": -pid})
            videos[-pid] = (creators.get(pid), categories[pid])
    with transaction.atomic():
        users = profiles_apply({user_id: events}, videos)
    viewer_forget(*users)


def affinity_on_order_paid(payload: dict, event_id: int | None = None) -> None:
    """Subscriber of the shop's ``order.paid`` domain event."""
    buyer = payload.get("buyer_id")
    products = [line["product_id"] for line in payload.get("lines", ()) if line.get("product_id")]
    if buyer and products:
        engagement_record_purchase(user_id=buyer, product_ids=products)
