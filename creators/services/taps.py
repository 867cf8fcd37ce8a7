"""Product taps: the click from a creator's video to a product that attribution reads.

Written synchronously (commission depends on the row existing before the shopper can
check out). Anonymous taps carry the visitor id cookie and become the user's when that
visitor signs in.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from shop.models import Product, ProductStatus

from ..models import Creator, ProductTap, TapSource, VideoProduct, VideoStatus
from .engagement import engagement_enqueue

VISITOR_COOKIE = "vid"
VISITOR_COOKIE_AGE_S = 365 * 86400


class TapNotFound(LookupError):
    """No published video tags that product."""


def visitor_id_new() -> str:
    return str(uuid.uuid4())


def visitor_id_clean(raw: str | None) -> str:
    """The cookie's value if it is a well-formed id, else empty (never trust its shape)."""
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return ""


def tap_record(*, video_id: int, product_id: int, user=None, visitor_id: str = "") -> ProductTap:
    """Record a tap on ``product_id`` in ``video_id``; returns it with ``product`` loaded.

    Raises ``TapNotFound`` unless the video is published and tags the product.
    """
    tag = (
        VideoProduct.objects.select_related("video", "product")
        .filter(
            video_id=video_id,
            product_id=product_id,
            video__status=VideoStatus.PUBLISHED,
        )
        .first()
    )
    if tag is None:
        raise TapNotFound(f"Video {video_id} does not feature product {product_id}.")
    signed_in = user is not None and user.is_authenticated
    with transaction.atomic():
        tap = ProductTap.objects.create(
            user=user if signed_in else None,
            visitor_id="" if signed_in else visitor_id,
            creator_id=tag.video.creator_id,
            product=tag.product,
            source=TapSource.VIDEO,
            video_id=video_id,
        )
    # The engagement side (tap counts, interest) goes through the buffer like any event.
    engagement_enqueue(
        events=[{"i": f"tap-{tap.pk}", "t": "product_tap", "v": video_id, "p": product_id}],
        user_id=user.pk if signed_in else None,
        visitor_id=visitor_id,
    )
    return tap


def taps_claim(*, user, visitor_id: str) -> int:
    """Give a visitor's anonymous taps to the user who just signed in on that browser."""
    visitor_id = visitor_id_clean(visitor_id)
    if not visitor_id or user is None or not user.is_authenticated:
        return 0
    return ProductTap.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)


class AffiliateLinkNotFound(LookupError):
    """No active creator has that code, or the product is not for sale."""


def affiliate_tap_record(
    *, code: str, product_id: int, user=None, visitor_id: str = ""
) -> ProductTap:
    """Record a tap through a creator's affiliate link ``/r/<code>/<product_id>/``; returns
    it with ``product`` loaded. Attribution reads it exactly like a video chip's tap.

    Raises ``AffiliateLinkNotFound`` for an unknown or inactive creator, or a product that
    is not on sale (a draft, archived, or its shop inactive).
    """
    creator = Creator.objects.filter(affiliate_code=code, is_active=True).only("pk").first()
    product = (
        Product.objects.select_related("seller")
        .filter(pk=product_id, status=ProductStatus.ACTIVE, seller__is_active=True)
        .first()
    )
    if creator is None or product is None:
        raise AffiliateLinkNotFound(f"No affiliate link {code}/{product_id}.")
    signed_in = user is not None and user.is_authenticated
    return ProductTap.objects.create(
        user=user if signed_in else None,
        visitor_id="" if signed_in else visitor_id,
        creator=creator,
        product=product,
        source=TapSource.AFFILIATE_LINK,
    )
