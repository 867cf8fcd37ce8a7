from django.conf import settings
from django.db import models


class TapSource(models.TextChoices):
    VIDEO = "video", "Product chip in a video"
    LIVE = "live", "Pinned product in a LIVE"
    AFFILIATE_LINK = "link", "Affiliate link"


class ProductTap(models.Model):
    """A shopper's click from a creator's content to a product: what last-click
    attribution reads. Written synchronously, because commission depends on it.

    Anonymous taps carry the visitor id (a cookie) and are claimed by the user on sign-in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="product_taps",
    )
    visitor_id = models.CharField(max_length=36, blank=True, db_index=True)
    creator = models.ForeignKey("creators.Creator", on_delete=models.CASCADE, related_name="taps")
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=8, choices=TapSource.choices)
    video = models.ForeignKey(
        "creators.Video", on_delete=models.SET_NULL, null=True, blank=True, related_name="taps"
    )
    # Room for LIVE: the session the tap came from (the LIVE model arrives later).
    live_session_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "product", "-created_at"], name="tap_last_click"),
            models.Index(fields=["creator", "-created_at"], name="tap_by_creator"),
        ]

    def __str__(self) -> str:
        return f"tap {self.product_id} via {self.creator_id} ({self.source})"
