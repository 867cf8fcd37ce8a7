"""Feed API: GET /api/feed/, GET /api/feed/following/, POST /api/events/.

Thin: read the request, call ``creators.feed.feeds`` or the engagement service, shape the
answer. Errors use the project's envelope (a stable ``code``).
"""

from __future__ import annotations

import json

from django.http import HttpResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from marketplace.markets import markets_by_code

from ..services.engagement import events_record
from ..services.taps import VISITOR_COOKIE, visitor_id_clean
from . import reasons as R
from . import store
from .auth import FEED_AUTHENTICATION
from .events import MAX_BODY_BYTES, InvalidEvent, PayloadTooLarge
from .fast_reads import TokenFastReadMixin
from .feeds import feed_page, page_size
from .pages import FOLLOWING
from .serializers import (
    EventBatchSerializer,
    EventsAcceptedSerializer,
    FeedErrorSerializer,
    FeedPageSerializer,
)

_URL_FIELDS = ("url", "video_url", "poster_url")
_PRODUCT_URL_FIELDS = ("image_url", "url", "product_url")


def market_code(request) -> str:
    """``?market=`` for anonymous clients, else the request's market."""
    user = request.user
    if user.is_authenticated and getattr(user, "market_id", None):
        return user.market_id  # what the middleware would pick, without its cache read
    code = request.GET.get("market", "").strip().upper()  # DRF's query_params, or Django's
    if code and not user.is_authenticated and code in markets_by_code():
        return code
    market = request.market
    return market.code if market else ""


def _absolute(base: str, url: str) -> str:
    return base + url if url.startswith("/") else url


def _absolutised(base: str, card: dict) -> dict:
    """Cards hold paths; API clients get absolute URLs."""
    item = dict(card)
    for name in _URL_FIELDS:
        item[name] = _absolute(base, item[name])
    creator = item["creator"] = dict(item["creator"])
    creator["avatar_url"] = _absolute(base, creator["avatar_url"])
    creator["url"] = _absolute(base, creator["url"])
    products = item["products"] = [dict(p) for p in item["products"]]
    for p in products:
        for name in _PRODUCT_URL_FIELDS:
            p[name] = _absolute(base, p[name])
    return item


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# (base URL, the card's stored value) -> the card as API JSON without its closing brace: a
# page splices the cards this worker serialised before instead of encoding each again.
_fragments: dict[tuple[str, object], str] = store.worker_memo({})
_FRAGMENTS_MAX = 5000


def _fragment(base: str, item: dict) -> str:
    raw = getattr(item, "raw", None)
    key = (base, raw)
    found = _fragments.get(key) if raw is not None else None
    if found is None:
        card = {k: v for k, v in item.items() if k not in ("reasons", "viewer")}
        found = _dumps(_absolutised(base, card))[:-1]
        if raw is not None:
            if len(_fragments) >= _FRAGMENTS_MAX:
                _fragments.clear()
            _fragments[key] = found
    return found


def _item_json(base: str, item: dict) -> str:
    viewer = item["viewer"]
    return (
        f'{_fragment(base, item)},"reasons":{R.as_json(item["reasons"])},'
        f'"viewer":{{"liked":{"true" if viewer["liked"] else "false"},'
        f'"following":{"true" if viewer["following"] else "false"}}}}}'
    )


def _page_response(request, page) -> HttpResponse:
    """The page as JSON, assembled from per-card fragments (same shape as
    ``FeedPageSerializer``)."""
    base = request.build_absolute_uri("/")[:-1]
    next_url = None
    if page.cursor:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.cursor)
    body = (
        f'{{"mode":{_dumps(page.mode)},"next":{_dumps(next_url)},'
        f'"cursor":{_dumps(page.cursor)},"results":['
        + ",".join(_item_json(base, item) for item in page.items)
        + "]}"
    )
    return HttpResponse(body.encode(), content_type="application/json")


class JSONOnly(DefaultContentNegotiation):
    """These views answer JSON only: skip parsing the Accept header on every request
    (DRF's negotiation cost about as much as a page's own Python work)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_FEED_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From the previous page"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1–30, default 10"),
    OpenApiParameter("market", OpenApiTypes.STR, description="Anonymous clients only"),
]


class FeedView(TokenFastReadMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = FEED_AUTHENTICATION
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    @extend_schema(
        summary="For You feed",
        description=(
            "Ranked for the signed-in viewer. `mode=popular` (or `newest`) is the "
            "non-personalised feed of the viewer's market; anonymous clients always get it. "
            "Without `mode`, the viewer's remembered choice applies. `v` puts one video first."
        ),
        parameters=[
            *_FEED_PARAMETERS,
            OpenApiParameter("mode", OpenApiTypes.STR, enum=["foryou", "popular", "newest"]),
            OpenApiParameter("v", OpenApiTypes.INT, description="Start with this video"),
        ],
        responses={200: FeedPageSerializer, 400: FeedErrorSerializer, 410: FeedErrorSerializer},
    )
    def get(self, request):
        return self.fast_page(request, request.user)

    def fast_page(self, request, user):
        params = request.GET  # DRF's query_params, or Django's before DRF
        start = params.get("v", "")
        page = feed_page(
            user=user,
            market_code=market_code(request),
            mode=params.get("mode") or None,
            cursor=params.get("cursor") or None,
            size=page_size(params.get("page_size")),
            start_video=int(start) if start.isdigit() and not params.get("cursor") else None,
        )
        return _page_response(request, page)


class FollowingFeedView(TokenFastReadMixin, APIView):
    permission_classes = [IsAuthenticated]
    authentication_classes = FEED_AUTHENTICATION
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    @extend_schema(
        summary="Following feed",
        description="Newest videos of the creators the viewer follows.",
        parameters=_FEED_PARAMETERS[:2],
        responses={200: FeedPageSerializer, 400: FeedErrorSerializer, 403: FeedErrorSerializer},
    )
    def get(self, request):
        return self.fast_page(request, request.user)

    def fast_page(self, request, user):
        params = request.GET  # DRF's query_params, or Django's before DRF
        page = feed_page(
            user=user,
            market_code="",  # followed creators, whatever their market
            mode=FOLLOWING,
            cursor=params.get("cursor") or None,
            size=page_size(params.get("page_size")),
        )
        return _page_response(request, page)


class EventsView(APIView):
    """Engagement events in batches. Anonymous viewers may send them (counted against
    their visitor cookie); likes need a signed-in viewer and are ignored otherwise."""

    permission_classes = [AllowAny]
    authentication_classes = FEED_AUTHENTICATION
    # sendBeacon posts form data (it cannot set a CSRF header): events=<json>&csrf token.
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    @extend_schema(
        summary="Record engagement events",
        request=EventBatchSerializer,
        responses={
            202: EventsAcceptedSerializer,
            400: FeedErrorSerializer,
            413: FeedErrorSerializer,
        },
    )
    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        data = request.data
        if isinstance(data, QueryDict):  # a beacon's form post
            try:
                data = {"events": json.loads(data.get("events", ""))}
            except ValueError:
                raise InvalidEvent("events: a JSON list.") from None
        user = request.user
        accepted = events_record(
            data=data,
            user_id=user.pk if user.is_authenticated else None,
            visitor_id=visitor_id_clean(request.COOKIES.get(VISITOR_COOKIE)),
        )
        return Response({"accepted": accepted}, status=status.HTTP_202_ACCEPTED)
