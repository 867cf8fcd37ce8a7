"""A sandbox processor that behaves like a card network, for development, tests and demos.

Test cards (any future expiry, any CVC):
  4242 4242 4242 4242  succeeds
  4000 0000 0000 0002  card_declined
  4000 0000 0000 9995  insufficient_funds
  4000 0000 0000 0119  processing_error

Like a real processor it is idempotent per key (a retried call returns the first answer),
and it sends HMAC-signed webhooks at least once, sometimes twice, in no fixed order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from ..errors import InvalidWebhookSignature
from .base import CardDetails, GatewayResult

FAILING_CARDS = {
    "4000000000000002": ("card_declined", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
    "4000000000000119": ("processing_error", "The card processor had an error. Try again."),
}


def sign(body: bytes) -> str:
    secret = settings.PAYMENT_WEBHOOK_SECRET.encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class SandboxGateway:
    name = "sandbox"

    def _remember(self, idempotency_key: str, compute) -> GatewayResult:
        """Same key, same answer, as a processor keeps it server-side. Concurrent calls
        with one key serialise on the record's unique key."""
        from ..models import SandboxRecord

        stored = SandboxRecord.objects.filter(key=idempotency_key).first()
        if stored is not None:
            return GatewayResult(**stored.result)
        result = compute()
        try:
            with transaction.atomic():
                SandboxRecord.objects.create(key=idempotency_key, result=result.__dict__)
        except IntegrityError:
            return GatewayResult(**SandboxRecord.objects.get(key=idempotency_key).result)
        return result

    def charge(self, *, amount, currency, card: CardDetails, reference, idempotency_key):
        def compute() -> GatewayResult:
            failure = FAILING_CARDS.get(card.number)
            if failure:
                result = GatewayResult(ok=False, code=failure[0], message=failure[1])
                self._emit("payment.failed", reference, amount, currency, result.code)
                return result
            ref = f"ch_{secrets.token_hex(12)}"
            self._emit("payment.succeeded", reference, amount, currency, ref)
            return GatewayResult(ok=True, reference=ref)

        return self._remember(f"charge:{idempotency_key}", compute)

    def authorize(self, *, amount, currency, card, reference, idempotency_key):
        return self.charge(
            amount=amount,
            currency=currency,
            card=card,
            reference=reference,
            idempotency_key=idempotency_key,
        )

    def capture(self, *, reference, amount, idempotency_key):
        return GatewayResult(ok=True, reference=reference)

    def refund(self, *, reference, amount, idempotency_key):
        def compute() -> GatewayResult:
            ref = f"re_{secrets.token_hex(12)}"
            self._emit("payment.refunded", reference, amount, "", ref)
            return GatewayResult(ok=True, reference=ref)

        return self._remember(f"refund:{idempotency_key}", compute)

    def payout_transfer(self, *, payee, amount, currency, idempotency_key):
        def compute() -> GatewayResult:
            if payee.startswith("fail"):
                return GatewayResult(ok=False, code="payout_failed", message="Account closed.")
            return GatewayResult(ok=True, reference=f"po_{secrets.token_hex(12)}")

        return self._remember(f"payout:{idempotency_key}", compute)

    def verify_webhook(self, *, body: bytes, signature: str) -> dict:
        if not signature or not hmac.compare_digest(sign(body), signature):
            raise InvalidWebhookSignature()
        try:
            return json.loads(body)
        except ValueError:
            raise InvalidWebhookSignature("The webhook body is not JSON.") from None

    def _emit(self, kind: str, reference: str, amount: int, currency: str, detail: str) -> None:
        if not settings.PAYMENT_SANDBOX_WEBHOOKS:
            return
        from ..tasks import sandbox_webhook_send

        event = {
            "id": f"evt_{secrets.token_hex(10)}",
            "type": kind,
            "reference": reference,
            "amount": amount,
            "currency": currency,
            "detail": detail,
        }
        body = json.dumps(event, sort_keys=True)
        # At least once, sometimes twice, with jitter so order is not guaranteed.
        copies = 2 if secrets.randbelow(3) == 0 else 1
        for _ in range(copies):
            try:
                sandbox_webhook_send.apply_async(args=[body], countdown=secrets.randbelow(3) + 1)
            except Exception:  # noqa: BLE001 - a lost webhook is what processors retry
                break
