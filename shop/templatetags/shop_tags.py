"""Presentation helpers for the shopper pages. Rules live in shop.selectors; these only
format what a template already holds."""

import html
import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import linebreaks, strip_tags
from django.utils.safestring import SafeString, mark_safe

from shop import selectors

register = template.Library()


@register.filter
def stock_state(stock: int) -> tuple[str, str]:
    """``{% with s=variant.stock|stock_state %}{{ s.1 }}`` -> "Only 3 left"."""
    return selectors.stock_state(int(stock or 0))


@register.filter
def countdown(ends_at: datetime | None) -> str:
    """Time left until ``ends_at`` as ``HH:MM:SS`` (``2d 04:00:00`` past a day).

    static/js/countdown.js ticks the same format in the browser.
    """
    if not ends_at:
        return ""
    left = max(int((ends_at - timezone.now()).total_seconds()), 0)
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}d {clock}" if days else clock


@register.filter
def compact(number: int | None) -> str:
    """1234 -> "1.2k", 2_500_000 -> "2.5M": counts on cards, where space is short."""
    n = int(number or 0)
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            text = f"{n / size:.1f}".removesuffix(".0")
            return f"{text}{suffix}"
    return str(n)


_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</(p|div|h[1-6]|ul|ol|table|blockquote)\s*>", re.IGNORECASE)
_LINE_END = re.compile(r"<br\s*/?>|</(li|tr)\s*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")


@register.filter
def description(value: str) -> SafeString:
    """A product description, plain text or HTML (Shopify's Body), as escaped paragraphs.

    Tags are never passed through: a seller's markup cannot run in a shopper's browser.
    Block ends become line breaks first, so paragraphs and list items survive.
    """
    text = _LIST_ITEM.sub("\n• ", value or "")
    text = _PARAGRAPH_END.sub("\n\n", text)
    text = _LINE_END.sub("\n", text)
    text = html.unescape(strip_tags(text))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped by linebreaks


TABS = {
    "for-you": ("/following/", "/videos/", "/live/"),
    "shop": ("/shop/", "/products/"),
    "cart": ("/cart/", "/checkout/"),
    "me": ("/accounts/", "/seller/", "/me/", "/orders/"),
}


@register.simple_tag(takes_context=True)
def tab_current(context, tab: str) -> str:
    """``aria-current="page"`` on the tab the current path belongs to, else nothing."""
    request = context.get("request")
    path = request.path if request else ""
    prefixes = TABS.get(tab, ())
    match = (tab == "for-you" and path == "/") or any(path.startswith(p) for p in prefixes)
    return mark_safe(' aria-current="page"') if match else ""  # noqa: S308 - a constant


@register.filter
def percent_off(price: int | None, was: int | None) -> int:
    """Whole percent saved from ``was`` to ``price``, rounded down (never overstated)."""
    if not price or not was or was <= price:
        return 0
    return (was - price) * 100 // was


@register.filter
def at_most(value: int | None, limit: int | None) -> int:
    return min(int(value or 0), int(limit or 0))
