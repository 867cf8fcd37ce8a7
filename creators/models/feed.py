"""What the feed remembers about viewers, and the buffers engagement events pass through."""

from django.conf import settings
from django.db import models


class FeedMode(models.TextChoices):
    FOR_YOU = "foryou", "For You (personalised)"
    POPULAR = "popular", "Popular in your market (not personalised)"
    NEWEST = "newest", "Newest in your market (not personalised)"


class FeedProfile(models.Model):
    """One signed-in viewer's ranking inputs, folded in from engagement events.

    Kept as one row of small, capped JSON maps so the feed reads a viewer in one query
    (and usually from the cache). Scores decay over time (see ``creators.feed.affinity``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="feed_profile",
    )
    # {category_id: score}, {creator_id: score}: watched to the end, liked, shared, bought.
    categories = models.JSONField(default=dict, blank=True)
    creators = models.JSONField(default=dict, blank=True)
    # "Not interested": creators left out, categories down-weighted until the time stored.
    hidden_creators = models.JSONField(default=list, blank=True)
    hidden_categories = models.JSONField(default=dict, blank=True)
    # {video_id: epoch seconds} of views in the last 7 days: not shown again meanwhile.
    seen = models.JSONField(default=dict, blank=True)
    # The most recent likes, newest last, so a page marks them without a query.
    liked = models.JSONField(default=list, blank=True)
    mode = models.CharField(max_length=8, choices=FeedMode.choices, default=FeedMode.FOR_YOU)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed profile of {self.user_id}"


class EngagementBatch(models.Model):
    """A batch of events waiting to be folded, when there is no Redis to buffer them."""

    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"engagement batch {self.pk}"


class ProcessedEvent(models.Model):
    """Keys of events already folded, written in the fold's transaction: a batch delivered
    twice (a client retry, a worker that died before acknowledging) counts once."""

    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key
