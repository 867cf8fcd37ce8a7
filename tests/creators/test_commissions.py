"""Commissions: last-click attribution inside 14 days, no self-referral, the rate in force
(open or targeted, cuts 30 days late) kept on the commission, refunds reducing it pro rata,
cancellation voiding it, and release once the return window has closed with no return."""

from datetime import timedelta

import pytest
from django.utils import timezone

from creators.models import Commission, CommissionPlan, CommissionStatus
from creators.services.commissions import commissions_release
from creators.services.plans import (
    plan_offer,
    plan_rate_change,
    plan_respond,
    plan_withdraw,
    targeted_rates,
)
from marketplace.ledger.models import AccountKind
from marketplace.money import percent_of
from shop.models import ReturnRequest
from shop.services.cancellation import order_cancel
from shop.services.refunds import order_refund
from tests.creators.money_support import (
    assert_ledger_ok,
    creator_balance,
    make_creator,
    seller_balance,
    tap,
)
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def variant(us):
    v = make_variant(us, price=2000)
    v.product.commission_rate_bp = 1000  # 10 %
    v.product.save()
    return v


def test_last_tap_inside_the_window_wins(us, variant):
    first, second = make_creator(us, "first"), make_creator(us, "second")
    buyer = buyer_in(us)
    now = timezone.now()
    tap(first, buyer, variant.product, at=now - timedelta(days=3))
    tap(second, buyer, variant.product, at=now - timedelta(days=1))
    (order,) = place_paid(buyer, us, [(variant, 2)])
    c = Commission.objects.get()
    assert (c.creator, c.rate_bp, c.plan) == (second, 1000, CommissionPlan.OPEN)
    assert c.gross_minor == 4000 and c.amount_minor == 400
    assert c.status == CommissionStatus.PENDING and c.order == order
    assert creator_balance(second, AccountKind.CREATOR_PENDING) == 400
    fee = percent_of(4000, us.referral_fee_bp)
    expected_seller = 4000 - fee - 400 + order.shipping_minor
    assert seller_balance(order.seller_id, AccountKind.SELLER_PENDING) == expected_seller
    assert_ledger_ok()


@pytest.mark.parametrize(("days", "earns"), [(13.99, True), (14.01, False)])
def test_window_edges(us, variant, days, earns):
    creator, buyer = make_creator(us), buyer_in(us)
    tap(creator, buyer, variant.product, at=timezone.now() - timedelta(days=days))
    place_paid(buyer, us, [(variant, 1)])
    assert Commission.objects.exists() is earns


def test_no_tap_no_commission_and_taps_are_per_product(us, variant):
    other = make_variant(us, price=500)
    creator, buyer = make_creator(us), buyer_in(us)
    tap(creator, buyer, other.product)  # tapped another product
    place_paid(buyer, us, [(variant, 1)])
    assert not Commission.objects.exists()
    assert_ledger_ok()


def test_a_creators_own_purchase_earns_nothing(us, variant):
    creator = make_creator(us)
    tap(creator, creator.user, variant.product)
    place_paid(creator.user, us, [(variant, 1)])
    assert not Commission.objects.exists()


def test_targeted_plan_overrides_the_open_rate_once_accepted(us, variant):
    creator, other, buyer = make_creator(us), make_creator(us, "other"), buyer_in(us)
    plan = plan_offer(
        seller=variant.product.seller, creator=creator, products=[variant.product], rate_bp=2500
    )
    tap(creator, buyer, variant.product)
    place_paid(buyer, us, [(variant, 1)], key="before-accept")
    assert Commission.objects.get().rate_bp == 1000  # only an offer: the open rate
    plan_respond(plan_id=plan.pk, creator=creator, accept=True)
    tap(creator, buyer, variant.product)
    place_paid(buyer, us, [(variant, 1)], key="after-accept")
    latest = Commission.objects.latest("pk")
    assert (latest.rate_bp, latest.plan, latest.amount_minor) == (2500, "targeted", 500)
    # The plan is for that creator only.
    tap(other, buyer, variant.product)
    place_paid(buyer, us, [(variant, 1)], key="other-creator")
    assert Commission.objects.latest("pk").rate_bp == 1000
    assert_ledger_ok()


def test_a_lowered_targeted_rate_waits_30_days_a_raise_does_not(us, variant):
    creator = make_creator(us)
    seller = variant.product.seller
    plan = plan_offer(seller=seller, creator=creator, products=[variant.product], rate_bp=2000)
    plan_respond(plan_id=plan.pk, creator=creator, accept=True)
    now = timezone.now()
    plan = plan_rate_change(plan_id=plan.pk, seller=seller, rate_bp=500, now=now)
    assert plan.rate_at(now + timedelta(days=29, hours=23)) == 2000
    assert plan.rate_at(now + timedelta(days=30)) == 500
    plan = plan_rate_change(plan_id=plan.pk, seller=seller, rate_bp=3000, now=now)
    assert plan.rate_at(now) == 3000 and plan.rate_next_bp is None


