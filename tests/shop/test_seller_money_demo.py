"""The money part of ``load_demo``: the demo creator's commissions in every state, the
demo shop's settled balance, orders waiting for settlement and payouts, a targeted offer
waiting for the creator; the ledger checks out, and a second run writes nothing."""

import pytest

from creators.models import Commission, PlanStatus, TargetedPlan
from marketplace.ledger.models import AccountKind
from shop.models import Order, Payout, PayoutStatus, Seller
from tests.creators.money_support import assert_ledger_ok, seller_balance
from tests.marketplace.test_demo import load  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _money() -> dict:
    return {
        "commissions": sorted(Commission.objects.values_list("pk", "status", "reversed_minor")),
        "payouts": sorted(Payout.objects.values_list("pk", "status", "amount_minor")),
        "orders": sorted(Order.objects.values_list("pk", "status", "settled_at")),
        "plans": sorted(TargetedPlan.objects.values_list("pk", "status", "rate_bp")),
    }


def test_demo_money_in_every_state_and_idempotent(load):  # noqa: F811
    load()
    statuses = set(
        Commission.objects.filter(creator__user__username="creator").values_list(
            "status", flat=True
        )
    )
    assert statuses == {"pending", "available", "paid", "reversed"}
    paid = Commission.objects.filter(status="paid")
    assert paid.exists() and not paid.filter(payout__isnull=True).exists()
    assert not Commission.objects.filter(status="available", payout__isnull=False).exists()
    glow = Seller.objects.get(owner__username="seller")
    assert Payout.objects.filter(payee_type="seller", payee_id=glow.pk, status="paid").exists()
    assert Payout.objects.filter(payee_type="creator", status=PayoutStatus.PAID).exists()
    assert seller_balance(glow.pk, AccountKind.SELLER_AVAILABLE) > 0
    assert seller_balance(glow.pk, AccountKind.SELLER_PENDING) > 0
    waiting = Order.objects.filter(seller=glow, settled_at__isnull=True, delivered_at__isnull=False)
    assert waiting.exists()
    plan = TargetedPlan.objects.get(seller=glow, creator__user__username="creator")
    assert plan.status == PlanStatus.OFFERED
    assert_ledger_ok()

    before = _money()
    assert "nothing to write" in load()
    assert _money() == before
