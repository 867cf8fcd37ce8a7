"""Validation shared by the checkout form and the checkout API: one home for the rules
about card numbers, expiry dates and shipping addresses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def clean_card_number(value: str) -> str:
    digits = "".join(ch for ch in str(value) if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise ValidationError("Enter the card number as it appears on the card.")
    if not luhn_ok(digits):
        raise ValidationError("This card number is not valid. Check the digits.")
    return digits


def clean_expiry(month: int, year: int) -> tuple[int, int]:
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise ValidationError("The expiry month must be between 01 and 12.")
    now = timezone.now()
    if (year, month) < (now.year, now.month):
        raise ValidationError("This card has expired.")
    if year > now.year + 20:
        raise ValidationError("Check the expiry year.")
    return month, year


def clean_cvc(value: str) -> str:
    value = str(value).strip()
    if not value.isdigit() or len(value) not in (3, 4):
        raise ValidationError("The CVC is the 3 or 4 digits on the back of the card.")
    return value


def clean_country(value: str, market_code: str) -> str:
    value = str(value).strip().upper()
    if value != market_code:
        raise ValidationError(f"We can only ship within {market_code} from this store.")
    return value
