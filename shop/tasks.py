"""Shop's Celery tasks: thin entry points over services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def holds_expire() -> int:
    """Release stock held for orders that were never paid (beat, every minute)."""
    from .models import PaymentStatus, StockHold
    from .services.checkout import payment_record_failure

    stale = (
        StockHold.objects.filter(
            expires_at__lte=timezone.now(), released_at__isnull=True, converted_at__isnull=True
        )
        .exclude(order_line__order__checkout__payment__status=PaymentStatus.CAPTURED)
        .values_list("order_line__order__checkout_id", flat=True)
        .distinct()
    )
    released = 0
    for checkout_id in stale[:500]:
        if payment_record_failure(checkout_id=checkout_id, code="hold_expired"):
            released += 1
    return released


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def sandbox_webhook_send(self, body: str) -> None:
    """The sandbox processor delivering a signed webhook to the app."""
    from .payments.sandbox import sign
    from .services.webhooks import webhook_receive

    webhook_receive(body=body.encode(), signature=sign(body.encode()))


@shared_task(acks_late=True)
def returns_auto_approve() -> int:
    """Approve returns the seller did not answer in time (beat)."""
    from marketplace.errors import DomainError

    from .services.returns import return_approve, returns_overdue_ids

    approved = 0
    for return_id in returns_overdue_ids():
        try:
            return_approve(return_id=return_id, auto=True)
            approved += 1
        except DomainError as exc:
            # Already answered meanwhile, or the order was refunded some other way.
            log.warning("return %s not auto-approved: %s", return_id, exc.code)
    return approved


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def refund_execute_task(self, refund_id: int) -> None:
    """Pay back one planned refund; a refund already recorded returns at once."""
    from .services.refunds import RefundPending, refund_execute

    try:
        refund_execute(refund_id=refund_id)
    except RefundPending:
        raise self.retry(countdown=min(2 ** (self.request.retries + 2), 600)) from None


@shared_task(acks_late=True)
def refunds_resume() -> int:
    """Retry refunds left pending because the processor could not be reached (beat)."""
    from marketplace.errors import DomainError

    from .services.refunds import refund_execute, refunds_pending_ids

    done = 0
    for refund_id in refunds_pending_ids():
        try:
            refund_execute(refund_id=refund_id)
            done += 1
        except DomainError as exc:
            log.warning("refund %s still not paid back: %s", refund_id, exc.code)
    return done


@shared_task(acks_late=True)
def orders_complete() -> int:
    """Complete delivered orders whose return window closed with nothing open (beat)."""
    from .services.fulfilment import orders_complete as complete

    return len(complete())


@shared_task
def commission_cuts_apply() -> int:
    """Announced commission cuts whose 30 days are up become the standing rate."""
    from .services.catalog import commission_cuts_apply as apply

    return apply()


@shared_task
def idempotency_keys_purge() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS (48 h, so ≥ 24 h)."""
    from .services.idempotency import idempotency_keys_purge as purge

    return purge()


@shared_task(acks_late=True)
def payouts_run(as_of: str | None = None) -> int:
    """The weekly payout batch (beat, Mondays): pays every payee due once for the week."""
    from datetime import date

    from .services.payouts import payouts_build, payouts_resume

    payouts_resume()
    return payouts_build(as_of=date.fromisoformat(as_of) if as_of else None)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    max_retries=5,
    retry_backoff=True,
)
def payout_send_task(self, payout_id: int) -> None:
    """Send one payout; a gateway error retries with backoff until PAYOUT_RETRIES."""
    from .payments import GatewayError
    from .services.payouts import payout_send

    try:
        payout_send(payout_id=payout_id)
    except GatewayError as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from None
