"""A signed-in viewer's ranking state, read in one cache hit (two queries on a miss).

The cached value is rebuilt from ``FeedProfile`` and the viewer's follows; it is dropped
whenever those change (a fold of their events, a follow or unfollow, a mode change).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.core.cache import cache

from ..models import FeedMode, FeedProfile, Follow
from .ranking import SEEN_WINDOW_S, Viewer

CACHE_TTL_S = 600


@dataclass
class ViewerState:
    user_id: int
    viewer: Viewer
    liked: set[int] = field(default_factory=set)
    mode: str = FeedMode.FOR_YOU


def _key(user_id: int) -> str:
    return f"feed:viewer:{user_id}"


def _int_keys(data: dict) -> dict[int, float]:
    return {int(k): float(v) for k, v in data.items()}


def state_from_profile(profile: FeedProfile | None, following: set[int], now: float) -> Viewer:
    if profile is None:
        return Viewer(following=following)
    hidden_until = _int_keys(profile.hidden_categories)
    cutoff = now - SEEN_WINDOW_S
    return Viewer(
        categories=_int_keys(profile.categories),
        creators=_int_keys(profile.creators),
        hidden_creators={int(c) for c in profile.hidden_creators},
        hidden_categories={c for c, until in hidden_until.items() if until > now},
        following=following,
        seen={v: ts for v, ts in _int_keys(profile.seen).items() if ts >= cutoff},
    )


def viewer_state(user) -> ViewerState | None:
    """The state for ``user`` (None when anonymous)."""
    if user is None or not user.is_authenticated:
        return None
    state = cache.get(_key(user.pk))
    if state is not None:
        return state
    profile = FeedProfile.objects.filter(user_id=user.pk).first()
    following = set(Follow.objects.filter(follower_id=user.pk).values_list("creator_id", flat=True))
    state = ViewerState(
        user_id=user.pk,
        viewer=state_from_profile(profile, following, time.time()),
        liked={int(v) for v in (profile.liked if profile else [])},
        mode=profile.mode if profile else FeedMode.FOR_YOU,
    )
    cache.set(_key(user.pk), state, CACHE_TTL_S)
    return state


def viewer_forget(*user_ids: int) -> None:
    """Drop cached state; the next page rebuilds it. Call after changing what it holds."""
    if user_ids:
        cache.delete_many([_key(u) for u in user_ids])
