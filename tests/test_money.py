from decimal import Decimal

import pytest

from drafter.money import format_money, parse_amount, parse_currency


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("8500.00", "8500.00"), ("8,500.5", "8500.50"), (8500, "8500.00"), (8500.5, "8500.50"),
     (Decimal("0.10"), "0.10"), (" 12 ", "12.00"), ("-3.25", "-3.25")],
)
def test_parse_amount_is_exact(raw, expected):
    assert parse_amount(raw) == Decimal(expected)
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize("raw", [0.1 + 0.2, 1e30, "abc", "NaN", "inf", True, None, [], "1.005"])
def test_parse_amount_refuses_what_it_cannot_take_exactly(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_currency_codes():
    assert parse_currency("eur") == "EUR"
    with pytest.raises(ValueError, match="ISO 4217"):
        parse_currency("EURO")


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [("8500", "USD", "$8,500.00"), ("1200.5", "EUR", "€1,200.50"), ("40", "GBP", "£40.00"),
     ("1000", "SEK", "1,000.00 SEK"), ("-5", "USD", "-$5.00"), ("-0.001", "USD", "-$0.00"),
     ("-0", "USD", "$0.00"), ("0.005", "EUR", "€0.01"), ("-0.005", "USD", "-$0.01")],
)
def test_format_money(amount, currency, text):
    assert format_money(Decimal(amount), currency) == text
