"""A signed-in viewer's feed state, in two cached parts (both built by the same two
queries on a miss):

- the light part every page needs: liked videos, followed and hidden creators, the
  remembered mode;
- the ranking inputs only a For You batch needs: interests and seen history (the
  biggest part, so most pages never decode it).

Both are dropped whenever what they hold changes (a fold of the viewer's events, a follow
or unfollow, a mode change) and rebuilt from ``FeedProfile`` and ``Follow``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from ..models import FeedMode, FeedProfile, Follow
from . import store
from .ranking import SEEN_WINDOW_S, Viewer

CACHE_TTL_S = 600


@dataclass
class ViewerState:
    user_id: int
    liked: set[int] = field(default_factory=set)
    following: set[int] = field(default_factory=set)
    hidden_creators: set[int] = field(default_factory=set)
    mode: str = FeedMode.FOR_YOU
    _ranking: Viewer | None = None

    @property
    def viewer(self) -> Viewer:
        """The ranking inputs (interests, seen history), loaded on first use."""
        if self._ranking is None:
            self._ranking = _ranking_inputs(self)
        return self._ranking


def _keys(user_id: int) -> tuple[str, str]:
    return f"viewer:{user_id}", f"viewer-rank:{user_id}"


def _ints(data: dict) -> dict[int, float]:
    return {int(k): float(v) for k, v in data.items()}


def _parts(user_id: int) -> tuple[dict, dict]:
    """Both cached parts, from the database (two queries)."""
    profile = FeedProfile.objects.filter(user_id=user_id).first()
    following = sorted(
        Follow.objects.filter(follower_id=user_id).values_list("creator_id", flat=True)
    )
    now = time.time()
    light: dict[str, Any] = {"l": [], "f": following, "h": [], "m": FeedMode.FOR_YOU}
    rank: dict[str, Any] = {"c": {}, "cr": {}, "hk": [], "s": [[], []]}
    if profile is not None:
        light.update(
            l=[int(v) for v in profile.liked],
            h=[int(c) for c in profile.hidden_creators],
            m=profile.mode,
        )
        seen = [(int(v), ts) for v, ts in profile.seen.items() if ts >= now - SEEN_WINDOW_S]
        rank.update(
            c=profile.categories,
            cr=profile.creators,
            hk=[int(c) for c, until in profile.hidden_categories.items() if until > now],
            s=[[v for v, _ in seen], [ts for _, ts in seen]],
        )
    store.kv_set_many(
        dict(zip(_keys(user_id), (json.dumps(light), json.dumps(rank)), strict=True)),
        CACHE_TTL_S,
    )
    return light, rank


def _viewer(state: ViewerState, rank: dict) -> Viewer:
    return Viewer(
        categories=_ints(rank["c"]),
        creators=_ints(rank["cr"]),
        hidden_creators=state.hidden_creators,
        hidden_categories=set(rank["hk"]),
        following=state.following,
        seen=dict(zip(*rank["s"], strict=True)),
    )


def _ranking_inputs(state: ViewerState) -> Viewer:
    (raw,) = store.kv_get_many([_keys(state.user_id)[1]])
    rank = json.loads(raw) if raw is not None else _parts(state.user_id)[1]
    return _viewer(state, rank)


def viewer_state(user) -> ViewerState | None:
    """The state for ``user`` (None when anonymous): one cache read."""
    if user is None or not user.is_authenticated:
        return None
    (raw,) = store.kv_get_many([_keys(user.pk)[0]])
    return viewer_state_from(user.pk, raw)


def viewer_key(user_id: int) -> str:
    """The cache key of the light part, for callers that read it along with other keys."""
    return _keys(user_id)[0]


def viewer_state_from(user_id: int, raw) -> ViewerState:
    """The state from the light part as read under ``viewer_key`` (None: rebuild it)."""
    rank = None
    if raw is not None:
        light = json.loads(raw)
    else:
        light, rank = _parts(user_id)
    state = ViewerState(
        user_id=user_id,
        liked=set(light["l"]),
        following=set(light["f"]),
        hidden_creators=set(light["h"]),
        mode=light["m"],
    )
    if rank is not None:
        state._ranking = _viewer(state, rank)
    return state


def viewer_forget(*user_ids: int) -> None:
    """Drop cached state; the next page rebuilds it. Call after changing what it holds."""
    store.kv_delete([key for u in user_ids for key in _keys(u)])
