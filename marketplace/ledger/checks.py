"""The ledger's invariants, and the apps' reconciliations against their own records.

``ledger_breaks`` yields a sentence per broken invariant, in a fixed order, so
``manage.py ledger_check`` can name the first one. Apps add reconcilers (for example
"per order, what the buyer paid minus refunds equals the parties' shares") with
``register_reconciler`` in their ``AppConfig.ready``: the kernel imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from .models import LedgerAccount, LedgerPosting

Reconciler = Callable[[], Iterator[str]]
_reconcilers: list[Reconciler] = []


def register_reconciler(fn: Reconciler) -> Reconciler:
    if fn not in _reconcilers:
        _reconcilers.append(fn)
    return fn


def ledger_breaks() -> Iterator[str]:
    yield from _unbalanced_entries()
    yield from _currency_mismatches()
    yield from _balance_mismatches()
    for reconcile in _reconcilers:
        yield from reconcile()


def _unbalanced_entries() -> Iterator[str]:
    rows = (
        LedgerPosting.objects.values("entry_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("entry_id", "currency")
    )
    for row in rows.iterator(chunk_size=500):
        yield (
            f"entry {row['entry_id']} does not balance in {row['currency']}: "
            f"postings sum to {row['total']}"
        )


def _currency_mismatches() -> Iterator[str]:
    rows = (
        LedgerPosting.objects.exclude(currency=F("account__currency"))
        .values_list("pk", "currency", "account_id", "account__currency")
        .order_by("pk")
    )
    for pk, cur, account_id, account_cur in rows.iterator(chunk_size=500):
        yield f"posting {pk} is in {cur} on account {account_id}, which is in {account_cur}"


def _balance_mismatches() -> Iterator[str]:
    rows = (
        LedgerAccount.objects.annotate(posted=Coalesce(Sum("postings__amount_minor"), 0))
        .exclude(balance_minor=F("posted"))
        .order_by("pk")
        .values_list("pk", "balance_minor", "posted")
    )
    for pk, balance, posted in rows.iterator(chunk_size=500):
        yield f"account {pk} holds {balance} but its postings sum to {posted}"
