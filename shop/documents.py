"""Whole HTML documents for guests, cached: the page chrome (header, menus, market picker,
category and sort links) is rendered once per page version, not once per request.

A guest's document differs from another guest's only in a few values: the CSRF token, the
cart badge, flash messages, and what the page fills per request (countdowns, other apps'
sections). The document is rendered once with a mark in place of each ("a stamp") and
cached under the exact URL, the market, the markets' names and the versions of what the
page shows (the caller's part of the key); each request fills its own values into the
stamp. Signed-in visitors see their name and links in the menu: they get a full render.

Entries go through shop.cache, so they hold their ``valid_until`` and a cache outage
renders every time.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from marketplace.markets import markets_by_code
from marketplace.static_build import static_build

from . import cache as catalog_cache
from .context_processors import cart as cart_context

CSRF_MARK = "__doc_csrf_token__"
MESSAGES_MARK = mark_safe("<!--doc-messages-->")  # noqa: S308 - a constant
# The cart badge of templates/base.html as a guest without a cart sees it. A stamp must hold
# it exactly once, or it is not cached (a changed layout then renders every time).
EMPTY_BADGE = (
    '<span id="cart-badge" class="tab-badge" hidden>0<span class="sr-only"> items</span></span>'
)
BADGE = '<span id="cart-badge" class="tab-badge">{}<span class="sr-only"> items</span></span>'


def for_guest(request) -> bool:
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


_markets_seen: tuple[int, str] = (0, "")


def _markets_token() -> str:
    """What the header's market picker and the pages show of the markets, as a token;
    recomputed only when the markets are reloaded (shared by every key of a process)."""
    global _markets_seen
    markets = markets_by_code()
    if _markets_seen[0] != id(markets):
        raw = "|".join(
            f"{m.code}:{m.name}:{m.currency}:{int(m.checkout_enabled)}" for m in markets.values()
        )
        _markets_seen = (id(markets), hashlib.blake2b(raw.encode(), digest_size=6).hexdigest())
    return _markets_seen[1]


def key(request, kind: str, *parts: str) -> str:
    """The key of the guest document at this exact URL (scheme, host, path and query: the
    links on the page carry the query) in the visitor's market, for this static build."""
    url = request.build_absolute_uri()
    raw = "|".join([url, request.market.code, _markets_token(), static_build(), *parts])
    digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
    return f"{catalog_cache.PREFIX}:doc:{kind}:{digest}"


def get(doc_key: str) -> str | None:
    return catalog_cache.get(doc_key)


def stamp(request, template_name: str, context: dict) -> str | None:
    """The document as every guest sees it, with marks for each guest's own values; None
    when the layout does not hold the cart badge where it is expected (not cacheable)."""
    html = render_to_string(
        template_name,
        {**context, "csrf_token": CSRF_MARK, "cart_count": 0},
        request=request,
    )
    return html if html.count(EMPTY_BADGE) == 1 else None


def put(doc_key: str, html: str, valid_until: float) -> None:
    catalog_cache.put(doc_key, html, valid_until)


def fill(request, html: str, *, messages_html: str = "") -> str:
    """The stamp with this guest's values."""
    html = html.replace(CSRF_MARK, get_token(request))
    count = cart_context(request)["cart_count"]()
    if count:
        html = html.replace(EMPTY_BADGE, BADGE.format(int(count)), 1)
    return html.replace(MESSAGES_MARK, messages_html, 1)


def response(html: str) -> HttpResponse:
    return HttpResponse(html, content_type="text/html; charset=utf-8")
