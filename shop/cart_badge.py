"""The cart badge's count for a signed-in shopper, from the cache.

Every page a signed-in shopper sees shows the badge; counting it costs two queries (their
cart, its lines). Here both answers are cached: which cart a user has in a market (it
never changes once made; made or deleted → forgotten) and how many units a cart holds
(forgotten on every line saved or deleted, at once and again on commit, so a count read
by a transaction that had not committed yet cannot outlive it). Guests are not cached:
their cart comes from a session token, and most have none (no query at all).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

from .models import Cart

log = logging.getLogger(__name__)

TTL_S = 600  # a backstop only: writes forget the entries


def _cart_key(user_id: int, market_id: str) -> str:
    return f"cart-of:{user_id}:{market_id}"


def _count_key(cart_id: int) -> str:
    return f"cart-badge:{cart_id}"


def badge_count(*, user, market) -> int:
    from .services.cart import cart_line_count

    cart_id = _cached(_cart_key(user.pk, market.pk))
    if cart_id is None:
        cart_id = (
            Cart.objects.filter(user=user, market=market).values_list("pk", flat=True).first() or 0
        )
        _store(_cart_key(user.pk, market.pk), cart_id)
    if not cart_id:
        return 0
    count = _cached(_count_key(cart_id))
    if count is None:
        count = cart_line_count(cart=Cart(pk=cart_id))
        _store(_count_key(cart_id), count)
    return count


def forget_cart_of(user_id: int | None, market_id: str) -> None:
    if user_id is not None:
        _forget(_cart_key(user_id, market_id))


def forget_count(cart_id: int) -> None:
    _forget(_count_key(cart_id))


def _cached(key: str):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage: count from the database
        return None


def _store(key: str, value: int) -> None:
    try:
        cache.set(key, value, TTL_S)
    except Exception:  # noqa: BLE001 - not cached this time
        log.warning("cache unavailable; cart badge not stored")


def _forget(key: str) -> None:
    def drop():
        try:
            cache.delete(key)
        except Exception:  # noqa: BLE001 - the entry expires within TTL_S
            log.warning("cache unavailable; cart badge %s left to expire", key)

    drop()
    transaction.on_commit(drop)
