"""Exact money: parsing amounts into `Decimal`, currency codes, and formatting for people."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CURRENCIES", "CENT", "parse_amount", "parse_currency", "format_money", "to_cents"]

CENT = Decimal("0.01")

# ISO 4217 active codes, with the symbol used when writing to people where one is common.
_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "EUR": "€", "GBP": "£", "JPY": "¥",
            "INR": "₹", "CHF": "CHF ", "MXN": "MX$", "BRL": "R$", "SGD": "S$", "HKD": "HK$"}
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
    KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK
    NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
    SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
    XPF YER ZAR ZMW ZWL""".split()
)


def parse_amount(value: object) -> Decimal:
    """`value` as an exact Decimal amount of money.

    Strings ("8500.00", "8,500.00"), ints and Decimals are taken as they are. A float is accepted only
    when its shortest repr is already exact to the cent (8500.5 is fine, 0.1 + 0.2 is not), so no
    amount is ever rounded silently. Raises ValueError with a message fit for a person.
    """
    if isinstance(value, bool):
        raise ValueError("expected an amount, got true/false")
    if isinstance(value, float):
        text = repr(value)
        if "e" in text.lower() or len(text.partition(".")[2]) > 2:
            raise ValueError(f"{text} is not exact to the cent; write the amount as a string")
    elif not isinstance(value, (int, str, Decimal)):
        raise ValueError(f"expected an amount such as \"8500.00\", got {type(value).__name__}")
    text = str(value).strip().replace(",", "").replace("_", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if amount != amount.quantize(CENT):
        raise ValueError(f"{value!r} has fractions of a cent")
    return amount.quantize(CENT)


def parse_currency(value: object) -> str:
    """An ISO 4217 code, upper-cased; ValueError for anything else."""
    code = str(value).strip().upper()
    if code not in CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


def to_cents(amount: Decimal) -> Decimal:
    """`amount` rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """`amount` as people write it: $8,500.00, €1,200.50, or 1,200.00 SEK."""
    number = f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}"  # rounding passed by position: half the cost
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency}"
    if number[0] == "-":  # a minus sign goes before the symbol; negative zero has none
        return f"{'-' if amount < 0 else ''}{symbol}{number[1:]}"
    return f"{symbol}{number}"
