"""Catalog reads answered from the cache before DRF's request handling.

A cached product or listing page is the same JSON for every client in a market; DRF's
request wrapping, authentication, content negotiation and response finalising cost more
than the cache read itself. A plain JSON GET (no ``Authorization`` header, no other
rendering asked for) whose body is cached is answered here, with the headers DRF would
add; anything else (a miss, an error, a token, the browsable API) goes through DRF as
before. The market is chosen as ``marketplace.api.request_market`` chooses it: DRF's session
authentication and Django's authentication middleware agree on who the user is.
"""

from __future__ import annotations

from django.http import HttpResponse

from marketplace.api import drf_headers_apply
from marketplace.markets import markets_by_code

PLAIN_JSON = {"", "*/*", "application/json"}


def plain_json_market(request):
    """The market of a plain anonymous-or-session JSON GET, or None: let DRF answer."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return None
    if request.META.get("HTTP_ACCEPT", "") not in PLAIN_JSON or "format" in request.GET:
        return None
    code = request.GET.get("market", "").strip().upper()
    if code and not request.user.is_authenticated:
        return markets_by_code().get(code)  # None: DRF answers unknown_market
    market = request.market
    return market if market else None


class CachedReadMixin:
    """For an ``APIView``: ``cached_body(request, market, **kwargs)`` returns the cached
    JSON bytes or None."""

    def dispatch(self, request, *args, **kwargs):
        market = plain_json_market(request)
        body = self.cached_body(request, market, **kwargs) if market is not None else None
        if body is None:
            return super().dispatch(request, *args, **kwargs)
        return drf_headers_apply(self, HttpResponse(body, content_type="application/json"))

    def cached_body(self, request, market, **kwargs) -> bytes | None:
        raise NotImplementedError
