"""Exact money: integer minor units beside an ISO currency code.

No float ever touches an amount. Every rounding is named, and says which side gets the
odd unit:

- ``percent_of(..., rounding=HALF_UP)`` is used for fees and commissions: the party
  charging the percentage gets the half unit (6 % of 0.25 USD = 2 cents, not 1).
- ``allocate`` splits an amount by weights with the largest-remainder method, so the
  parts always add back to the whole; ties give the odd unit to the earliest part.
- A seller's net is never rounded: it is the residual ``gross - fee - commission``, so the
  three shares add to the gross to the unit.
- A refund gives back the refunded part of the fee and of the commission rounded up
  (``shop.services.ledger.share_reversed``): the platform and the creator keep the
  rounded-down remainder, so the seller's remaining share of a line is never negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

BASIS_POINTS = 10_000

HALF_UP = ROUND_HALF_UP
HALF_EVEN = ROUND_HALF_EVEN
DOWN = ROUND_DOWN


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int  # digits after the decimal point; JPY and IDR have none
    symbol: str
    symbol_after: bool = False
    thousands: str = ","
    decimal: str = "."


CURRENCIES: dict[str, Currency] = {
    "USD": Currency("USD", 2, "$"),
    "GBP": Currency("GBP", 2, "£"),
    "JPY": Currency("JPY", 0, "¥"),
    "IDR": Currency("IDR", 0, "Rp\u00a0", thousands="."),
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


class UnknownCurrency(ValueError):
    code = "unknown_currency"


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except KeyError:
        raise UnknownCurrency(f"Unknown currency {code!r}") from None


def to_minor(value: Decimal | str | int, code: str) -> int:
    """A decimal amount ("12.99") to integer minor units (1299).

    Raises ValueError if the value has more precision than the currency allows, rather
    than silently rounding a price someone typed.
    """
    amount = Decimal(str(value))
    exp = currency(code).exponent
    scaled = amount.scaleb(exp)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more decimal places than {code} allows ({exp})")
    return int(scaled)


def to_decimal(minor: int, code: str) -> Decimal:
    exp = currency(code).exponent
    return Decimal(minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))


def format_money(minor: int, code: str) -> str:
    cur = currency(code)
    negative = minor < 0
    whole, frac = divmod(abs(minor), 10**cur.exponent) if cur.exponent else (abs(minor), 0)
    grouped = f"{whole:,}".replace(",", cur.thousands)
    text = grouped + (f"{cur.decimal}{frac:0{cur.exponent}d}" if cur.exponent else "")
    text = f"{text}{cur.symbol}" if cur.symbol_after else f"{cur.symbol}{text}"
    return f"-{text}" if negative else text


def percent_of(amount: int, rate_bp: int, *, rounding: str = HALF_UP) -> int:
    """``rate_bp`` basis points of ``amount`` minor units, rounded as named."""
    if not isinstance(amount, int) or not isinstance(rate_bp, int):
        raise TypeError("amounts and rates are integers (minor units, basis points)")
    exact = Decimal(amount) * Decimal(rate_bp) / Decimal(BASIS_POINTS)
    return int(exact.quantize(Decimal(1), rounding=rounding))


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights``; the parts sum to ``amount`` exactly."""
    total = sum(weights)
    if total <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative and not all zero")
    shares = [amount * w // total for w in weights]
    remainders = [(amount * w % total, -i) for i, w in enumerate(weights)]
    leftover = amount - sum(shares)
    for _, neg_index in sorted(remainders, reverse=True)[:leftover]:
        shares[-neg_index] += 1
    return shares


@dataclass(frozen=True)
class Split:
    """How one line's gross divides: the seller's net is the residual, never rounded."""

    gross: int
    referral_fee: int
    commission: int

    @property
    def seller_net(self) -> int:
        return self.gross - self.referral_fee - self.commission


def split_line(gross: int, *, referral_fee_bp: int, commission_bp: int) -> Split:
    fee = percent_of(gross, referral_fee_bp)
    commission = percent_of(gross, commission_bp)
    if fee + commission > gross:
        raise ValueError("fee and commission exceed the line's gross")
    return Split(gross=gross, referral_fee=fee, commission=commission)
