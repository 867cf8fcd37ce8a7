"""The kernel ledger: entries balance per currency or are refused, keys make posting
idempotent, balances follow the postings, and ledger_check names the first break."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from marketplace.ledger.checks import ledger_breaks
from marketplace.ledger.models import AccountKind, LedgerAccount, LedgerEntry, OwnerType
from marketplace.ledger.services import Leg, UnbalancedEntry, account_get, entry_post

pytestmark = pytest.mark.django_db


def _accounts(cur="USD"):
    cash = account_get(AccountKind.PLATFORM_CASH, cur)
    seller = account_get(AccountKind.SELLER_PENDING, cur, OwnerType.SELLER, 7)
    return cash, seller


def test_balanced_entry_moves_balances_and_is_idempotent():
    cash, seller = _accounts()
    with transaction.atomic():
        first = entry_post(key="k", kind="test", legs=[Leg(cash, 1000), Leg(seller, -1000)])
        again = entry_post(key="k", kind="test", legs=[Leg(cash, 1000), Leg(seller, -1000)])
    assert first is not None and again is None
    cash.refresh_from_db()
    seller.refresh_from_db()
    assert (cash.balance_minor, cash.balance) == (1000, 1000)
    assert (seller.balance_minor, seller.balance) == (-1000, 1000)  # owed to the seller
    assert LedgerEntry.objects.count() == 1
    assert list(ledger_breaks()) == []


def test_unbalanced_entry_is_refused_and_writes_nothing():
    cash, seller = _accounts()
    jpy = account_get(AccountKind.PLATFORM_CASH, "JPY")
    with pytest.raises(UnbalancedEntry), transaction.atomic():
        entry_post(key="bad", kind="test", legs=[Leg(cash, 1000), Leg(seller, -999)])
    with pytest.raises(UnbalancedEntry), transaction.atomic():
        # Sums to zero overall, but not per currency.
        entry_post(key="mixed", kind="test", legs=[Leg(cash, 1000), Leg(jpy, -1000)])
    assert not LedgerEntry.objects.exists()
    assert set(LedgerAccount.objects.values_list("balance_minor", flat=True)) == {0}


@pytest.mark.django_db(transaction=True)
def test_posting_outside_a_transaction_is_refused():
    cash, seller = _accounts()
    with pytest.raises(RuntimeError):
        entry_post(key="k", kind="test", legs=[Leg(cash, 1), Leg(seller, -1)])


def test_ledger_check_names_the_first_break():
    cash, seller = _accounts()
    with transaction.atomic():
        entry_post(key="k", kind="test", legs=[Leg(cash, 500), Leg(seller, -500)])
    call_command("ledger_check")  # passes
    LedgerAccount.objects.filter(pk=seller.pk).update(balance_minor=-499)
    with pytest.raises(
        CommandError, match=f"account {seller.pk} holds -499 but its postings sum to -500"
    ):
        call_command("ledger_check")
    LedgerAccount.objects.filter(pk=seller.pk).update(balance_minor=-500)
    entry = LedgerEntry.objects.get()
    entry.postings.filter(account=cash).update(amount_minor=501)
    LedgerAccount.objects.filter(pk=cash.pk).update(balance_minor=501)
    with pytest.raises(CommandError, match=f"entry {entry.pk} does not balance in USD"):
        call_command("ledger_check")
