"""Helpers for the commission and payout tests: a creator, a tap on a product at a chosen
time, and the ledger's balances for a payee."""

from __future__ import annotations

from datetime import datetime

from creators.models import Creator, ProductTap, TapSource
from marketplace.ledger.checks import ledger_breaks
from marketplace.ledger.models import OwnerType
from marketplace.ledger.selectors import owner_balances
from tests.factories import UserFactory


def make_creator(market, handle="casey") -> Creator:
    user = UserFactory(username=f"{handle}-user", market=market)
    return Creator.objects.create(
        user=user, handle=handle, display_name=handle.title(), market=market
    )


def tap(creator: Creator, buyer, product, *, at: datetime | None = None, source=TapSource.VIDEO):
    t = ProductTap.objects.create(user=buyer, creator=creator, product=product, source=source)
    if at is not None:
        ProductTap.objects.filter(pk=t.pk).update(created_at=at)
        t.refresh_from_db()
    return t


def creator_balance(creator: Creator, kind: str, currency: str = "USD") -> int:
    return owner_balances(owner_type=OwnerType.CREATOR, owner_id=creator.pk).get(
        (kind, currency), 0
    )


def seller_balance(seller_id: int, kind: str, currency: str = "USD") -> int:
    return owner_balances(owner_type=OwnerType.SELLER, owner_id=seller_id).get((kind, currency), 0)


def assert_ledger_ok() -> None:
    breaks = list(ledger_breaks())
    assert breaks == [], breaks[:3]
