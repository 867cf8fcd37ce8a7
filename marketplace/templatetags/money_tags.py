from django import template

from marketplace.money import format_money

register = template.Library()


@register.filter
def money(minor, currency: str) -> str:
    """``{{ amount_minor|money:"USD" }}`` -> "$12.99". Empty for None."""
    if minor is None or minor == "":
        return ""
    return format_money(int(minor), currency)


@register.filter
def percent_bp(bp) -> str:
    """Basis points as a percent: 1250 -> "12.5 %", 1000 -> "10 %"."""
    if bp is None or bp == "":
        return ""
    whole, frac = divmod(int(bp), 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".") + "\u00a0%" if frac else f"{whole}\u00a0%"
