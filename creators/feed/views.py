"""The feed pages (``/``, ``/following/``), the tap link and the feed mode switch.

The first page is rendered on the server (readable, and linkable, without JavaScript);
static/js/feed.js plays it and static/js/feed-items.js appends later pages from the API.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..models import FeedProfile
from ..services.taps import (
    VISITOR_COOKIE,
    VISITOR_COOKIE_AGE_S,
    TapNotFound,
    tap_record,
    visitor_id_clean,
    visitor_id_new,
)
from .cards import compact
from .feeds import feed_page, resolve_mode
from .pages import DEFAULT_PAGE_SIZE, FOLLOWING
from .viewer import viewer_forget, viewer_state

MODE_COOKIE = "feed_mode"
MODE_COOKIE_AGE_S = 365 * 86400
FIRST_PAGE_SIZE = 5  # the server renders a few; the rest stream in from the API


def _ensure_visitor(request, response) -> None:
    if not request.user.is_authenticated and not visitor_id_clean(
        request.COOKIES.get(VISITOR_COOKIE)
    ):
        response.set_cookie(
            VISITOR_COOKIE,
            visitor_id_new(),
            max_age=VISITOR_COOKIE_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def _render_feed(request, *, tab: str, mode: str | None):
    market = request.market
    code = market.code if market else ""
    raw_v = request.GET.get("v", "")
    start = int(raw_v) if raw_v.isdigit() else None
    page = feed_page(
        user=request.user,
        market_code=code,
        mode=FOLLOWING if tab == FOLLOWING else None,
        remembered=request.COOKIES.get(MODE_COOKIE, "") if mode is None else mode,
        size=FIRST_PAGE_SIZE,
        start_video=start,
    )
    items = page.items
    for item in items:
        item["likes_display"] = compact(item["counts"]["likes"])
        item["shares_display"] = compact(item["counts"]["shares"])
    api = reverse("api-feed-following" if tab == FOLLOWING else "api-feed")
    next_url = None
    if page.cursor:
        next_url = f"{api}?cursor={page.cursor}&page_size={DEFAULT_PAGE_SIZE}"
    response = render(
        request,
        "creators/feed/feed.html",
        {
            "items": items,
            "tab": tab,
            "mode": page.mode,
            "next_url": next_url,
            "market_code": code,
            "personalised": request.user.is_authenticated,
            "seen_ids": [i["id"] for i in items],
        },
    )
    _ensure_visitor(request, response)
    return response


@never_cache
@require_GET
def feed_for_you(request):
    return _render_feed(request, tab="foryou", mode=None)


@never_cache
@require_GET
def feed_following(request):
    return _render_feed(request, tab=FOLLOWING, mode=FOLLOWING)


@require_POST
def feed_mode_set(request):
    """The one-tap switch between For You and the non-personalised feed, remembered in a
    cookie (and on the profile of a signed-in viewer, so it follows them)."""
    state = viewer_state(request.user)
    wanted = request.POST.get("mode", "")
    mode = resolve_mode(requested=wanted or None, state=state)
    if request.user.is_authenticated:
        FeedProfile.objects.update_or_create(user=request.user, defaults={"mode": mode})
        viewer_forget(request.user.pk)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(MODE_COOKIE, mode, max_age=MODE_COOKIE_AGE_S, samesite="Lax")
    return response


@never_cache
@require_GET
def tap(request, video_id: int, product_id: int):
    """A product chip's link: record the tap, then open the product page in the app."""
    visitor = visitor_id_clean(request.COOKIES.get(VISITOR_COOKIE))
    new_visitor = ""
    if not request.user.is_authenticated and not visitor:
        visitor = new_visitor = visitor_id_new()
    try:
        tapped = tap_record(
            video_id=video_id, product_id=product_id, user=request.user, visitor_id=visitor
        )
    except TapNotFound:
        raise Http404("That video does not feature this product.")
    response = redirect(tapped.product.get_absolute_url())
    if new_visitor:
        response.set_cookie(
            VISITOR_COOKIE,
            new_visitor,
            max_age=VISITOR_COOKIE_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


__all__ = ["feed_following", "feed_for_you", "feed_mode_set", "tap"]
