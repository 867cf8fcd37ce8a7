"""Which market a request is in: the user's, else the cookie's, else the default."""

import logging

from django.conf import settings
from django.core.cache import cache

from .models import Market

log = logging.getLogger(__name__)

MARKET_COOKIE = "market"
_CACHE_KEY = "markets:v1"


def markets_by_code() -> dict[str, Market]:
    """Markets by code, cached. A cache outage (Redis down) falls back to the database:
    shoppers can still browse and check out."""
    try:
        markets = cache.get(_CACHE_KEY)
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("cache unavailable; reading markets from the database")
        return {m.code: m for m in Market.objects.all()}
    if markets is None:
        markets = {m.code: m for m in Market.objects.all()}
        try:
            cache.set(_CACHE_KEY, markets, 300)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; markets not cached")
    return markets


def markets_changed() -> None:
    try:
        cache.delete(_CACHE_KEY)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; market cache not cleared")


def market_for_request(request) -> Market | None:
    markets = markets_by_code()
    if not markets:
        return None
    user = getattr(request, "user", None)
    code = None
    if user is not None and user.is_authenticated and user.market_id:
        code = user.market_id
    code = code or request.COOKIES.get(MARKET_COOKIE) or settings.MARKET_DEFAULT
    return markets.get(code) or markets.get(settings.MARKET_DEFAULT) or next(iter(markets.values()))
