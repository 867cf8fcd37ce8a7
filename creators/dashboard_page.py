"""The dashboard page served from what was computed before the request.

The whole document (site header, totals, chart, offers, per-video table, latest
commissions, payouts) is the same on every visit until something it shows changes, so it
is rendered once per creator and chart metric and cached under the keys
``dashboard_invalidate`` drops when the creator's commissions, payouts, plans, profile or
seller profiles change (creators.dashboard_rollups). It lives no longer than the summary it
was drawn from, so views and taps lag no more than they already did. Each request fills in
its own CSRF token, cart badge and flash messages (the marks of shop.documents, which does
the same for guests); a document drawn for another user name, market or set of markets is
redrawn. Product titles and seller names on the page may lag a rename by ``PAGE_TTL_S``.

``creator_for_user`` is the user → creator lookup of every dashboard request (page and
money API), cached: the row is in the shared cache for a minute, dropped when the creator
is saved, and each worker keeps a found row a few seconds more, so a deactivated profile
keeps reading its own dashboard for at most that long (10 s in the worker, after the save).
"""

from __future__ import annotations

import copy
import logging
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from marketplace.markets import markets_by_code
from marketplace.static_build import static_build
from shop import documents

from .dashboard import (
    SUMMARY_TTL_S,
    creator_commissions,
    creator_offers,
    creator_payouts,
    dashboard_summary,
)
from .dashboard_chart import DEFAULT_METRIC, METRICS, line_chart
from .dashboard_rollups import PAGE_VARIANTS, creator_of_user_key, dashboard_page_key
from .models import Creator, PlanStatus

RECENT_COMMISSIONS = 10
RECENT_PAYOUTS = 10
OFFERS = 20
PAGE_TTL_S = SUMMARY_TTL_S
CREATOR_TTL_S = 60
# Off under tests: each test's database rolls back (and may reuse ids) without a signal.
LOCAL_TTL_S = 0 if getattr(settings, "TESTING", False) else 10
_NONE = "-"
log = logging.getLogger(__name__)
_local: dict[int, tuple[float, Creator]] = {}


def creator_for_user(user_id: int | None) -> Creator | None:
    """The user's creator profile (active or not), or None; usually without a query."""
    if user_id is None:
        return None
    now = time.monotonic()
    known = _local.get(user_id)
    if known is not None and known[0] > now:
        return copy.copy(known[1])
    key = creator_of_user_key(user_id)
    creator = _cache_get(key)
    if creator is None:
        creator = Creator.objects.filter(user_id=user_id).first() or _NONE
        _cache_set(key, creator, CREATOR_TTL_S)
    if isinstance(creator, str):
        # Not kept in the worker: a profile just made must show on the next request.
        return None
    if LOCAL_TTL_S:
        if len(_local) > 10_000:
            _local.clear()
        _local[user_id] = (now + LOCAL_TTL_S, creator)
    return copy.copy(creator)


def _cache_get(key: str):
    """A cache outage (Redis down) costs the database, not the page."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("cache unavailable; dashboard read from the database")
        return None


def _cache_set(key: str, value, ttl: int) -> None:
    try:
        cache.set(key, value, ttl)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; dashboard not cached")


def chart_metric(raw: str | None) -> str:
    return raw if raw in METRICS else DEFAULT_METRIC


def _percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio * 100:.1f}".removesuffix(".0") + "\u00a0%"


def page_variant(request) -> str | None:
    """The part of the URL the cached document depends on (its links carry it): no query
    or a chart metric. None for any other query, which is rendered every time."""
    query = request.META.get("QUERY_STRING", "")
    return query if query in PAGE_VARIANTS else None


def _chrome(request) -> str:
    """What the site header shows of this request besides the marks: the user's name, their
    market, the markets in the picker, and the build of the static files the page names. A
    cached document for other values is redrawn."""
    markets = ";".join(f"{m.code}:{m.name}:{m.currency}" for m in markets_by_code().values())
    market = getattr(request, "market", None)
    user = request.user.get_username()
    return f"{user}|{getattr(market, 'code', '')}|{markets}|{static_build()}"


def _body(creator: Creator, metric: str) -> tuple[str, dict]:
    summary = dashboard_summary(creator)
    cur = summary["currency"]
    offers = list(creator_offers(creator, open_only=True)[:OFFERS])
    context = {
        "creator": creator,
        "summary": summary,
        "totals": summary["totals"],
        "currency": cur,
        "chart": line_chart(summary["series"], metric=metric, cur=cur),
        "videos": [{**v, "conversion_text": _percent(v["conversion"])} for v in summary["videos"]],
        "metrics": METRICS,
        "commissions": list(creator_commissions(creator)[:RECENT_COMMISSIONS]),
        "payouts": list(creator_payouts(creator)[:RECENT_PAYOUTS]),
        "offers": [p for p in offers if p.status == PlanStatus.OFFERED],
        "plans": [p for p in offers if p.status == PlanStatus.ACCEPTED],
        "csrf_token": documents.CSRF_MARK,
        "messages_mark": documents.MESSAGES_MARK,
    }
    return render_to_string("creators/dashboard/_body.html", context), summary


def _document(request, creator: Creator, chrome: str) -> dict:
    """The whole page with marks: {"html", "chrome", "cacheable", "ttl"}."""
    body, summary = _body(creator, chart_metric(request.GET.get("chart")))
    context = {"creator": creator, "body": mark_safe(body), "messages": ()}  # noqa: S308
    html = documents.stamp(request, "creators/dashboard/dashboard.html", context)
    # No older than the summary it shows: views and taps lag as much as before, no more.
    age = (timezone.now() - datetime.fromisoformat(summary["as_of"])).total_seconds()
    if html is None:  # the header lost its cart badge: a plain render, nothing cached
        body = body.replace(documents.CSRF_MARK, get_token(request))
        body = body.replace(documents.MESSAGES_MARK, _messages(request), 1)
        context["body"] = mark_safe(body)  # noqa: S308 - our render
        html = render_to_string("creators/dashboard/dashboard.html", context, request=request)
        return {"html": html, "chrome": chrome, "cacheable": False, "ttl": 0}
    return {"html": html, "chrome": chrome, "cacheable": True, "ttl": int(PAGE_TTL_S - age)}


def dashboard_page(request, creator: Creator) -> HttpResponse:
    """The dashboard document: cached per creator and chart metric, this request's CSRF
    token, cart badge and messages filled in."""
    variant = page_variant(request)
    key = dashboard_page_key(creator.pk, variant) if variant is not None else None
    chrome = _chrome(request)
    entry = _cache_get(key) if key else None
    if entry is None or entry["chrome"] != chrome:
        entry = _document(request, creator, chrome)
        if key and entry["cacheable"] and entry["ttl"] > 0:
            _cache_set(key, entry, entry["ttl"])
    if not entry["cacheable"]:
        return documents.response(entry["html"])
    html = documents.fill(request, entry["html"], messages_html=_messages(request))
    return documents.response(html)


def _messages(request) -> str:
    storage = getattr(request, "_messages", None)
    if storage is None or not len(storage):
        return ""
    return render_to_string("creators/_messages.html", {"messages": storage})
