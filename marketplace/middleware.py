from django.utils.functional import SimpleLazyObject

from .markets import market_for_request


class MarketMiddleware:
    """Sets ``request.market`` lazily, so endpoints that never ask pay nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market = SimpleLazyObject(lambda: market_for_request(request))
        return self.get_response(request)
