"""Posting to the ledger: ``entry_post`` is the only writer.

Locking precondition: call inside the transaction of the change the entry records. The
accounts an entry touches are locked in primary-key order (two entries touching the
same accounts never deadlock), then their balances move in one UPDATE.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When

from .models import AccountKind, LedgerAccount, LedgerEntry, LedgerPosting, OwnerType


class UnbalancedEntry(ValueError):
    code = "ledger_unbalanced"


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount: int  # debit positive, credit negative
    order_id: int | None = None
    order_line_id: int | None = None


AccountKey = tuple[str, str, str, int]  # kind, currency, owner type, owner id


def account_key(
    kind: str, currency: str, owner_type: str = OwnerType.PLATFORM, owner_id: int = 0
) -> AccountKey:
    return (str(kind), currency, str(owner_type), int(owner_id))


def accounts_get(keys: Iterable[AccountKey]) -> dict[AccountKey, LedgerAccount]:
    """The accounts for ``keys``, created when missing (two queries for any number)."""
    wanted = set(keys)
    if not wanted:
        return {}
    found = _accounts_query(wanted)
    missing = wanted - found.keys()
    if missing:
        LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(kind=k, currency=c, owner_type=t, owner_id=i)
                for k, c, t, i in sorted(missing)
            ],
            ignore_conflicts=True,  # a parallel transaction may create the same account
        )
        found |= _accounts_query(missing)
    return found


def _accounts_query(keys: set[AccountKey]) -> dict[AccountKey, LedgerAccount]:
    from django.db.models import Q

    q = Q()
    by_owner: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for kind, cur, owner_type, owner_id in keys:
        by_owner[(kind, cur, owner_type)].append(owner_id)
    for (kind, cur, owner_type), ids in by_owner.items():
        q |= Q(kind=kind, currency=cur, owner_type=owner_type, owner_id__in=ids)
    return {
        account_key(a.kind, a.currency, a.owner_type, a.owner_id): a
        for a in LedgerAccount.objects.filter(q)
    }


def account_get(
    kind: str, currency: str, owner_type: str = OwnerType.PLATFORM, owner_id: int = 0
) -> LedgerAccount:
    key = account_key(kind, currency, owner_type, owner_id)
    return accounts_get([key])[key]


def platform_account(kind: AccountKind, currency: str) -> LedgerAccount:
    return account_get(kind, currency)


def entry_post(*, key: str, kind: str, legs: list[Leg], memo: str = "") -> LedgerEntry | None:
    """Write one balanced entry and move the balances. Idempotent by ``key``: posting a key
    again returns None and moves nothing. Legs of zero are dropped; an entry with no legs
    left is not written (returns None)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("entry_post must run inside the transaction of the change")
    legs = [leg for leg in legs if leg.amount]
    if not legs:
        return None
    sums: dict[str, int] = defaultdict(int)
    for leg in legs:
        if not isinstance(leg.amount, int):
            raise TypeError("ledger amounts are integers (minor units)")
        sums[leg.account.currency] += leg.amount
    off = {cur: s for cur, s in sums.items() if s}
    if off:
        raise UnbalancedEntry(f"entry {key!r} does not balance: {off}")
    deltas: dict[int, int] = defaultdict(int)
    for leg in legs:
        deltas[leg.account.pk] += leg.amount
    # Lock the accounts before the entry exists: entries then get their ids and times in
    # the order their balances move (a payout's statement can trust that order).
    ids = sorted(pk for pk, d in deltas.items() if d)
    _accounts_lock(ids)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(key=key, kind=kind, memo=memo[:300])
    except IntegrityError:
        return None  # posted before: a retry or a duplicated task
    LedgerPosting.objects.bulk_create(
        [
            LedgerPosting(
                entry=entry,
                account=leg.account,
                amount_minor=leg.amount,
                currency=leg.account.currency,
                order_id=leg.order_id,
                order_line_id=leg.order_line_id,
            )
            for leg in legs
        ],
        batch_size=2000,
    )
    _balances_move(ids, deltas)
    return entry


def _accounts_lock(ids: list[int]) -> None:
    """Row locks in primary-key order (an UPDATE ... IN would lock in scan order)."""
    for start in range(0, len(ids), 1000):
        list(
            LedgerAccount.objects.select_for_update()
            .filter(pk__in=ids[start : start + 1000])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _balances_move(ids: list[int], deltas: dict[int, int]) -> None:
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        LedgerAccount.objects.filter(pk__in=chunk).update(
            balance_minor=F("balance_minor")
            + Case(*[When(pk=pk, then=Value(deltas[pk])) for pk in chunk], default=Value(0))
        )
