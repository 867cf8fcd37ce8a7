"""Payouts: once a week every seller and creator whose available balance reaches the
market's minimum is paid that balance, once per payee and week.

Built in chunks of accounts (bounded memory), one transaction and one ledger entry per
chunk: available → payouts in transit. Each payout is then sent through the gateway's
payout transfer (its own task, idempotency key per payout and round); success moves the
money out (in transit → cash), a failure after retries returns it (in transit →
available). The unique (account, week) row makes a rerun, a duplicated task or a batch
killed midway pay nobody twice.

Other apps follow along through signals sent inside the transaction: ``payouts_built``
(creators attaches the commissions a payout covers), ``payout_paid``, ``payout_failed``.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from marketplace.errors import DomainError
from marketplace.hooks import payees
from marketplace.ledger.models import AccountKind, LedgerAccount, OwnerType
from marketplace.ledger.services import Leg, entry_post, platform_account
from marketplace.models import Market

from ..models import Payout, PayoutStatus
from ..payments import GatewayError, get_gateway

log = logging.getLogger(__name__)

BUILD_CHUNK = 500
PAYABLE = (
    (AccountKind.SELLER_AVAILABLE, OwnerType.SELLER, "seller_payout_minimum"),
    (AccountKind.CREATOR_AVAILABLE, OwnerType.CREATOR, "creator_payout_minimum"),
)

payouts_locking = Signal()  # owner_type: str, owner_ids: list[int]; before accounts lock
payouts_built = Signal()  # payouts: list[Payout]
payout_paid = Signal()  # payout: Payout
payout_failed = Signal()  # payout: Payout


UNREACHABLE = "The payment processor could not be reached."


class PayoutNotRetryable(DomainError):
    code = "payout_not_retryable"
    status = 409


def payout_period(as_of: date) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) containing ``as_of``."""
    start = as_of - timedelta(days=as_of.weekday())
    return start, start + timedelta(days=6)


def payouts_build(*, as_of: date | None = None, send: bool = True, chunk: int = BUILD_CHUNK) -> int:
    """Create this week's payouts. Returns how many were created (0 on a rerun)."""
    as_of = as_of or timezone.localdate()
    start, end = payout_period(as_of)
    made = 0
    for market in Market.objects.order_by("code"):
        for kind, owner_type, minimum_field in PAYABLE:
            minimum = max(1, getattr(market, minimum_field))
            after = 0
            while True:
                ids = list(
                    LedgerAccount.objects.filter(
                        kind=kind,
                        currency=market.currency,
                        pk__gt=after,
                        balance_minor__lte=-minimum,
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)[:chunk]
                )
                if not ids:
                    break
                after = ids[-1]
                made += _build_chunk(
                    ids,
                    market=market,
                    owner_type=owner_type,
                    minimum=minimum,
                    start=start,
                    end=end,
                    send=send,
                )
    return made


def _build_chunk(ids, *, market, owner_type, minimum, start, end, send) -> int:
    with transaction.atomic():
        # Lock order everywhere money moves: what the money is about (orders, commissions)
        # before the ledger accounts, and accounts in primary-key order, in-transit included.
        owners = LedgerAccount.objects.filter(pk__in=ids).values_list("owner_id", flat=True)
        payouts_locking.send(sender=Payout, owner_type=owner_type, owner_ids=list(owners))
        in_transit = platform_account(AccountKind.PAYOUTS_IN_TRANSIT, market.currency)
        locked = LedgerAccount.objects.select_for_update().filter(pk__in=[*ids, in_transit.pk])
        accounts = [a for a in locked.order_by("pk") if a.pk != in_transit.pk]
        done = set(
            Payout.objects.filter(account_id__in=ids, period_start=start).values_list(
                "account_id", flat=True
            )
        )
        due = [a for a in accounts if a.pk not in done and a.balance >= minimum]
        if not due:
            return 0
        names = payees(owner_type, [a.owner_id for a in due])
        review = market.payout_review_minor
        payouts = Payout.objects.bulk_create(
            [
                Payout(
                    account=a,
                    payee_type=owner_type,
                    payee_id=a.owner_id,
                    payee_name=names[a.owner_id][0][:120],
                    currency=a.currency,
                    amount_minor=a.balance,
                    period_start=start,
                    period_end=end,
                    status=PayoutStatus.REVIEW
                    if review and a.balance >= review
                    else PayoutStatus.SENDING,
                )
                for a in due
            ]
        )
        legs = []
        for p in payouts:
            legs += [Leg(p.account, p.amount_minor), Leg(in_transit, -p.amount_minor)]
        # Keyed by the new payouts (fresh rows, unique per payee and week): the chunk's
        # account range can repeat in a later run of the week that pays other payees.
        entry_post(
            key=f"payouts.built:{start}:{owner_type}:{market.currency}:"
            f"{payouts[0].pk}-{payouts[-1].pk}",
            kind="payouts.built",
            legs=legs,
            memo=f"{len(payouts)} {owner_type} payouts for the week of {start}",
        )
        payouts_built.send(sender=Payout, payouts=payouts)
        if send:
            sending = [p.pk for p in payouts if p.status == PayoutStatus.SENDING]
            transaction.on_commit(lambda: _enqueue(sending))
    return len(payouts)


def _enqueue(payout_ids: list[int]) -> None:
    from ..tasks import payout_send_task

    for pk in payout_ids:
        try:
            payout_send_task.delay(pk)
        except Exception:  # noqa: BLE001 - the weekly run's sweep sends what is left
            log.warning("broker unavailable; payout %s left for payouts_resume", pk)


