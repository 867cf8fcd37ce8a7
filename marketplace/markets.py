"""Which market a request is in: the user's, else the cookie's, else the default."""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .models import Market

log = logging.getLogger(__name__)

MARKET_COOKIE = "market"
_CACHE_KEY = "markets:v1"


# Off under tests: each test's database rolls back without a save signal to clear it.
LOCAL_TTL_S = 0 if getattr(settings, "TESTING", False) else 30
_local: tuple[float, dict[str, Market]] = (0.0, {})


def markets_by_code() -> dict[str, Market]:
    """Markets by code, held in this process for up to 30 s above the shared cache: every
    page asks (middleware, context processor) and a handful of rows that change a few times
    a year are not worth a Redis round trip and an unpickle each time. A save in this
    process clears it at once (marketplace.signals); other workers follow within 30 s."""
    global _local
    expires, markets = _local
    if markets and time.monotonic() < expires:
        return markets
    markets = _markets_shared()
    if LOCAL_TTL_S:
        _local = (time.monotonic() + LOCAL_TTL_S, markets)
    return markets


def _markets_shared() -> dict[str, Market]:
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
    global _local
    _local = (0.0, {})
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
