import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

handle_validator = RegexValidator(
    r"^[a-z0-9_.]{2,30}$", "2–30 characters: lowercase letters, digits, '_' and '.'."
)


def _affiliate_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y").lower()


def avatar_path(instance: "Creator", filename: str) -> str:
    return f"avatars/{instance.handle}/{filename}"


class Creator(models.Model):
    """A user's public creator profile. Shoppers follow creators; creators earn commissions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creator"
    )
    handle = models.CharField(max_length=30, unique=True, validators=[handle_validator])
    display_name = models.CharField(max_length=80)
    bio = models.CharField(max_length=300, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    # The code in affiliate links /r/<code>/<product_id>/.
    affiliate_code = models.CharField(max_length=16, unique=True, default=_affiliate_code)
    # The processor's token for the creator's bank account (never the account number).
    payout_destination = models.CharField(max_length=64, blank=True)
    follower_count = models.PositiveIntegerField(default=0)
    video_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def get_absolute_url(self) -> str:
        return reverse("creator-profile", kwargs={"handle": self.handle})


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "creator"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["follower", "-created_at"], name="follow_by_follower")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.creator_id}"
