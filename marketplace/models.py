"""Kernel models: users and markets. The ledger and domain events join them here."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from .money import CURRENCY_CHOICES, currency


class Market(models.Model):
    """A country the marketplace trades in. Every money rule that varies by market is here."""

    code = models.CharField(max_length=2, primary_key=True, help_text="ISO 3166 country code")
    name = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    return_window_days = models.PositiveSmallIntegerField(default=30)
    referral_fee_bp = models.PositiveIntegerField(
        default=600, help_text="Platform referral fee on sellers, in basis points (600 = 6 %)"
    )
    checkout_enabled = models.BooleanField(
        default=True, help_text="Off where in-app checkout is not allowed"
    )
    seller_settlement_days = models.PositiveSmallIntegerField(default=7)
    creator_payout_minimum = models.PositiveIntegerField(
        default=1000, help_text="Minor units of the market's currency"
    )
    seller_payout_minimum = models.PositiveIntegerField(default=100)
    # Payouts of at least this much wait for a staff member's approval (0: none wait).
    payout_review_minor = models.PositiveBigIntegerField(default=0)
    shipping_standard_minor = models.PositiveIntegerField(default=0)
    shipping_express_minor = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(referral_fee_bp__lte=10_000), name="market_fee_at_most_100pct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    @property
    def currency_exponent(self) -> int:
        return currency(self.currency).exponent


class User(AbstractUser):
    """A person: shopper, and optionally creator and/or seller (see their profiles)."""

    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    Celery delivers it after commit; if the broker is down, the periodic dispatcher
    delivers it once the broker is back. Nothing is lost and nothing is applied twice
    (see ``EventDelivery``).
    """

    name = models.CharField(max_length=64, db_index=True)  # e.g. "order.paid"
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class EventDelivery(models.Model):
    """Proof that one subscriber applied one event: written in the subscriber's own
    transaction, so a redelivered event is recognised and skipped."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=120)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="deliver_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber}"


# The ledger's tables live in their own module; Django finds models through this one.
from .ledger.models import (  # noqa: E402, F401
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerPosting,
    OwnerType,
)
