"""Returns: a shopper asks to send back some units of a delivered order; the seller has
a fixed time to answer, after which the return is approved automatically."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReturnReason(models.TextChoices):
    CHANGED_MIND = "changed_mind", "I changed my mind"
    WRONG_SIZE = "wrong_size", "Wrong size or fit"
    NOT_AS_DESCRIBED = "not_as_described", "Not as described"
    WRONG_ITEM = "wrong_item", "I received the wrong item"
    DAMAGED = "damaged", "It arrived damaged"
    DEFECTIVE = "defective", "It does not work"


# Units sent back for these reasons cannot be sold again unless the seller says so.
NOT_RESTOCKABLE_REASONS = frozenset({ReturnReason.DAMAGED, ReturnReason.DEFECTIVE})


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the seller"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ReturnRequest(models.Model):
    order = models.ForeignKey("shop.Order", on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(max_length=20, choices=ReturnReason.choices)
    details = models.TextField(blank=True, max_length=1000)
    requested_at = models.DateTimeField()
    respond_by = models.DateTimeField(help_text="After this the return is approved on its own")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    auto_approved = models.BooleanField(default=False)
    rejection_note = models.CharField(max_length=500, blank=True)
    restocked = models.BooleanField(default=False)
    refund = models.OneToOneField(
        "shop.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_request",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(
                fields=["respond_by"],
                condition=Q(status="requested"),
                name="return_awaiting_seller",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="requested"),
                name="one_open_return_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Return {self.pk} on order {self.order_id}"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey("shop.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_line_quantity"),
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="return_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"
