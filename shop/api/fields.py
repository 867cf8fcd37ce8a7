"""Serializer fields for money, commission rates and links.

Amounts travel as decimal strings in the currency they belong to ("12.99" USD, "1500" JPY),
beside the integer minor units; a float never carries a price.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.money import BASIS_POINTS, currency, to_decimal, to_minor


def _dotted(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@extend_schema_field(
    {"type": "string", "format": "decimal", "example": "12.99", "pattern": r"^\d+(\.\d+)?$"}
)
class MoneyField(serializers.Field):
    """Read-only: minor units at ``source`` as a decimal string in the object's currency.

    ``currency`` is a dotted attribute path on the same object; without one, the
    serializer's context must carry ``currency``.
    """

    def __init__(self, *, currency: str | None = None, **kwargs):
        self.currency_path = currency
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        minor = super().get_attribute(instance)
        if minor is None:
            return None
        code = _dotted(instance, self.currency_path) if self.currency_path else None
        return to_decimal(minor, code or self.context["currency"])

    def to_representation(self, value: Decimal) -> str:
        return str(value)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "example": "12.99",
        "description": "Decimal string in the seller's market currency",
    }
)
class MoneyInputField(serializers.Field):
    """Write-only: a decimal string ("12.99") to minor units in ``context["currency"]``.

    More precision than the currency has (JPY "10.5", USD "1.999") is an error, never
    a silent rounding. Numbers in JSON are refused: they would arrive as floats.
    """

    default_error_messages = {
        "invalid": 'Enter the amount as a decimal string, e.g. "12.99".',
        "negative": "The amount cannot be negative.",
        "precision": "{currency} amounts have at most {places} decimal places.",
        "too_large": "The amount is too large.",
    }

    def __init__(self, **kwargs):
        kwargs["write_only"] = True
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            amount = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not amount.is_finite():
            self.fail("invalid")
        if amount < 0:
            self.fail("negative")
        code = self.context["currency"]
        try:
            minor = to_minor(amount, code)
        except ValueError:
            self.fail("precision", currency=code, places=currency(code).exponent)
        if minor > 10**15:
            self.fail("too_large")
        return minor


@extend_schema_field({"type": "string", "format": "decimal", "example": "10"})
class CommissionRateField(serializers.Field):
    """The open-plan creator commission as a percent ("12.5") ↔ basis points (1250)."""

    default_error_messages = {
        "invalid": 'Enter the rate as a percent, e.g. "10" or "12.5".',
        "range": "The commission rate must be between {low} % and {high} %.",
        "precision": "Use at most 2 decimal places.",
    }

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        try:
            percent = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not percent.is_finite():
            self.fail("invalid")
        bp = percent * BASIS_POINTS / 100
        if bp != bp.to_integral_value():
            self.fail("precision")
        low, high = settings.COMMISSION_RATE_MIN_BP, settings.COMMISSION_RATE_MAX_BP
        if not low <= bp <= high:
            self.fail("range", low=low * 100 // BASIS_POINTS, high=high * 100 // BASIS_POINTS)
        return int(bp)

    def to_representation(self, value: int) -> str:
        return format((Decimal(value) * 100 / BASIS_POINTS).normalize(), "f")


def product_path(product) -> str:
    """The product's HTML page (its id and slug)."""
    return product.get_absolute_url()


def absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


def image_urls(request, product) -> tuple[str | None, str | None]:
    """(image, thumbnail) of the first image, from the ``image_list`` prefetch."""
    images = getattr(product, "image_list", None)
    if not images:
        return None, None
    first = images[0]
    return absolute(request, first.url), absolute(request, first.thumbnail_url)
