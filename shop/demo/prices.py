"""Demo prices in each market's currency, with the endings shoppers there expect.

Integer arithmetic only (money never touches a float). The rates are rough and fixed: the
point is a believable shelf price, not a conversion.
"""

# Minor units of the currency per 100 US cents, roughly.
_PER_DOLLAR = {"USD": 100, "GBP": 80, "JPY": 150, "IDR": 16_000}


def _round_half_up(value: int, step: int) -> int:
    return (value + step // 2) // step * step


def localise(usd_cents: int, currency: str) -> int:
    """A US price (in cents) as a shelf price in ``currency``'s minor units.

    USD stays as written; GBP ends in .99; JPY in ...80 (¥1,980) above ¥1,000, else in
    tens; IDR in ...9.000 (Rp 209.000). JPY and IDR have no minor unit, so the result is
    whole yen or rupiah.
    """
    if currency == "USD":
        return usd_cents
    minor = usd_cents * _PER_DOLLAR[currency] // 100
    if currency == "GBP":
        return max(_round_half_up(minor, 100), 100) - 1
    if currency == "JPY":
        if minor >= 1000:
            return _round_half_up(minor, 100) - 20
        return max(_round_half_up(minor, 10), 100)
    if currency == "IDR":
        thousands = max(_round_half_up(minor, 1000) // 1000, 5)
        if thousands >= 20:
            thousands = (thousands - 1) // 10 * 10 + 9
        return thousands * 1000
    raise ValueError(f"no demo prices for {currency}")


def scaled(usd_cents: int, percent: int) -> int:
    """``percent`` of a US price, kept on a .99 / .50 / .00 ending so options read well."""
    if percent == 100:
        return usd_cents
    cents = usd_cents * percent // 100
    return max(_round_half_up(cents, 100) - 1, 99)


def deal_price(price_minor: int, percent: int, currency: str) -> int:
    """A deal at ``percent`` of the regular price, rounded down to a clean figure."""
    step = {"USD": 1, "GBP": 1, "JPY": 10, "IDR": 1000}[currency]
    raw = price_minor * percent // 100
    if currency in ("USD", "GBP"):
        return max(raw // 100 * 100 - 1, 99)  # 12.99 rather than 13.04
    return max(raw // step * step, step)
