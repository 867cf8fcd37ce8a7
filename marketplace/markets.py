"""Which market a request is in: the user's, else the cookie's, else the default."""

from django.conf import settings
from django.core.cache import cache

from .models import Market

MARKET_COOKIE = "market"
_CACHE_KEY = "markets:v1"


def markets_by_code() -> dict[str, Market]:
    markets = cache.get(_CACHE_KEY)
    if markets is None:
        markets = {m.code: m for m in Market.objects.all()}
        cache.set(_CACHE_KEY, markets, 300)
    return markets


def markets_changed() -> None:
    cache.delete(_CACHE_KEY)


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
