"""The entry point every feed surface (HTML, API) calls: which mode, then one page."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

from shop.models import Category

from ..models import FeedMode
from . import pools, store
from . import reasons as R
from .cards import cards_get, overlay
from .cursors import cursor_mode
from .foryou import first_page_for_you, page_for_you
from .pages import (
    DEFAULT_PAGE_SIZE,
    FOLLOWING,
    MAX_PAGE_SIZE,
    FeedPage,
    page_following,
    page_newest,
    page_popular,
)
from .viewer import ViewerState, viewer_state

log = logging.getLogger(__name__)

NON_PERSONALISED = (FeedMode.POPULAR, FeedMode.NEWEST)
POOLS_MAX_AGE_S = 120


def resolve_mode(*, requested: str | None, state: ViewerState | None, remembered: str = "") -> str:
    """For You needs a signed-in viewer; anyone else gets the non-personalised feed."""
    for choice in (requested, remembered, state.mode if state else ""):
        if choice in FeedMode.values:
            if state is None and choice not in NON_PERSONALISED:
                return FeedMode.POPULAR
            return choice
    return FeedMode.FOR_YOU if state else FeedMode.POPULAR


def page_size(raw) -> int:
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def pools_stale(market_code: str) -> bool:
    """Missing, or older than ``POOLS_MAX_AGE_S`` (stretched to four builds' time for a
    catalogue so big that building takes a while)."""
    version = store.pools_version(market_code)
    if not version:
        return True
    info, _ = store.pools_read(market=market_code, version=version, slices={})
    if info is None:
        return True
    max_age = max(POOLS_MAX_AGE_S, 4 * info.get("build_s", 0))
    return time.time() - info["built_at"] >= max_age


def pools_refresh(*, market_codes: list[str], force: bool = False) -> dict[str, str]:
    """Rebuild the pools of each market whose pools are stale (or all, with ``force``)."""
    names = dict(Category.objects.values_list("id", "name"))
    built = {}
    for code in market_codes:
        if force or pools_stale(code):
            built[code] = pools.pools_build(market_code=code, category_names=names)
    return built


def pools_ensure(market_code: str) -> None:
    """Build a market's pools inline the first time they are needed (a fresh database
    with no beat yet); afterwards the beat task keeps them current."""
    if store.pools_version(market_code):
        return
    if cache.add(f"feed:pools-building:{market_code}", 1, 60):
        try:
            pools_refresh(market_codes=[market_code], force=True)
        finally:
            cache.delete(f"feed:pools-building:{market_code}")


def feed_page(
    *,
    user,
    market_code: str,
    mode: str | None = None,
    remembered: str = "",
    cursor: str | None = None,
    size: int = DEFAULT_PAGE_SIZE,
    start_video: int | None = None,
) -> FeedPage:
    """One page. A cursor carries its own mode (the viewer may have switched modes since
    the first page); ``start_video`` (``?v=``) puts that video first on a first page. An id
    no row can have (a hand-edited link) is ignored rather than sent to the database."""
    if start_video is not None and not 0 < start_video < 2**63:
        start_video = None
    if mode == FOLLOWING:  # reads the viewer's state along with its cards
        if user is None or not user.is_authenticated:
            return FeedPage(mode=FOLLOWING)
        page = page_following(user_id=user.pk, cursor=cursor, size=size)
        if start_video and not cursor:
            page.items = _start_first(page.items, start_video, viewer_state(user))
        return page
    if not cursor and user is not None and user.is_authenticated:
        wanted = next((m for m in (mode, remembered) if m in FeedMode.values), "")
        if wanted in ("", FeedMode.FOR_YOU):
            pools_ensure(market_code)
            page = first_page_for_you(
                user_id=user.pk,
                market_code=market_code,
                size=size,
                start_video=start_video,
                follow_state=not wanted,
            )
            if page is not None:
                return page
    state = viewer_state(user)
    if cursor:
        mode = cursor_mode(cursor)
    mode = resolve_mode(requested=mode, state=state, remembered=remembered)
    if mode == FeedMode.NEWEST:
        page = page_newest(state=state, market_code=market_code, cursor=cursor, size=size)
    elif mode == FeedMode.POPULAR:
        if not cursor:
            pools_ensure(market_code)
        page = page_popular(state=state, market_code=market_code, cursor=cursor, size=size)
    else:
        assert state is not None
        if not cursor:
            pools_ensure(market_code)
        page = page_for_you(
            state=state,
            market_code=market_code,
            cursor=cursor,
            size=size,
            start_video=start_video,
        )
    if start_video and not cursor and page.mode != FeedMode.FOR_YOU:
        page.items = _start_first(page.items, start_video, state)
    return page


def _start_first(items: list[dict], video_id: int, state: ViewerState | None) -> list[dict]:
    """``?v=<id>``: that video first (if published), then the feed without it."""
    card = cards_get([video_id]).get(video_id)
    if card is None:
        return items
    first = overlay(
        card,
        reasons=R.as_dicts([R.shared_link()]),
        liked=bool(state and video_id in state.liked),
        following=bool(state and card["creator"]["id"] in state.following),
    )
    return [first, *(i for i in items if i["id"] != video_id)]
