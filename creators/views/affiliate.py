"""Affiliate links ``/r/<code>/<product_id>/``: a creator shares a product outside the app;
following the link records a tap for that creator (attribution treats it like a chip in
a video), then opens the product page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

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
