from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone


class DealQuerySet(models.QuerySet):
    def live(self, at=None) -> "DealQuerySet":
        """Deals that apply now: started, not ended, not used up. No job has to expire them."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at, quantity_sold__lt=F("quantity_cap"))


class Deal(models.Model):
    """A time-boxed price on one variant, capped in quantity ("Deals of the day")."""

    variant = models.ForeignKey("shop.Variant", on_delete=models.CASCADE, related_name="deals")
    price_minor = models.BigIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    quantity_cap = models.PositiveIntegerField()
    quantity_sold = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["ends_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="deal_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(quantity_sold__lte=F("quantity_cap")), name="deal_not_oversold"
            ),
            models.CheckConstraint(condition=Q(price_minor__gte=0), name="deal_price_non_negative"),
        ]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="deal_window")]

    def __str__(self) -> str:
        return f"Deal on {self.variant_id} until {self.ends_at:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.quantity_cap - self.quantity_sold, 0)

    def is_live(self, at=None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at and self.quantity_sold < self.quantity_cap


@receiver([post_save, post_delete], sender=Deal)
def _deal_changed(sender, instance: Deal, **kwargs) -> None:
    """A deal's price, window or cap is on its product's page and API answer: mark the
    product changed, whoever saved the deal (admin, seller center, a bulk delete)."""
    from ..cache import bump_products

    bump_products(variant_ids=[instance.variant_id])
