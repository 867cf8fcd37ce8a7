"""Property: random sequences of orders (1–3 lines, odd prices, some lines driven by a
creator's tap), deliveries, partial refunds (by units or by amount), full refunds,
cancellations, settlement runs and weekly payouts, in USD and in JPY, keep every ledger
invariant after every step, and the money adds up to the unit:

- ``ledger_breaks()`` is empty;
- per order, creator + seller + platform shares (platform = fees minus refunded fees)
  equal what the buyer paid minus refunds;
- per line, the platform keeps its fee and the creator their commission in proportion to
  what was not refunded, rounded down (``fee * (gross - refunded) // gross``), computed
  here independently, and the seller's share of the line never goes below zero;
- per currency, platform cash = paid - refunded - payouts paid;
- per creator, what their accounts hold plus what payouts took equals their net
  commissions.

Each example runs in a savepoint rolled back at its end.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from creators.models import Commission, CommissionStatus
from creators.services.commissions import settlement_run
from marketplace.ledger.checks import ledger_breaks
from marketplace.ledger.models import AccountKind, LedgerAccount, LedgerPosting, OwnerType
from marketplace.money import percent_of
from shop.models import Order, OrderLine, Payout, PayoutStatus, Seller
from shop.services.cancellation import order_cancel
from shop.services.payouts import payout_retry, payouts_build
from shop.services.refunds import NothingToRefund, order_refund
from tests.creators.money_support import make_creator, tap
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, committed, make_variant, place_paid

markets = orders_support.markets

KEYS = itertools.count()
CREATOR_KINDS = (AccountKind.CREATOR_PENDING, AccountKind.CREATOR_AVAILABLE)
SELLER_KINDS = (AccountKind.SELLER_PENDING, AccountKind.SELLER_AVAILABLE)
PLATFORM_KINDS = (AccountKind.PLATFORM_FEES, AccountKind.REFUNDS)
REFUNDABLE = ("paid", "delivered", "partially_refunded")
PARTIAL = ("delivered", "partially_refunded")

# Tiny, odd and large prices; JPY has no minor unit, so its prices are whole yen.
PRICES = {
    "US": st.one_of(st.integers(1, 99), st.integers(100, 40_000)),
    "JP": st.one_of(st.integers(1, 999), st.integers(1_000, 300_000)),
}


def line_specs(market: str):
    return st.lists(
        st.tuples(
            PRICES[market],
            st.integers(1, 3),  # quantity
            st.integers(100, 8000),  # open-plan rate, 1–80 %
            st.integers(0, 2),  # seller
            st.one_of(st.none(), st.integers(0, 1)),  # creator whose video was tapped
        ),
        min_size=1,
        max_size=3,
    )


def _pick(items: list, index: int):
    return items[index % len(items)]


class MoneyMachine(RuleBasedStateMachine):
    world: dict = {}

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = timezone.now()
        self.orders: list[int] = []
        self.refunded: dict[int, int] = defaultdict(int)  # order id → refunded, per the calls
        self.driven: dict[int, int] = {}  # variant id → creator id whose tap drove it
        self.paid: dict[str, int] = defaultdict(int)  # currency → what buyers paid

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        cache.clear()

    # Helpers

    def _orders(self, statuses) -> list[Order]:
        return list(Order.objects.filter(pk__in=self.orders, status__in=statuses).order_by("pk"))

    def _refund(self, order: Order, **how) -> None:
        with committed():
            refund = order_refund(order_id=order.pk, reason="property", **how)
        self.refunded[order.pk] += refund.amount_minor

    # Rules

    @rule(data=st.data(), market=st.sampled_from(["US", "JP"]), buyer=st.integers(0, 1))
    def place_order(self, data, market, buyer):
        w = self.world
        m, shopper = w["markets"][market], w["buyers"][market][buyer]
        lines = []
        for price, quantity, rate, seller, creator in data.draw(line_specs(market)):
            v = make_variant(m, seller=w["sellers"][market][seller], price=price, stock=50)
            v.product.commission_rate_bp = rate
            v.product.save(update_fields=["commission_rate_bp"])
            if creator is not None:
                tap(w["creators"][market][creator], shopper, v.product)
                self.driven[v.pk] = w["creators"][market][creator].pk
            lines.append((v, quantity))
        placed = place_paid(shopper, m, lines, key=f"prop-{next(KEYS)}")
        assert placed and all(o.paid_at is not None for o in placed)
        asked = {v.pk: v.price_minor * q for v, q in lines}
        for order in placed:
            gross = dict(order.lines.values_list("variant_id", "gross_minor"))
            assert all(asked[vid] == g for vid, g in gross.items())
            assert order.total_minor == sum(gross.values()) + order.shipping_minor
            self.orders.append(order.pk)
            self.paid[order.currency] += order.total_minor

    @rule(pick=st.integers(0, 10**6))
    def ship_and_deliver(self, pick):
        orders = self._orders(["paid"])
        if orders:
            orders_support.ship_and_deliver(_pick(orders, pick), now=self.now)

    @rule(pick=st.integers(0, 10**6), data=st.data())
    def refund_units(self, pick, data):
        orders = self._orders(PARTIAL)
        if not orders:
            return
        order = _pick(orders, pick)
        left = {
            pk: q - rq
            for pk, q, rq in order.lines.values_list("pk", "quantity", "refunded_quantity")
            if q > rq
        }
        if not left:
            return
        chosen = data.draw(st.lists(st.sampled_from(sorted(left)), min_size=1, unique=True))
        lines = {pk: data.draw(st.integers(1, left[pk])) for pk in chosen}
        # NothingToRefund: those units' money already went back in an amount refund.
        with contextlib.suppress(NothingToRefund):
            self._refund(order, lines=lines)

    @rule(pick=st.integers(0, 10**6), data=st.data())
    def refund_amount(self, pick, data):
        orders = self._orders(PARTIAL)
        if orders:
            order = _pick(orders, pick)
            left = order.total_minor - order.refunded_minor
            self._refund(order, amount=data.draw(st.integers(1, left)))

    @rule(pick=st.integers(0, 10**6))
    def refund_everything(self, pick):
        orders = self._orders(REFUNDABLE)
        if orders:
            self._refund(_pick(orders, pick), full=True)

    @rule(pick=st.integers(0, 10**6))
    def cancel(self, pick):
        orders = self._orders(["paid"])
        if orders:
            order = _pick(orders, pick)
            before = order.refunded_minor
            with committed():
                order = order_cancel(order_id=order.pk, actor=order.buyer)
            assert order.status == "cancelled" and order.refunded_minor == order.total_minor
            self.refunded[order.pk] += order.refunded_minor - before

    @rule(days=st.integers(0, 12), hours=st.integers(0, 23))
    def time_passes(self, days, hours):
        self.now += timedelta(days=days, hours=hours)

    @rule()
    def settle(self):
        settlement_run(as_of=self.now)

    @rule()
    def pay_out(self):
        with committed():
            payouts_build(as_of=self.now.date())

    @precondition(lambda self: Payout.objects.filter(status=PayoutStatus.FAILED).exists())
    @rule(pick=st.integers(0, 10**6))
    def retry_failed_payout(self, pick):
        payout = _pick(list(Payout.objects.filter(status=PayoutStatus.FAILED).order_by("pk")), pick)
        Seller.objects.filter(pk=payout.payee_id).update(payout_destination="")
        with committed():
            payout_retry(payout_id=payout.pk)

    # Invariants, after every step

    @invariant()
    def ledger_has_no_breaks(self):
        breaks = list(ledger_breaks())
        assert breaks == [], breaks[:3]

    @invariant()
    def each_order_is_shared_out_to_the_unit(self):
        by_kind = defaultdict(int)
        for order_id, kind, total in (
            LedgerPosting.objects.filter(order_id__in=self.orders)
            .values_list("order_id", "account__kind")
            .annotate(total=Sum("amount_minor"))
        ):
            by_kind[(order_id, kind)] -= total  # credits are what a party holds
        for pk, total, refunded in Order.objects.filter(pk__in=self.orders).values_list(
            "pk", "total_minor", "refunded_minor"
        ):
            assert refunded == self.refunded[pk]
            creator = sum(by_kind[(pk, k)] for k in CREATOR_KINDS)
            seller = sum(by_kind[(pk, k)] for k in SELLER_KINDS)
            platform = by_kind[(pk, AccountKind.PLATFORM_FEES)] + by_kind[(pk, AccountKind.REFUNDS)]
            assert creator + seller + platform == total - refunded, pk

    @invariant()
    def each_line_keeps_its_fee_and_commission_less_the_refunded_share(self):
        held = defaultdict(int)
        for line_id, kind, total in (
            LedgerPosting.objects.filter(order_id__in=self.orders, order_line_id__isnull=False)
            .values_list("order_line_id", "account__kind")
            .annotate(total=Sum("amount_minor"))
        ):
            party = "creator" if kind in CREATOR_KINDS else kind
            held[(line_id, party)] -= total
        commissions = {c.order_line_id: c for c in Commission.objects.filter(order__in=self.orders)}
        for line in OrderLine.objects.filter(order__in=self.orders).select_related("order"):
            gross, refunded = line.gross_minor, line.refunded_minor
            fee = percent_of(gross, line.referral_fee_bp)
            fee_kept = fee * (gross - refunded) // gross
            platform = held[(line.pk, AccountKind.PLATFORM_FEES)]
            assert platform + held[(line.pk, AccountKind.REFUNDS)] == fee_kept, line.pk
            c = commissions.get(line.pk)
            assert (c is not None) == (line.variant_id in self.driven), line.pk
            earned = 0
            if c is not None:
                assert c.creator_id == self.driven[line.variant_id]
                assert c.amount_minor == percent_of(gross, line.commission_rate_bp)
                earned = c.amount_minor * (gross - refunded) // gross
                assert c.amount_minor - c.reversed_minor == earned, line.pk
                if refunded == gross and c.amount_minor and c.status != CommissionStatus.PAID:
                    voided = line.order.status == "cancelled"
                    assert c.status == ("voided" if voided else "reversed"), line.pk
            assert held[(line.pk, "creator")] == earned, line.pk
            seller = held[(line.pk, AccountKind.SELLER_PENDING)]
            seller += held[(line.pk, AccountKind.SELLER_AVAILABLE)]
            assert seller == gross - refunded - fee_kept - earned >= 0, line.pk

    @invariant()
    def platform_cash_is_paid_minus_refunded_minus_payouts(self):
        for cur in ("USD", "JPY"):
            refunded = sum(
                r
                for pk, r in self.refunded.items()
                if Order.objects.filter(pk=pk, currency=cur).exists()
            )
            paid_out = (
                Payout.objects.filter(currency=cur, status=PayoutStatus.PAID).aggregate(
                    s=Sum("amount_minor")
                )["s"]
                or 0
            )
            cash = LedgerAccount.objects.filter(
                kind=AccountKind.PLATFORM_CASH, currency=cur
            ).aggregate(s=Sum("balance_minor"))["s"]
            assert (cash or 0) == self.paid[cur] - refunded - paid_out, cur

    @invariant()
    def creators_hold_or_were_paid_their_net_commissions(self):
        for creators in self.world["creators"].values():
            for creator in creators:
                net = Commission.objects.filter(creator=creator).aggregate(
                    a=Sum("amount_minor"), r=Sum("reversed_minor")
                )
                held = LedgerAccount.objects.filter(
                    owner_type=OwnerType.CREATOR, owner_id=creator.pk
                ).aggregate(s=Sum("balance_minor"))["s"]
                out = Payout.objects.filter(
                    payee_type=OwnerType.CREATOR, payee_id=creator.pk
                ).exclude(status=PayoutStatus.FAILED)
                taken = out.aggregate(s=Sum("amount_minor"))["s"] or 0
                assert -(held or 0) + taken == (net["a"] or 0) - (net["r"] or 0), creator.pk


@pytest.mark.django_db
@pytest.mark.usefixtures("eager")
def test_random_money_sequences_keep_the_ledger_exact(markets):
    world = {"markets": markets, "sellers": {}, "creators": {}, "buyers": {}}
    for code in ("US", "JP"):
        m = markets[code]
        sellers = [make_variant(m, price=100).product.seller for _ in range(3)]
        # One seller's payout account is closed: their payouts fail until a retry.
        Seller.objects.filter(pk=sellers[2].pk).update(payout_destination="fail-closed")
        world["sellers"][code] = sellers
        world["creators"][code] = [make_creator(m, f"{code.lower()}{i}") for i in range(2)]
        world["buyers"][code] = [buyer_in(m, f"{code.lower()}-buyer{i}") for i in range(2)]
    MoneyMachine.world = world
    MoneyMachine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(MoneyMachine, settings=MoneyMachine.TestCase.settings)


@pytest.mark.django_db
@pytest.mark.usefixtures("eager")
def test_a_second_payout_run_in_the_week_moves_the_money_of_the_payees_it_pays(markets):
    """Regression, found while writing the machine above (its random runs had not hit it
    yet, so it is pinned here): a second run in the same week paying only a payee between
    two already paid ones reused the first run's entry key (first-last account ids), so
    its payout was made but no money left the account."""
    from shop.services.ledger import sellers_settle
    from tests.creators.money_support import assert_ledger_ok, seller_balance

    us = markets["US"]
    us.shipping_standard_minor = 0
    us.save()
    sellers = [make_variant(us, price=100).product.seller for _ in range(3)]
    now = timezone.now()

    def sold(seller, price, delivered):
        v = make_variant(us, seller=seller, price=price)
        (order,) = place_paid(buyer_in(us, f"b{next(KEYS)}"), us, [(v, 1)], key=f"r{next(KEYS)}")
        orders_support.ship_and_deliver(order, now=delivered)

    # Run 1: the outer sellers have 10.00 available, the middle one 0.47 (< 1.00).
    for seller, price in zip(sellers, (1000, 50, 1000), strict=True):
        sold(seller, price, now - timedelta(days=10))
    sellers_settle(as_of=now)
    monday = now.date() - timedelta(days=now.weekday())
    with committed():
        assert payouts_build(as_of=monday) == 2
    # Run 2, same week: all three have earned again; only the middle one is due.
    for seller in sellers:
        sold(seller, 1000, now - timedelta(days=8))
    sellers_settle(as_of=now + timedelta(seconds=1))
    with committed():
        assert payouts_build(as_of=monday + timedelta(days=2)) == 1
    middle = Payout.objects.get(payee_id=sellers[1].pk)
    assert middle.status == PayoutStatus.PAID
    assert seller_balance(sellers[1].pk, AccountKind.SELLER_AVAILABLE) == 0
    assert_ledger_ok()
