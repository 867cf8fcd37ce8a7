from django.conf import settings
from django.db import models


class VideoStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    REMOVED = "removed", "Removed"  # by the creator or by moderation


def upload_path(instance: "Video", filename: str) -> str:
    return f"videos/uploads/{instance.creator_id}/{filename}"


def media_path(instance: "Video", filename: str) -> str:
    return f"videos/{instance.creator_id}/{filename}"


class Video(models.Model):
    """A short video. Counters are folded in by Celery from engagement events."""

    creator = models.ForeignKey("creators.Creator", on_delete=models.CASCADE, related_name="videos")
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(max_length=2200, blank=True)
    hashtags = models.CharField(max_length=500, blank=True, help_text="Space-separated, no #")
    # The main category of the tagged products: what viewer affinity is keyed on.
    category = models.ForeignKey(
        "shop.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=VideoStatus.choices, default=VideoStatus.PROCESSING
    )
    failure_reason = models.CharField(max_length=300, blank=True)
    source = models.FileField(upload_to=upload_path, blank=True, max_length=300)
    file = models.FileField(upload_to=media_path, blank=True, max_length=300)
    poster = models.ImageField(upload_to=media_path, blank=True, max_length=300)
    duration_ms = models.PositiveIntegerField(default=0)
    width = models.PositiveSmallIntegerField(default=0)
    height = models.PositiveSmallIntegerField(default=0)
    products = models.ManyToManyField("shop.Product", through="VideoProduct", related_name="+")

    view_count = models.PositiveIntegerField(default=0)
    completion_count = models.PositiveIntegerField(default=0)
    watch_time_ms = models.BigIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    tap_count = models.PositiveIntegerField(default=0)
    not_interested_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["market", "status", "-published_at"], name="video_newest"),
            models.Index(fields=["creator", "status", "-published_at"], name="video_by_creator"),
        ]

    def __str__(self) -> str:
        return f"Video {self.pk} by {self.creator_id}"

    @property
    def hashtag_list(self) -> list[str]:
        return [t.lstrip("#") for t in self.hashtags.split() if t.strip("#")]


class VideoProduct(models.Model):
    """A product tagged in a video (at most six per video, checked in the upload service)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="tags")
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="video_tags")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["video", "product"], name="video_product_once"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.video_id}"


class VideoLike(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_likes"
    )
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.video_id}"