def test_partial_refund_reduces_pro_rata_full_refund_reverses(us, variant):
    creator, buyer = make_creator(us), buyer_in(us)
    tap(creator, buyer, variant.product)
    (order,) = place_paid(buyer, us, [(variant, 3)])  # 6000 gross, 600 commission
    line = order.lines.get()
    ship_and_deliver(order)
    with orders_support.committed():
        order_refund(order_id=order.pk, lines={line.pk: 1}, reason="one broke")
    c = Commission.objects.get()
    assert (c.reversed_minor, c.net_minor, c.status) == (200, 400, CommissionStatus.PENDING)
    assert creator_balance(creator, AccountKind.CREATOR_PENDING) == 400
    assert_ledger_ok()
    with orders_support.committed():
        order_refund(order_id=order.pk, full=True, reason="all")
    c.refresh_from_db()
    assert (c.net_minor, c.status) == (0, CommissionStatus.REVERSED)
    assert creator_balance(creator, AccountKind.CREATOR_PENDING) == 0
    assert seller_balance(order.seller_id, AccountKind.SELLER_PENDING) == 0
    assert_ledger_ok()


def test_cancellation_voids_the_commission(us, variant):
    creator, buyer = make_creator(us), buyer_in(us)
    tap(creator, buyer, variant.product)
    (order,) = place_paid(buyer, us, [(variant, 1)])
    with orders_support.committed():
        order_cancel(order_id=order.pk, actor=buyer)
    c = Commission.objects.get()
    assert (c.status, c.net_minor) == (CommissionStatus.VOIDED, 0)
    assert_ledger_ok()


def test_release_after_the_return_window_and_not_while_a_return_is_open(us, variant):
    creator, buyer = make_creator(us), buyer_in(us)
    tap(creator, buyer, variant.product)
    (order,) = place_paid(buyer, us, [(variant, 1)])
    delivered = timezone.now() - timedelta(days=40)
    ship_and_deliver(order, now=delivered)
    window = timedelta(days=us.return_window_days)
    assert commissions_release(as_of=delivered + window - timedelta(seconds=1)) == 0
    now = timezone.now()
    ret = ReturnRequest.objects.create(
        order=order, reason="damaged", requested_at=now, respond_by=now + timedelta(days=2)
    )
    assert commissions_release(as_of=delivered + window) == 0
    ReturnRequest.objects.filter(pk=ret.pk).update(status="rejected")
    assert commissions_release(as_of=delivered + window) == 1
    assert commissions_release(as_of=delivered + window) == 0  # rerun: nothing twice
    c = Commission.objects.get()
    assert c.status == CommissionStatus.AVAILABLE
    assert creator_balance(creator, AccountKind.CREATOR_PENDING) == 0
    assert creator_balance(creator, AccountKind.CREATOR_AVAILABLE) == 200
    assert_ledger_ok()


def test_jpy_commission_is_whole_yen(markets):
    jp = markets["JP"]
    v = make_variant(jp, price=1333)
    v.product.commission_rate_bp = 750
    v.product.save()
    creator, buyer = make_creator(jp), buyer_in(jp)
    tap(creator, buyer, v.product)
    place_paid(buyer, jp, [(v, 1)])
    c = Commission.objects.get()
    assert c.amount_minor == percent_of(1333, 750) == 100  # 99.975 rounds half up
    assert creator_balance(creator, AccountKind.CREATOR_PENDING, "JPY") == 100
    assert_ledger_ok()


def test_withdrawing_an_accepted_plan_is_a_cut_with_30_days_notice(us, variant):
    creator, seller = make_creator(us), variant.product.seller
    plan = plan_offer(seller=seller, creator=creator, products=[variant.product], rate_bp=3000)
    plan_respond(plan_id=plan.pk, creator=creator, accept=True)
    plan = plan_withdraw(plan_id=plan.pk, seller=seller)
    now = timezone.now()

    def rate(at):
        return targeted_rates(
            seller_id=seller.pk, creator_ids={creator.pk}, product_ids={variant.product_id}, at=at
        ).get((creator.pk, variant.product_id))

    assert rate(now) == 3000
    assert rate(now + timedelta(days=29, hours=23)) == 3000
    assert rate(now + timedelta(days=30, minutes=1)) is None  # the open rate again
    # A new, lower plan accepted meanwhile cannot undercut the notice.
    new = plan_offer(seller=seller, creator=creator, products=[variant.product], rate_bp=1000)
    plan_respond(plan_id=new.pk, creator=creator, accept=True)
    assert rate(timezone.now()) == 3000
    assert rate(now + timedelta(days=31)) == 1000
