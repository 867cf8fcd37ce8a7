"""The feed's scenarios: For You and Following pages for signed-in viewers with a history
(API tokens, many distinct viewers), a batch of 20 engagement events, and the For You
HTML page an anonymous visitor lands on. Data: the ``videos`` part (bench/feed_data.py)."""

from __future__ import annotations

import json

from .scenarios import Context, Target, scenario
from .wrk import Request

NEEDS = ("catalog", "videos")
EVENTS_PER_BATCH = 20


def _auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"Token {token}"),)


def _viewers(ctx: Context) -> list[str]:
    """Viewer tokens in a random rotation: ``draws`` requests, every viewer many times."""
    from .feed_data import viewer_tokens

    keys = viewer_tokens()
    return [keys[ctx.rng.randrange(len(keys))] for _ in range(ctx.draws)] if keys else []


@scenario(
    "feed",
    "For You page of 10, API, signed-in viewers with history",
    target=Target(ratio_min=0.4),
    needs=NEEDS,
)
def feed(ctx: Context) -> list[Request]:
    """First pages: each continues that viewer's queue, so ranking its next batch (one
    request in a few) is part of the measured cost, as it is for a scrolling viewer."""
    return [Request("/api/feed/?page_size=10", headers=_auth(t)) for t in _viewers(ctx)]


@scenario(
    "feed_following",
    "Following page of 10, API, viewers following 4–12 creators",
    target=Target(ratio_min=0.5),
    needs=NEEDS,
)
def feed_following(ctx: Context) -> list[Request]:
    return [Request("/api/feed/following/?page_size=10", headers=_auth(t)) for t in _viewers(ctx)]


@scenario(
    "events",
    f"POST /api/events/, {EVENTS_PER_BATCH} events per batch",
    target=Target(ratio_min=0.5, max_errors=0),
    needs=NEEDS,
)
def events(ctx: Context) -> list[Request]:
    from .feed_data import sample_videos

    videos = sample_videos(ctx.rng, 500)
    requests = []
    for n, token in enumerate(_viewers(ctx)):
        batch = []
        for k in range(EVENTS_PER_BATCH // 4):
            vid, products = videos[ctx.rng.randrange(len(videos))]
            base = f"b{n}-{k}"
            batch += [
                {"id": f"{base}-s", "type": "view_start", "video": vid},
                {"id": f"{base}-w", "type": "watch", "video": vid, "ms": ctx.rng.randint(1, 15000)},
            ]
            roll = ctx.rng.random()
            if roll < 0.15 and products:
                batch.append(
                    {"id": f"{base}-t", "type": "product_tap", "video": vid, "product": products[0]}
                )
            elif roll < 0.25:
                batch.append({"id": f"{base}-h", "type": "share", "video": vid})
            else:
                batch.append({"id": f"{base}-c", "type": "complete", "video": vid})
            batch.append({"id": f"{base}-x", "type": "watch", "video": vid, "ms": 500})
        requests.append(
            Request(
                "/api/events/",
                method="POST",
                body=json.dumps({"events": batch}, separators=(",", ":")),
                headers=(*_auth(token), ("Content-Type", "application/json")),
            )
        )
    return requests


@scenario("feed_page", "For You HTML page /, anonymous visitor (popular)", needs=NEEDS)
def feed_page(ctx: Context) -> list[Request]:
    return [Request("/")]
