"""Affiliate links ``/r/<code>/<product_id>/``: a creator shares a product outside the app;
following the link records a tap for that creator (attribution treats it like a chip in
a video), then opens the product page. A signed-in creator finds their link for a product
on its page (``affiliate_link_section``)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..models import Creator
from ..services.taps import (
    VISITOR_COOKIE,
    VISITOR_COOKIE_AGE_S,
    AffiliateLinkNotFound,
    affiliate_tap_record,
    visitor_id_clean,
    visitor_id_new,
)


@require_GET
def affiliate_link(request, code: str, product_id: int):
    visitor = visitor_id_clean(request.COOKIES.get(VISITOR_COOKIE))
    new_visitor = ""
    if not request.user.is_authenticated and not visitor:
        visitor = new_visitor = visitor_id_new()
    try:
        tapped = affiliate_tap_record(
            code=code, product_id=product_id, user=request.user, visitor_id=visitor
        )
    except AffiliateLinkNotFound:
        raise Http404("This link does not lead to a product on sale.") from None
    response = redirect(tapped.product.get_absolute_url())
    if new_visitor:
        # The same cookie as the video chips: taps made before signing in are claimed then.
        response.set_cookie(
            VISITOR_COOKIE,
            new_visitor,
            max_age=VISITOR_COOKIE_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def affiliate_link_section(request, product):
    """``marketplace.hooks`` product section: a signed-in creator sees their affiliate link
    for the product (one query for creators, none for anyone else)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    creator = (
        Creator.objects.filter(user=user, is_active=True)
        .only("affiliate_code", "market_id", "handle")
        .first()
    )
    if creator is None or creator.market_id != product.market_id:
        return None
    path = reverse("affiliate-link", args=[creator.affiliate_code, product.pk])
    return "creators/_affiliate_link.html", {
        "affiliate_url": request.build_absolute_uri(path),
        "window_days": settings.ATTRIBUTION_WINDOW_DAYS,
        "product": product,
    }
