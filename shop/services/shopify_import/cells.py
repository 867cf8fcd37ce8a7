"""One cell's value: a price in the market's currency, a tag list, a category name, an
image URL, and the product's HTML body as plain text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import urlsplit

from marketplace.money import currency as currency_info
from marketplace.money import to_minor

MAX_PRICE_MINOR = 10**12


def _money(raw: str, currency: str) -> int:
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{raw}” is not a price (write it like 12.99)") from None
    if not amount.is_finite():
        raise ValueError(f"“{raw}” is not a price (write it like 12.99)")
    if amount < 0:
        raise ValueError(f"“{raw}” is negative")
    try:
        minor = to_minor(amount, currency)
    except ValueError:
        exponent = currency_info(currency).exponent
        rule = (
            f"{currency} has no minor unit, so prices are whole numbers"
            if exponent == 0
            else f"{currency} prices have at most {exponent} decimal places"
        )
        raise ValueError(f"“{raw}” is more precise than the currency allows: {rule}")
    if minor > MAX_PRICE_MINOR:
        raise ValueError(f"“{raw}” is too large")
    return minor


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _tags(raw: str) -> str:
    seen: dict[str, None] = {}
    for tag in raw.split(","):
        tag = " ".join(tag.split())
        if tag and tag.lower() not in {t.lower() for t in seen}:
            seen[tag] = None
    return ", ".join(seen)


def _category_name(type_: str, product_category: str) -> str:
    if type_:
        return type_
    # Shopify's standard taxonomy path: "Apparel & Accessories > Clothing > Shirts & Tops".
    return product_category.split(">")[-1].strip() if product_category else ""


class _TextExtractor(HTMLParser):
    """Body (HTML) to plain text: paragraphs and list items become lines; scripts, styles,
    attributes and every other tag are dropped. Templates escape the result."""

    SKIP = {"script", "style", "template", "noscript", "iframe", "object", "svg", "head"}
    BLOCK = {
        "p", "div", "section", "article", "header", "footer", "blockquote", "table", "tr",
        "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # As in a browser, line breaks in the source are spaces; tags make the lines.
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [
        re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip()
        for line in "".join(parser.parts).split("\n")
    ]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
