"""What a quantity of a variant costs now: the one home for deal pricing.

A live deal's price applies to as many units as the deal has left; any further units are
at the regular price. Checkout snapshots exactly this onto the order line.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Deal, Variant


@dataclass(frozen=True)
class LinePrice:
    quantity: int
    unit_price: int  # the regular price
    deal_price: int | None
    deal_units: int
    deal_id: int | None

    @property
    def total(self) -> int:
        regular_units = self.quantity - self.deal_units
        return regular_units * self.unit_price + self.deal_units * (self.deal_price or 0)

    @property
    def regular_total(self) -> int:
        return self.quantity * self.unit_price

    @property
    def saving(self) -> int:
        return self.regular_total - self.total


def line_price(*, variant: Variant, quantity: int, deal: Deal | None) -> LinePrice:
    if deal is not None and deal.variant_id == variant.pk and deal.is_live():
        units = min(quantity, deal.remaining)
        if units > 0 and deal.price_minor < variant.price_minor:
            return LinePrice(quantity, variant.price_minor, deal.price_minor, units, deal.pk)
    return LinePrice(quantity, variant.price_minor, None, 0, None)
