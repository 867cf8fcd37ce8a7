from .cart_badge import badge_count
from .services.cart import cart_get, cart_line_count


def cart(request):
    """The cart badge's count, computed only when a template asks for it."""

    def count():
        market = getattr(request, "market", None)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if market is None or session is None:
            return 0
        if user is not None and user.is_authenticated:
            # ``market`` may be a lazy object wrapping None (no market configured yet).
            return badge_count(user=user, market=market) if market else 0
        return cart_line_count(cart=cart_get(user=user, session=session, market=market))

    return {"cart_count": count}
