"""Ledger tables. Rows are written only by ``marketplace.ledger.services.entry_post``;
nothing updates or deletes a posting (corrections are new entries)."""

from __future__ import annotations

from django.db import models


class AccountKind(models.TextChoices):
    PLATFORM_CASH = "platform_cash", "Platform cash"
    PLATFORM_FEES = "platform_fees", "Platform referral-fee revenue"
    REFUNDS = "refunds", "Referral fees refunded"
    SELLER_PENDING = "seller_pending", "Seller pending"
    SELLER_AVAILABLE = "seller_available", "Seller available"
    CREATOR_PENDING = "creator_pending", "Creator pending"
    CREATOR_AVAILABLE = "creator_available", "Creator available"
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", "Payouts in transit"


class OwnerType(models.TextChoices):
    PLATFORM = "platform", "Platform"
    SELLER = "seller", "Seller"
    CREATOR = "creator", "Creator"


# Debit-normal accounts hold value as a positive sum (what the platform has or spent);
# every other account is credit-normal: what is owed to its owner, or earned.
DEBIT_NORMAL = frozenset({AccountKind.PLATFORM_CASH, AccountKind.REFUNDS})


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    owner_type = models.CharField(max_length=10, choices=OwnerType.choices)
    owner_id = models.BigIntegerField(default=0, help_text="0 for platform accounts")
    # Sum of the postings (debits positive); written with the postings, proved by ledger_check.
    balance_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "currency", "owner_type", "owner_id"], name="ledger_account_once"
            )
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="ledger_account_owner")]

    def __str__(self) -> str:
        owner = (
            "platform"
            if self.owner_type == OwnerType.PLATFORM
            else (f"{self.owner_type} {self.owner_id}")
        )
        return f"{self.get_kind_display()} · {owner} · {self.currency}"

    @property
    def balance(self) -> int:
        """The balance on the account's normal side: positive is what it holds or is owed."""
        return self.balance_minor if self.kind in DEBIT_NORMAL else -self.balance_minor


class LedgerEntry(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="Idempotency key")
    kind = models.CharField(max_length=40, db_index=True)  # e.g. "order.captured"
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"


class LedgerPosting(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_minor = models.BigIntegerField(help_text="Debit positive, credit negative")
    currency = models.CharField(max_length=3)
    # What the money is about; plain ids, since the kernel imports no app.
    order_id = models.BigIntegerField(null=True, blank=True)
    order_line_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_minor=0), name="ledger_posting_not_zero"
            )
        ]
        indexes = [
            models.Index(fields=["order_id", "account"], name="ledger_posting_order"),
            models.Index(fields=["account", "entry"], name="ledger_posting_account"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor:+d} {self.currency} → {self.account_id}"
