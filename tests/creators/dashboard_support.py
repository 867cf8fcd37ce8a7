"""Helpers for the dashboard tests: a creator's sale through a tagged video, made with the
real checkout and pipeline (so commissions, ledger and rollups are written as in prod)."""

from __future__ import annotations

from creators.models import Video, VideoProduct, VideoStatus
from tests.creators.money_support import make_creator, tap
from tests.shop.orders_support import buyer_in, make_variant, place_paid

__all__ = ["make_creator", "make_video", "sell"]


def make_video(creator, *, caption="Glow routine", views=100, taps=10, products=()) -> Video:
    video = Video.objects.create(
        creator=creator,
        market=creator.market,
        caption=caption,
        status=VideoStatus.PUBLISHED,
        view_count=views,
        tap_count=taps,
    )
    for i, product in enumerate(products, start=1):
        VideoProduct.objects.create(video=video, product=product, position=i)
    return video


def sell(creator, *, video=None, price=2000, rate_bp=1000, buyer="buyer", key="k1", quantity=1):
    """One paid order of one product, attributed to ``creator`` (through ``video``)."""
    market = creator.market
    variant = make_variant(market, price=price)
    variant.product.commission_rate_bp = rate_bp
    variant.product.save(update_fields=["commission_rate_bp"])
    shopper = buyer_in(market, buyer)
    t = tap(creator, shopper, variant.product)
    if video is not None:
        type(t).objects.filter(pk=t.pk).update(video=video)
    (order,) = place_paid(shopper, market, [(variant, quantity)], key=key)
    return order
