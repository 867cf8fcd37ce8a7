from django.conf import settings
from django.db import models

from .catalog import ListingQuerySet


class Seller(models.Model):
    """A shop on the marketplace: a third party, or the platform's own first-party store."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sellers",
        null=True,
        blank=True,
        help_text="The account that runs this shop in the seller center",
    )
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    is_first_party = models.BooleanField(default=False)
    # The processor's token for the seller's bank account (never the account number).
    payout_destination = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
