"""The staff's money screens: the read-only ledger browser, payouts (approve, retry, this
week's run, statements), commissions and plans, and the weekly summary whose numbers
match what was sold, in a pinned number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import Commission, TargetedPlan
from creators.services.commissions import settlement_run
from creators.services.plans import plan_offer
from marketplace.admin import ledger_weekly_summary
from marketplace.ledger.models import LedgerEntry
from marketplace.money import percent_of
from shop.models import Payout, PayoutStatus
from shop.services.ledger import share_reversed
from shop.services.payouts import payouts_build
from shop.services.refunds import order_refund
from tests.creators.money_support import assert_ledger_ok, make_creator, tap
from tests.factories import UserFactory
from tests.shop import orders_support
from tests.shop.orders_support import (
    buyer_in,
    committed,
    make_variant,
    place_paid,
    ship_and_deliver,
)

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def staff(client):
    admin_user = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    return client


@pytest.fixture
def sales(markets):
    """Two US sales driven by a creator (10 %), one refunded in part; one JP sale."""
    us, jp = markets["US"], markets["JP"]
    casey = make_creator(us, "casey")
    variant = make_variant(us, price=5000)
    variant.product.commission_rate_bp = 1000
    variant.product.save()
    buyer = buyer_in(us)
    tap(casey, buyer, variant.product)
    (first,) = place_paid(buyer, us, [(variant, 1)], key="a")
    (second,) = place_paid(buyer, us, [(variant, 2)], key="b")
    ship_and_deliver(second)
    with committed():
        order_refund(order_id=second.pk, amount=2500, reason="Dented")
    jp_variant = make_variant(jp, price=1200)
    (third,) = place_paid(buyer_in(jp, "kenji"), jp, [(jp_variant, 1)], key="c")
    return casey, first, second, third


def test_summary_numbers(sales, markets):
    _casey, first, second, third = sales
    us_fee = markets["US"].referral_fee_bp
    rows = {r["currency"]: r for r in ledger_weekly_summary()}
    usd = rows["USD"]
    assert usd["gmv"] == first.total_minor + second.total_minor
    assert usd["refunds"] == 2500 and usd["orders"] == 2
    # Part of the 25.00 refunded went to shipping: the line's share is what the fee and
    # the commission give back, pro rata.
    refunded = second.lines.get().refunded_minor
    assert 0 < refunded < 2500
    fee_back = share_reversed(percent_of(10000, us_fee), gross=10000, refunded=refunded)
    assert usd["fees"] == percent_of(5000, us_fee) + percent_of(10000, us_fee) - fee_back
    # 10 % of 5000 and of 10000, less the refunded part of the second.
    assert usd["commissions"] == 500 + 1000 - share_reversed(1000, gross=10000, refunded=refunded)
    assert usd["markets"] == "US"
    jpy = rows["JPY"]
    assert (jpy["gmv"], jpy["commissions"], jpy["orders"]) == (third.total_minor, 0, 1)
    assert jpy["fees"] == percent_of(1200, markets["JP"].referral_fee_bp)
    assert_ledger_ok()


def test_summary_page_query_count_is_pinned(staff, sales, django_assert_max_num_queries):
    url = reverse("admin:ledger_summary")
    staff.get(url)
    with django_assert_max_num_queries(6):
        response = staff.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "Creator commissions" in page and "JPY" in page


def test_ledger_is_read_only_and_searchable_by_order(staff, sales):
    _casey, first, second, _third = sales
    changelist = reverse("admin:marketplace_ledgerentry_changelist")
    response = staff.get(changelist, {"q": str(second.pk)})
    kinds = {e.kind for e in response.context["cl"].result_list}
    assert kinds == {"order.captured", "order.refunded", "commission.accrued",
                     "commission.reversed"}  # fmt: skip
    entry = LedgerEntry.objects.get(kind="order.captured", key=f"order.captured:{first.pk}")
    page = staff.get(reverse("admin:marketplace_ledgerentry_change", args=[entry.pk]))
    assert page.status_code == 200 and "+$" in page.content.decode()
    assert staff.get(reverse("admin:marketplace_ledgerentry_add")).status_code == 403
    assert (
        staff.post(reverse("admin:marketplace_ledgerentry_delete", args=[entry.pk])).status_code
        == 403
    )
    for params in ({"kind": "order.refunded"}, {"currency": "JPY"}, {"owner_type": "creator"}):
        assert staff.get(changelist, params).status_code == 200
    jpy = staff.get(changelist, {"currency": "JPY"}).context["cl"].result_list
    assert {e.kind for e in jpy} == {"order.captured"}
    accounts = staff.get(
        reverse("admin:marketplace_ledgeraccount_changelist"), {"owner_type": "creator"}
    )
    assert accounts.status_code == 200 and len(accounts.context["cl"].result_list) == 1


def _due(markets, *, destination=""):
    us = markets["US"]
    casey = make_creator(us, "casey")
    casey.payout_destination = destination
    casey.save()
    variant = make_variant(us, price=20000)
    variant.product.commission_rate_bp = 1000
    variant.product.save()
    buyer = buyer_in(us)
    tap(casey, buyer, variant.product)
    (order,) = place_paid(buyer, us, [(variant, 1)])
    ship_and_deliver(order, now=timezone.now() - timedelta(days=40))
    settlement_run()
    return casey


def test_run_this_weeks_payouts_once(staff, markets):
    _due(markets)
    url = reverse("admin:shop_payout_run")
    assert staff.get(url).status_code == 405
    with committed():
        response = staff.post(url, follow=True)
    assert "2 payout(s) created" in response.content.decode()  # the creator and the seller
    assert set(Payout.objects.values_list("status", flat=True)) == {PayoutStatus.PAID}
    again = staff.post(url, follow=True)
    assert "No new payout" in again.content.decode() and Payout.objects.count() == 2
    page = staff.get(reverse("admin:shop_payout_changelist"))
    assert "Run this week" in page.content.decode()
    assert_ledger_ok()


def test_approve_sends_a_payout_awaiting_review(staff, markets):
    markets["US"].payout_review_minor = 1000
    markets["US"].save()
    casey = _due(markets)
    payouts_build(send=False)
    review = Payout.objects.get(payee_type="creator")
    assert review.status == PayoutStatus.REVIEW
    changelist = reverse("admin:shop_payout_changelist")
    with committed():
        staff.post(changelist, {"action": "approve", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert review.status == PayoutStatus.PAID and review.approved_by.username == "ada"
    assert Commission.objects.get(creator=casey).status == "paid"
    assert_ledger_ok()


def test_retry_a_failed_payout(staff, markets):
    casey = _due(markets, destination="fail-closed")
    with committed():
        payouts_build()
    failed = Payout.objects.get(payee_type="creator")
    assert failed.status == PayoutStatus.FAILED
    casey.payout_destination = "acct_new"
    casey.save()
    changelist = reverse("admin:shop_payout_changelist")
    with committed():
        response = staff.post(
            changelist, {"action": "retry", "_selected_action": [failed.pk]}, follow=True
        )
    failed.refresh_from_db()
    assert failed.status == PayoutStatus.PAID and failed.round == 2
    assert "1 payout(s) on their way" in response.content.decode()
    # Retrying a paid payout does nothing and says so.
    response = staff.post(
        changelist, {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert "not in a state for this" in response.content.decode()
    assert_ledger_ok()


def test_statement_link_and_read_only_payout(staff, markets):
    _due(markets)
    with committed():
        payouts_build()
    payout = Payout.objects.get(payee_type="seller")
    csv = staff.get(reverse("admin:shop_payout_statement", args=[payout.pk]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "Total paid" in csv.content.decode()
    page = staff.get(reverse("admin:shop_payout_change", args=[payout.pk]))
    assert page.status_code == 200 and "statement.csv" in page.content.decode()
    assert 'name="amount_minor"' not in page.content.decode()
    assert staff.get(reverse("admin:shop_payout_add")).status_code == 403


def test_payout_changelist_queries_do_not_grow(staff, markets, django_assert_max_num_queries):
    _due(markets)
    payouts_build()
    url = reverse("admin:shop_payout_changelist")
    staff.get(url)
    with django_assert_max_num_queries(12):
        assert staff.get(url).status_code == 200


def test_commission_and_plan_admin(staff, sales, markets):
    casey, *_ = sales
    from tests.factories import ProductFactory, SellerFactory

    seller = SellerFactory(market=markets["US"], slug="glow")
    plan = plan_offer(
        seller=seller, creator=casey, products=[ProductFactory(seller=seller)], rate_bp=2000
    )
    commission = Commission.objects.first()
    for name, args in [
        ("admin:creators_commission_changelist", []),
        ("admin:creators_commission_change", [commission.pk]),
        ("admin:creators_targetedplan_changelist", []),
        ("admin:creators_targetedplan_change", [plan.pk]),
    ]:
        response = staff.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = staff.get(reverse("admin:creators_commission_change", args=[commission.pk]))
    assert 'name="amount_minor"' not in page.content.decode()
    assert staff.get(reverse("admin:creators_commission_add")).status_code == 403
    staff.post(
        reverse("admin:creators_targetedplan_changelist"),
        {"action": "withdraw", "_selected_action": [plan.pk]},
    )
    plan.refresh_from_db()
    assert plan.status == "withdrawn" and TargetedPlan.objects.count() == 1


def test_staff_who_may_only_view_payouts_cannot_approve_or_retry(client, markets):
    from django.contrib.auth.models import Permission

    markets["US"].payout_review_minor = 1000
    markets["US"].save()
    _due(markets)
    payouts_build(send=False)
    review = Payout.objects.get(payee_type="creator")
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_payout"))
    client.force_login(viewer)
    changelist = reverse("admin:shop_payout_changelist")
    assert client.get(changelist).status_code == 200
    with committed():
        client.post(changelist, {"action": "approve", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert review.status == PayoutStatus.REVIEW and review.approved_by is None
