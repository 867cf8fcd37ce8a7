"""Payouts: money leaving the platform to a seller or a creator, once per payee and period.

A payout pays a ledger account's available balance (a seller's or a creator's), so the
shop pays creators without knowing what a creator is: the account names its owner.
"""

from django.db import models


class PayoutStatus(models.TextChoices):
    REVIEW = "review", "Awaiting approval"
    SENDING = "sending", "Sending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


class Payout(models.Model):
    account = models.ForeignKey(
        "marketplace.LedgerAccount", on_delete=models.PROTECT, related_name="payouts"
    )
    payee_type = models.CharField(max_length=10)  # "seller" or "creator"
    payee_id = models.BigIntegerField()
    payee_name = models.CharField(max_length=120, blank=True)
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    period_start = models.DateField(help_text="Monday of the payout week")
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=PayoutStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Gateway errors this round")
    # A staff retry after a failure starts a new round, with a new idempotency key.
    round = models.PositiveSmallIntegerField(default=1)
    # The processor's idempotency key; a new one only after a definite refusal (empty: the
    # first round's key).
    transfer_key = models.CharField(max_length=64, blank=True)
    gateway_ref = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        "marketplace.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A rerun or a duplicated task finds the payout it made and pays nobody twice.
            models.UniqueConstraint(fields=["account", "period_start"], name="payout_once"),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="payout_positive"),
        ]
        indexes = [
            models.Index(fields=["payee_type", "payee_id", "-period_start"], name="payout_payee"),
            models.Index(fields=["status", "created_at"], name="payout_status"),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk} to {self.payee_type} {self.payee_id} ({self.status})"
