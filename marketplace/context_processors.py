from .markets import markets_by_code


def market(request):
    return {
        "market": getattr(request, "market", None),
        "markets": lambda: list(markets_by_code().values()),
    }
