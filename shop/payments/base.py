"""The interface every payment provider implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class CardDetails:
    """Card data in memory for the one call that needs it. Never stored, never logged:
    its repr shows only the brand and the last four digits."""

    number: str = field(repr=False)
    exp_month: int = field(repr=False)
    exp_year: int = field(repr=False)
    cvc: str = field(repr=False)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        n = self.number
        if n.startswith("4"):
            return "visa"
        if n[:2] in {"51", "52", "53", "54", "55"} or "2221" <= n[:4] <= "2720":
            return "mastercard"
        if n[:2] in {"34", "37"}:
            return "amex"
        return "card"

    def __repr__(self) -> str:
        return f"CardDetails({self.brand} ****{self.last4})"

    __str__ = __repr__


@dataclass(frozen=True)
class GatewayResult:
    ok: bool
    reference: str = ""
    code: str = ""  # on failure: card_declined, insufficient_funds, processing_error
    message: str = ""


class GatewayError(Exception):
    """The provider could not be reached or answered nonsense: a transient error."""


class PaymentGateway(Protocol):
    name: str

    def charge(
        self, *, amount: int, currency: str, card: CardDetails, reference: str, idempotency_key: str
    ) -> GatewayResult:
        """Authorize and capture in one step."""

    def authorize(
        self, *, amount: int, currency: str, card: CardDetails, reference: str, idempotency_key: str
    ) -> GatewayResult: ...

    def capture(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult: ...

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult: ...

    def payout_transfer(
        self, *, payee: str, amount: int, currency: str, idempotency_key: str
    ) -> GatewayResult: ...

    def verify_webhook(self, *, body: bytes, signature: str) -> dict:
        """Return the parsed event, or raise ``InvalidWebhookSignature``."""
