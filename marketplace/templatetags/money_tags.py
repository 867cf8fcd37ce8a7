from django import template

from marketplace.money import format_money

register = template.Library()


@register.filter
def money(minor, currency: str) -> str:
    """``{{ amount_minor|money:"USD" }}`` -> "$12.99". Empty for None."""
    if minor is None or minor == "":
        return ""
    return format_money(int(minor), currency)