def payout_send(*, payout_id: int) -> Payout:
    """Send one payout through the gateway. Raises ``GatewayError`` while retries remain
    (the task retries); after the last one, or on a refusal, the payout fails and its
    balance is returned. Safe to call twice: the gateway's key makes the transfer once."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != PayoutStatus.SENDING:
        return payout
    destination = payees(payout.payee_type, [payout.payee_id])[payout.payee_id][1]
    try:
        result = get_gateway().payout_transfer(
            payee=destination,
            amount=payout.amount_minor,
            currency=payout.currency,
            idempotency_key=payout.transfer_key or f"payout-{payout.pk}-r1",
        )
    except GatewayError:
        attempts = payout.attempts + 1
        Payout.objects.filter(pk=payout.pk).update(attempts=attempts)
        if attempts >= settings.PAYOUT_RETRIES:
            return payout_fail(payout_id=payout.pk, reason=UNREACHABLE)
        raise
    if result.ok:
        return payout_mark_paid(payout_id=payout.pk, reference=result.reference)
    return payout_fail(payout_id=payout.pk, reason=result.message or result.code)


def payout_mark_paid(*, payout_id: int, reference: str) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != PayoutStatus.SENDING:
            return payout
        payout.status, payout.gateway_ref, payout.paid_at = (
            PayoutStatus.PAID,
            reference,
            timezone.now(),
        )
        payout.save(update_fields=["status", "gateway_ref", "paid_at"])
        cur = payout.currency
        entry_post(
            key=f"payout.paid:{payout.pk}:r{payout.round}",
            kind="payout.paid",
            legs=[
                Leg(platform_account(AccountKind.PAYOUTS_IN_TRANSIT, cur), payout.amount_minor),
                Leg(platform_account(AccountKind.PLATFORM_CASH, cur), -payout.amount_minor),
            ],
            memo=f"Payout {payout.pk} to {payout.payee_name} ({reference})",
        )
        payout_paid.send(sender=Payout, payout=payout)
    return payout


def payout_fail(*, payout_id: int, reason: str) -> Payout:
    """Mark failed and return the money to the payee's available balance."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != PayoutStatus.SENDING:
            return payout
        payout.status, payout.failure_reason = PayoutStatus.FAILED, reason[:200]
        payout.failed_at = timezone.now()
        payout.save(update_fields=["status", "failure_reason", "failed_at"])
        entry_post(
            key=f"payout.failed:{payout.pk}:r{payout.round}",
            kind="payout.failed",
            legs=[
                Leg(
                    platform_account(AccountKind.PAYOUTS_IN_TRANSIT, payout.currency),
                    payout.amount_minor,
                ),
                Leg(payout.account, -payout.amount_minor),
            ],
            memo=f"Payout {payout.pk} failed: {reason}",
        )
        payout_failed.send(sender=Payout, payout=payout)
    log.warning("payout %s failed: %s", payout.pk, reason)
    return payout


def payout_retry(*, payout_id: int, actor=None) -> Payout:
    """Staff retry a failed payout: the money goes back in transit and a new round sends."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != PayoutStatus.FAILED:
            raise PayoutNotRetryable("Only a failed payout can be retried.")
        account = LedgerAccount.objects.select_for_update().get(pk=payout.account_id)
        if Payout.objects.filter(account=account, period_start__gt=payout.period_start).exists():
            raise PayoutNotRetryable(
                "A later payout has already paid this balance; nothing is left to retry."
            )
        if account.balance < payout.amount_minor:
            raise PayoutNotRetryable(
                "The payee's available balance no longer covers this payout (a refund came "
                "back since); the next weekly run pays what is due."
            )
        payout.round += 1
        if payout.failure_reason != UNREACHABLE:
            # A definite refusal: a new transfer key, so the processor tries again. After
            # timeouts the first transfer may have gone through, so the same key asks for it.
            payout.transfer_key = f"payout-{payout.pk}-r{payout.round}"
        payout.status, payout.attempts, payout.failure_reason = PayoutStatus.SENDING, 0, ""
        payout.failed_at = None
        payout.save(
            update_fields=[
                "round",
                "transfer_key",
                "status",
                "attempts",
                "failure_reason",
                "failed_at",
            ]
        )
        entry_post(
            key=f"payout.retried:{payout.pk}:r{payout.round}",
            kind="payout.retried",
            legs=[
                Leg(payout.account, payout.amount_minor),
                Leg(
                    platform_account(AccountKind.PAYOUTS_IN_TRANSIT, payout.currency),
                    -payout.amount_minor,
                ),
            ],
            memo=f"Payout {payout.pk} retried",
        )
        payouts_built.send(sender=Payout, payouts=[payout])
        transaction.on_commit(lambda: _enqueue([payout.pk]))
    return payout


def payout_approve(*, payout_id: int, actor) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != PayoutStatus.REVIEW:
            raise PayoutNotRetryable("Only a payout awaiting approval can be approved.")
        payout.status, payout.approved_by = PayoutStatus.SENDING, actor
        payout.save(update_fields=["status", "approved_by"])
        transaction.on_commit(lambda: _enqueue([payout.pk]))
    return payout


def payouts_resume() -> int:
    """Send payouts left in "sending" whose task was lost (the broker was down)."""
    stale = timezone.now() - timedelta(minutes=10)
    ids = list(
        Payout.objects.filter(status=PayoutStatus.SENDING, created_at__lt=stale).values_list(
            "pk", flat=True
        )[:500]
    )
    _enqueue(ids)
    return len(ids)
