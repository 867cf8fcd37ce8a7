"""Reads over the ledger."""

from __future__ import annotations

from .models import LedgerAccount


def owner_balances(*, owner_type: str, owner_id: int) -> dict[tuple[str, str], int]:
    """{(kind, currency): normal-side balance} for one owner's accounts."""
    return {
        (a.kind, a.currency): a.balance
        for a in LedgerAccount.objects.filter(owner_type=owner_type, owner_id=owner_id)
    }
