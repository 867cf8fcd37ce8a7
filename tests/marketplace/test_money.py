from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.money import (
    allocate,
    format_money,
    percent_of,
    split_line,
    to_decimal,
    to_minor,
)


@pytest.mark.parametrize(
    ("value", "code", "minor"),
    [("12.99", "USD", 1299), ("0.01", "GBP", 1), ("1200", "JPY", 1200), ("150000", "IDR", 150000)],
)
def test_to_minor_each_currency(value, code, minor):
    assert to_minor(value, code) == minor
    assert to_decimal(minor, code) == Decimal(value)


@pytest.mark.parametrize(("value", "code"), [("12.999", "USD"), ("10.5", "JPY"), ("1.1", "IDR")])
def test_to_minor_refuses_precision_the_currency_lacks(value, code):
    with pytest.raises(ValueError, match="decimal places"):
        to_minor(value, code)


@pytest.mark.parametrize(
    ("minor", "code", "text"),
    [
        (1299, "USD", "$12.99"),
        (100000, "GBP", "£1,000.00"),
        (1200, "JPY", "¥1,200"),
        (1500000, "IDR", "Rp\u00a01.500.000"),
        (-5, "USD", "-$0.05"),
    ],
)
def test_format_money(minor, code, text):
    assert format_money(minor, code) == text


def test_percent_of_rounds_half_up_to_the_party_charging():
    # 6 % of 25 cents is 1.5 cents: the fee takes the half unit.
    assert percent_of(25, 600) == 2
    # JPY: 6 % of ¥125 is ¥7.5 -> ¥8
    assert percent_of(125, 600) == 8
    assert percent_of(124, 600) == 7


def test_percent_of_refuses_floats():
    with pytest.raises(TypeError):
        percent_of(10.0, 600)  # type: ignore[arg-type]


def test_allocate_gives_odd_unit_to_earliest_tie():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(5, [1, 1]) == [3, 2]


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocate_always_sums_to_whole(amount, weights):
    if sum(weights) == 0:
        weights = [*weights[:-1], 1]
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    assert all(p >= 0 for p in parts)


@given(st.integers(0, 10**12), st.integers(0, 2000), st.integers(100, 8000))
def test_split_line_balances_to_the_unit(gross, fee_bp, commission_bp):
    split = split_line(gross, referral_fee_bp=fee_bp, commission_bp=commission_bp)
    assert split.seller_net + split.referral_fee + split.commission == gross
    assert split.seller_net >= 0
