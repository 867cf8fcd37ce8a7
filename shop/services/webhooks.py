"""Payment webhooks: verified, then applied idempotently (delivered at least once,
possibly duplicated and out of order)."""

from __future__ import annotations

import logging

from ..models import Payment, PaymentStatus
from ..payments import get_gateway
from .checkout import payment_record_failure, payment_record_success

log = logging.getLogger(__name__)


def _checkout_id(reference: str) -> int | None:
    prefix = "checkout-"
    if reference.startswith(prefix) and reference[len(prefix) :].isdigit():
        return int(reference[len(prefix) :])
    return None


def webhook_receive(*, body: bytes, signature: str) -> str:
    """Apply one webhook. Returns what happened, for the response and the log."""
    event = get_gateway().verify_webhook(body=body, signature=signature)
    if not isinstance(event, dict):
        return "ignored"  # signed, but not an event object: nothing to apply
    kind = event.get("type")
    checkout_id = _checkout_id(str(event.get("reference", "")))
    if checkout_id is None or not Payment.objects.filter(checkout_id=checkout_id).exists():
        return "ignored"
    if kind == "payment.succeeded":
        gateway_ref = str(event.get("detail") or "")[:64]
        applied = payment_record_success(checkout_id=checkout_id, gateway_ref=gateway_ref)
        return "applied" if applied else "duplicate"
    if kind == "payment.failed":
        # A failure reported after a success (out of order) must not undo the success.
        status = Payment.objects.get(checkout_id=checkout_id).status
        if status != PaymentStatus.PENDING:
            return "duplicate"
        payment_record_failure(checkout_id=checkout_id, code=event.get("detail") or "failed")
        return "applied"
    return "ignored"
