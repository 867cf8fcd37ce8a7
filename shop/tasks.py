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
    for checkout_id in list(stale)[:500]:
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
