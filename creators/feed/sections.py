"""The product page's "Featured in" row: videos that tag the product (registered through
``marketplace.hooks`` so the shop never imports creators)."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.storage import default_storage

from ..models import VideoProduct, VideoStatus
from .cards import compact, share_url

FEATURED_LIMIT = 12
FEATURED_TTL_S = 60
_KEY = "feed:featured:{}"


def featured_videos(product_id: int) -> list[dict]:
    """Published videos tagging the product, most watched first (cached briefly)."""
    key = _KEY.format(product_id)
    videos = cache.get(key)
    if videos is None:
        tags = (
            VideoProduct.objects.filter(product_id=product_id, video__status=VideoStatus.PUBLISHED)
            .select_related("video__creator")
            .order_by("-video__view_count", "-video_id")[:FEATURED_LIMIT]
        )
        videos = [
            {
                "id": t.video_id,
                "url": share_url(t.video_id),
                "poster_url": default_storage.url(t.video.poster.name) if t.video.poster else "",
                "caption": t.video.caption,
                "views": t.video.view_count,
                "views_display": compact(t.video.view_count),
                "handle": t.video.creator.handle,
            }
            for t in tags
        ]
        cache.set(key, videos, FEATURED_TTL_S)
    return videos


def featured_forget(product_ids) -> None:
    cache.delete_many([_KEY.format(p) for p in product_ids])


def featured_in_section(request, product):
    """``marketplace.hooks`` product section: a row of posters linking into the feed."""
    videos = featured_videos(product.pk)
    if not videos:
        return None
    return "creators/feed/featured_in.html", {"featured_videos": videos, "product": product}


# The same row for every viewer: the shop renders it into the product page it caches, and
# serves that page for at most as long as this row's own cache entry lives (a video
# published or unpublished, or new view counts, show within about two of these).
featured_in_section.viewer_independent = True
featured_in_section.max_age_s = FEATURED_TTL_S
