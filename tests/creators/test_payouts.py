"""Payouts: once per payee and week whatever reruns or duplicated tasks do, through the
gateway's payout transfer, a failure returning the balance, a statement per payout."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from creators.models import Commission, CommissionStatus
from creators.services.commissions import settlement_run
from marketplace.ledger.models import AccountKind
from shop.models import Payout, PayoutStatus
from shop.payments import GatewayError
from shop.payments.sandbox import SandboxGateway
from shop.services.payouts import PayoutNotRetryable, payout_retry, payout_send, payouts_build
from shop.services.payouts_support import payout_statement_csv
from shop.tasks import payout_send_task
from tests.creators.money_support import assert_ledger_ok, creator_balance, make_creator, tap
from tests.shop import orders_support
from tests.shop.orders_support import buyer_in, make_variant, place_paid, ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

MONDAY = date(2026, 11, 23)


def _earned(market, creators, *, price=20000):
    """Each creator drives one sale of ``price`` at 10 %, delivered 40 days ago, settled."""
    delivered = timezone.now() - timedelta(days=40)
    for i, creator in enumerate(creators):
        v = make_variant(market, price=price)
        v.product.commission_rate_bp = 1000
        v.product.save()
        buyer = buyer_in(market, f"buyer{i}")
        tap(creator, buyer, v.product)
        (order,) = place_paid(buyer, market, [(v, 1)], key=f"k{i}")
        ship_and_deliver(order, now=delivered)
    settlement_run()


@pytest.fixture
def transfers(monkeypatch):
    """Count the transfers that reach the sandbox processor."""
    calls = []
    real = SandboxGateway.payout_transfer

    def counting(self, **kw):
        calls.append(kw)
        return real(self, **kw)

    monkeypatch.setattr(SandboxGateway, "payout_transfer", counting)
    return calls


@pytest.fixture
def closed_account_payout(eager, markets):
    """Casey earns 20.00 but pays out to a closed account: the week's payout fails. Gives
    casey and that payout."""
    us = markets["US"]
    casey = make_creator(us)
    casey.payout_destination = "fail-closed-account"
    casey.save()
    _earned(us, [casey])
    with orders_support.committed():
        payouts_build(as_of=MONDAY)
    return casey, Payout.objects.get(payee_type="creator")


def test_weekly_batch_pays_each_payee_once(markets, transfers):
    us = markets["US"]
    casey, dana = make_creator(us, "casey"), make_creator(us, "dana")
    _earned(us, [casey, dana])
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 2000
    with orders_support.committed():
        made = payouts_build(as_of=MONDAY)
    # Two creators and two sellers were due.
    assert made == 4 and Payout.objects.filter(status=PayoutStatus.PAID).count() == 4
    with orders_support.committed():
        assert payouts_build(as_of=MONDAY + timedelta(days=3)) == 0  # same week: nobody twice
    assert len(transfers) == 4
    payout = Payout.objects.get(payee_type="creator", payee_id=casey.pk)
    assert (payout.amount_minor, payout.period_start) == (2000, MONDAY)
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 0
    c = Commission.objects.get(creator=casey)
    assert (c.status, c.payout_id) == (CommissionStatus.PAID, payout.pk)
    assert_ledger_ok()
    statement = payout_statement_csv(payout)
    assert "commission.released" in statement and "Total paid,,,,,20.00" in statement
    order = c.order
    assert f"{order.number},{c.order_line.title}," in statement
    assert statement.rstrip().endswith("200.00,10,20.00,0.00,20.00")


def test_below_the_minimum_waits(markets):
    us = markets["US"]
    casey = make_creator(us)
    _earned(us, [casey], price=5000)  # 5.00 commission < 10.00 minimum
    with orders_support.committed():
        payouts_build(as_of=MONDAY)
    assert not Payout.objects.filter(payee_type="creator").exists()
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 500


def test_a_duplicated_send_task_pays_once(markets, transfers):
    us = markets["US"]
    casey = make_creator(us)
    _earned(us, [casey])
    payouts_build(as_of=MONDAY, send=False)
    payout = Payout.objects.get(payee_type="creator")
    for _ in range(3):
        payout_send_task.delay(payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert len([t for t in transfers if t["payee"] == f"acct_creator_{casey.pk}"]) == 1
    assert_ledger_ok()


def test_a_batch_killed_midway_and_run_again_pays_nobody_twice(markets, monkeypatch):
    us = markets["US"]
    creators = [make_creator(us, f"c{i}") for i in range(3)]
    _earned(us, creators)
    from creators import payouts as creator_payouts

    real = creator_payouts.creator_payees
    calls = {"n": 0}

    def dies_on_second_chunk(ids):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real(ids)

    monkeypatch.setattr("marketplace.hooks._payee_resolvers", {"creator": dies_on_second_chunk})
    with pytest.raises(SystemExit):
        payouts_build(as_of=MONDAY, send=False, chunk=1)
    assert Payout.objects.filter(payee_type="creator").count() == 1
    monkeypatch.setattr("marketplace.hooks._payee_resolvers", {"creator": real})
    payouts_build(as_of=MONDAY, send=False, chunk=1)
    payouts_build(as_of=MONDAY, send=False, chunk=1)
    per_creator = [
        Payout.objects.filter(payee_type="creator", payee_id=c.pk).count() for c in creators
    ]
    assert per_creator == [1, 1, 1]
    assert_ledger_ok()


def test_a_refused_transfer_fails_and_returns_the_balance_then_retry_pays(closed_account_payout):
    casey, payout = closed_account_payout
    assert payout.status == PayoutStatus.FAILED and "closed" in payout.failure_reason.lower()
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 2000
    # The commission stays with its payout, still available, for a retry to send.
    assert (Commission.objects.get().payout_id, Commission.objects.get().status) == (
        payout.pk,
        CommissionStatus.AVAILABLE,
    )
    assert_ledger_ok()
    casey.payout_destination = "acct_fixed"
    casey.save()
    with orders_support.committed():
        payout_retry(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.round == 2
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 0
    assert Commission.objects.get().status == CommissionStatus.PAID
    assert_ledger_ok()


def test_an_unreachable_processor_retries_then_fails(markets, monkeypatch, settings):
    settings.PAYOUT_RETRIES = 3
    us = markets["US"]
    casey = make_creator(us)
    _earned(us, [casey])
    payouts_build(as_of=MONDAY, send=False)
    payout = Payout.objects.get(payee_type="creator")

    def down(self, **kw):
        raise GatewayError("timeout")

    monkeypatch.setattr(SandboxGateway, "payout_transfer", down)
    for _ in range(2):
        with pytest.raises(GatewayError):
            payout_send(payout_id=payout.pk)
    payout = payout_send(payout_id=payout.pk)
    assert payout.status == PayoutStatus.FAILED and payout.attempts == 3
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 2000
    assert_ledger_ok()


def test_commands_settle_and_pay(markets, capsys):
    us = markets["US"]
    casey = make_creator(us)
    _earned(us, [casey])
    call_command("settle_commissions", "--as-of", "2026-11-23")
    with orders_support.committed():
        call_command("run_payouts", "--as-of", "2026-11-25")
    out = capsys.readouterr().out
    assert "week 2026-11-23 to 2026-11-29: 2 payouts created" in out
    call_command("ledger_check")


def test_a_retry_after_a_later_payout_paid_the_balance_is_refused(closed_account_payout):
    casey, failed = closed_account_payout
    casey.payout_destination = ""
    casey.save()
    with orders_support.committed():
        payouts_build(as_of=MONDAY + timedelta(days=7))  # next week pays the returned balance
    later = Payout.objects.get(payee_type="creator", period_start=MONDAY + timedelta(days=7))
    assert later.status == PayoutStatus.PAID and later.amount_minor == 2000
    assert Commission.objects.get().payout_id == later.pk  # the later payout took it over
    with pytest.raises(PayoutNotRetryable):
        payout_retry(payout_id=failed.pk)
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 0
    assert Commission.objects.get().status == CommissionStatus.PAID
    assert_ledger_ok()


def test_a_retry_sends_only_what_its_payout_covered(markets, closed_account_payout):
    casey, failed = closed_account_payout
    us = markets["US"]
    first = Commission.objects.get()
    _earned(us, [casey])  # a second commission released after the failure
    casey.payout_destination = ""
    casey.save()
    with orders_support.committed():
        payout_retry(payout_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == PayoutStatus.PAID and failed.amount_minor == 2000
    paid = Commission.objects.filter(status=CommissionStatus.PAID)
    assert list(paid.values_list("pk", flat=True)) == [first.pk]
    assert creator_balance(casey, AccountKind.CREATOR_AVAILABLE) == 2000  # the second waits
    assert_ledger_ok()


def test_after_timeouts_a_retry_asks_with_the_same_transfer_key(markets, monkeypatch, settings):
    settings.PAYOUT_RETRIES = 1
    us = markets["US"]
    casey = make_creator(us)
    _earned(us, [casey])
    payouts_build(as_of=MONDAY, send=False)
    payout = Payout.objects.get(payee_type="creator")
    keys = []
    real = SandboxGateway.payout_transfer

    def timeout_once(self, **kw):
        keys.append(kw["idempotency_key"])
        if len(keys) == 1:
            raise GatewayError("timeout")
        return real(self, **kw)

    monkeypatch.setattr(SandboxGateway, "payout_transfer", timeout_once)
    assert payout_send(payout_id=payout.pk).status == PayoutStatus.FAILED
    with orders_support.committed():
        payout_retry(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.round == 2
    assert keys[0] == keys[1]  # the processor can answer for the first transfer
    assert_ledger_ok()


@pytest.mark.parametrize("as_of", ["2999-01-01", "yesterday", "0001-01-01"])
def test_settle_commissions_refuses_a_bad_or_future_date(as_of):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("settle_commissions", "--as-of", as_of)


@pytest.mark.parametrize("as_of", ["9999-12-31", "not-a-date"])
def test_run_payouts_refuses_a_bad_date(as_of):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("run_payouts", "--as-of", as_of)
