"""How engagement moves a viewer's interests: pure updates of ``FeedProfile`` data.

Signals, strongest first: bought (4), liked (2), shared (2), opened a product (1.5),
watched to the end (1). Scores halve every two weeks without new signals, so interests
follow the viewer. "Not interested" hides the creator and down-weights the category for
30 days (and cuts its score), so similar items stop coming.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ranking import SEEN_WINDOW_S

WEIGHTS = {"purchase": 4.0, "like": 2.0, "share": 2.0, "product_tap": 1.5, "complete": 1.0}
HALF_LIFE_S = 14 * 86400
HIDE_CATEGORY_S = 30 * 86400
MAX_CATEGORIES = 40
MAX_CREATORS = 200
MAX_HIDDEN_CREATORS = 200
MAX_SEEN = 3000
MAX_LIKED = 1000


@dataclass
class ProfileData:
    categories: dict
    creators: dict
    hidden_creators: list
    hidden_categories: dict
    seen: dict
    liked: list
    updated_ts: float


def _decay(scores: dict, factor: float) -> dict:
    return {k: v * factor for k, v in scores.items() if v * factor > 0.01}


def _top(scores: dict, limit: int) -> dict:
    if len(scores) <= limit:
        return scores
    keep = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
    return dict(keep)


def _bump(scores: dict, key, amount: float) -> None:
    if key is None:
        return
    k = str(key)
    scores[k] = max(scores.get(k, 0.0) + amount, 0.0)
    if scores[k] == 0.0:
        del scores[k]


def apply(
    data: ProfileData, events: list[dict], videos: dict[int, tuple[int, int | None]], now: float
) -> ProfileData:
    """Fold one viewer's new events (in order) into ``data``.

    ``videos`` maps video id to (creator id, category id); unknown videos are skipped.
    """
    factor = 0.5 ** (max(now - data.updated_ts, 0.0) / HALF_LIFE_S)
    categories = _decay(dict(data.categories), factor)
    creators = _decay(dict(data.creators), factor)
    hidden_creators = list(data.hidden_creators)
    hidden_categories = {k: v for k, v in data.hidden_categories.items() if v > now}
    seen = {k: v for k, v in data.seen.items() if v >= now - SEEN_WINDOW_S}
    liked = list(data.liked)
    for event in events:
        meta = videos.get(event["v"])
        if meta is None:
            continue
        creator, category = meta
        kind = event["t"]
        at = event.get("at", now)
        if kind in WEIGHTS:
            _bump(categories, category, WEIGHTS[kind])
            _bump(creators, creator, WEIGHTS[kind])
        if kind == "unlike":
            _bump(categories, category, -WEIGHTS["like"])
            _bump(creators, creator, -WEIGHTS["like"])
        if kind == "view_start":
            seen[str(event["v"])] = at
        elif kind == "like" and event["v"] not in liked:
            liked.append(event["v"])
        elif kind == "unlike" and event["v"] in liked:
            liked.remove(event["v"])
        elif kind == "not_interested":
            if creator not in hidden_creators:
                hidden_creators.append(creator)
            creators.pop(str(creator), None)
            if category is not None:
                hidden_categories[str(category)] = now + HIDE_CATEGORY_S
                if str(category) in categories:
                    categories[str(category)] *= 0.3
    if len(seen) > MAX_SEEN:
        seen = dict(sorted(seen.items(), key=lambda kv: -kv[1])[:MAX_SEEN])
    return ProfileData(
        categories=_top(categories, MAX_CATEGORIES),
        creators=_top(creators, MAX_CREATORS),
        hidden_creators=hidden_creators[-MAX_HIDDEN_CREATORS:],
        hidden_categories=hidden_categories,
        seen=seen,
        liked=liked[-MAX_LIKED:],
        updated_ts=now,
    )
