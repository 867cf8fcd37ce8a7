"""Commissions a creator earns on the sales their content drove, and the targeted plans
sellers offer one creator.

A commission keeps what was applied (plan, rate, gross) so a later rate change never
rewrites history; what it is worth now is ``amount_minor - reversed_minor``.
"""

from django.db import models
from django.db.models import F, Q


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    AVAILABLE = "available", "Available"
    PAID = "paid", "Paid"
    REVERSED = "reversed", "Reversed"  # refunded in full
    VOIDED = "voided", "Voided"  # the order was cancelled


class CommissionPlan(models.TextChoices):
    OPEN = "open", "Open plan"
    TARGETED = "targeted", "Targeted plan"


class Commission(models.Model):
    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.PROTECT, related_name="commissions"
    )
    order_line = models.OneToOneField(
        "shop.OrderLine", on_delete=models.PROTECT, related_name="commission"
    )
    order = models.ForeignKey("shop.Order", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("shop.Product", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("shop.Seller", on_delete=models.PROTECT, related_name="+")
    tap = models.ForeignKey(
        "creators.ProductTap", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    video = models.ForeignKey(
        "creators.Video", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3)
    plan = models.CharField(max_length=10, choices=CommissionPlan.choices)
    rate_bp = models.PositiveIntegerField()
    gross_minor = models.BigIntegerField()
    amount_minor = models.BigIntegerField()
    reversed_minor = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=CommissionStatus.choices, default=CommissionStatus.PENDING
    )
    created_at = models.DateTimeField(help_text="When the order was paid")
    available_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payout = models.ForeignKey(
        "shop.Payout", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_bp__gte=1, rate_bp__lte=8000), name="commission_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(reversed_minor__gte=0, reversed_minor__lte=F("amount_minor")),
                name="commission_reversed_range",
            ),
        ]
        indexes = [
            models.Index(fields=["creator", "-created_at"], name="commission_by_creator"),
            models.Index(fields=["creator", "status"], name="commission_creator_status"),
            models.Index(
                fields=["status", "id"],
                name="commission_pending",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"commission {self.pk} on line {self.order_line_id} ({self.status})"

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.reversed_minor


class PlanStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TargetedPlan(models.Model):
    """A seller's offer of a rate on chosen products to one creator. Accepted, it overrides
    the open rate for that creator's sales of those products. A cut waits 30 days
    (``rate_next_bp`` from ``rate_next_at``), a raise applies at once."""

    seller = models.ForeignKey("shop.Seller", on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.CASCADE, related_name="targeted_plans"
    )
    products = models.ManyToManyField("shop.Product", related_name="+")
    rate_bp = models.PositiveIntegerField()
    rate_next_bp = models.PositiveIntegerField(null=True, blank=True)
    rate_next_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.OFFERED)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # In force from acceptance; withdrawing an accepted plan is a cut, so it stays in
    # force for the notice period (until ``ends_at``).
    accepted_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_bp__gte=100, rate_bp__lte=8000), name="plan_rate_range"
            ),
            models.UniqueConstraint(
                fields=["seller", "creator"],
                condition=Q(status__in=["offered", "accepted"]),
                name="one_live_plan_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller} → {self.creator}: {self.rate_bp / 100:g} % ({self.status})"

    def in_force_at(self, when) -> bool:
        return (
            self.accepted_at is not None
            and self.accepted_at <= when
            and (self.ends_at is None or when < self.ends_at)
        )

    def rate_at(self, when) -> int:
        if self.rate_next_bp is not None and self.rate_next_at and when >= self.rate_next_at:
            return self.rate_next_bp
        return self.rate_bp
