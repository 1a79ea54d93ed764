"""Removing needless personal and financial data from customer-written text.

Notes and e-mail summaries sometimes carry a bank account, a card number or a tax id. None of these
helps write a collections draft, so they are replaced by a label before the text reaches a prompt or a
log. `redact` returns the cleaned text and how many of each kind it removed (never the values).

What counts:
- card numbers: 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check;
- IBANs: a country code, two check digits and the account, passing the ISO 13616 mod-97 check;
- bank routing numbers (ABA, with their checksum), sort codes, and account numbers written after a
  word that says so ("account no.", "acct", "a/c", "bank account");
- tax ids: US SSNs (123-45-6789) and EINs (12-3456789), EU VAT ids (DE123456789, FR12345678901, ...),
  and any number written after "tax id", "TIN", "EIN", "SSN" or "VAT".
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from . import _regex

__all__ = ["Redaction", "redact", "redact_text", "LABELS"]

LABELS = {
    "card": "[card number removed]",
    "iban": "[IBAN removed]",
    "routing": "[routing number removed]",
    "bank_account": "[bank account removed]",
    "tax_id": "[tax id removed]",
}


class Redaction(NamedTuple):
    text: str
    counts: dict[str, int]  # kind -> how many were removed

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_SEP = r"[ \-.]?"
_VAT_PREFIXES = ("AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK"
                 "|XI|CHE|NO")


class _Pattern(NamedTuple):
    """One shape of number, and what a text must hold for it to match: a word starting with one of
    `word_starts` (case aside; none: no such need) and a run of at least `digit_run` digits. Testing
    those is far cheaper than the pattern, whose opening word boundary keeps the regex engine from
    scanning fast."""

    kind: str
    regex: re.Pattern[str]
    word_starts: tuple[str, ...] = ()
    digit_run: int = 1


# Order matters: the most specific shapes first, so that a number is labelled once, by what it is.
_PATTERNS: list[_Pattern] = [
    _Pattern("iban", _regex.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"), digit_run=2),
    _Pattern("tax_id", _regex.compile(
        r"(?i)\b(?:tax[ -]?id|tin|ein|ssn|vat(?:[ -]?(?:id|no|number|reg(?:istration)?))?)"
        r"(?:[ \t]*(?:no\.?|number|#))?[ \t]*[:#]?[ \t]*((?-i:[A-Z]{0,3})[ \-]?\d[\d \-.]{5,16}\d[A-Z0-9]{0,3})\b"),
        word_starts=("tax", "tin", "ein", "ssn", "vat")),
    _Pattern("tax_id", _regex.compile(rf"\b(?:{_VAT_PREFIXES})[ \-]?(?=[0-9A-Z]*\d{{7}})[0-9A-Z]{{8,12}}\b"), digit_run=7),
    _Pattern("tax_id", _regex.compile(r"\b\d{3}-\d{2}-\d{4}\b"), digit_run=4),
    _Pattern("tax_id", _regex.compile(r"\b\d{2}-\d{7}\b"), digit_run=7),
    _Pattern("routing", _regex.compile(
        r"(?i)\b(?:routing|aba|rtn|transit|sort[ -]?code)(?:[ \t]*(?:no\.?|number|#|code))?[ \t]*[:#]?"
        r"[ \t]*(\d[\d \-]{4,10}\d)\b"),
        word_starts=("routing", "aba", "rtn", "transit", "sort")),
    _Pattern("bank_account", _regex.compile(
        r"(?i)\b(?:bank[ \t]+account|account|acct|a/c)(?:[ \t]*(?:no\.?|number|num|#))?[ \t]*[:#]?"
        r"[ \t]*(\d[\d \-]{3,20}\d)\b")),
    _Pattern("card", _regex.compile(rf"\b\d(?:{_SEP}\d){{12,18}}\b")),
    _Pattern("routing", _regex.compile(r"\b\d{9}\b"), digit_run=9),
]
# The needs are tested only in text whose letters and digits are all ASCII: there lower() and the
# patterns' case-insensitive matching agree ("ſ" matches "s" in a pattern, but lower() keeps it).
_DIGITS = _regex.compile(r"\d+")
_OTHER_LETTERS = _regex.compile(r"[^\W\x00-\x7f]")  # a letter or digit outside ASCII


def redact(text: str) -> Redaction:
    """`text` with bank, card and tax-id numbers replaced by labels, and what was removed (counts)."""
    counts: Counter[str] = Counter()
    shape = None
    for kind, pattern, word_starts, digit_run in _PATTERNS:
        if shape is None:
            shape = _Shape.of(text)
        if not shape.may_hold(word_starts, digit_run):
            continue
        redacted = pattern.sub(lambda match: _replace(kind, match, counts), text)
        if redacted != text:
            text, shape = redacted, None
    return Redaction(text, dict(counts))


class _Shape(NamedTuple):
    """What a text holds, for the patterns' needs. `lowered` is None when the text has letters or digits
    outside ASCII: every pattern runs."""

    lowered: str | None
    longest_digits: int

    @classmethod
    def of(cls, text: str) -> _Shape:
        if not text.isascii() and _OTHER_LETTERS.search(text):
            return cls(None, len(text))
        return cls(text.lower(), max(map(len, _DIGITS.findall(text)), default=0))

    def may_hold(self, word_starts: tuple[str, ...], digit_run: int) -> bool:
        if self.longest_digits < digit_run:
            return False
        if not word_starts or self.lowered is None:
            return True
        return any(_starts_a_word(self.lowered, start) for start in word_starts)


def _starts_a_word(lowered: str, start: str) -> bool:
    """Whether `start` occurs in `lowered` where a word begins (after no letter, digit or "_")."""
    at = lowered.find(start)
    while at >= 0:
        if at == 0 or not (lowered[at - 1].isalnum() or lowered[at - 1] == "_"):
            return True
        at = lowered.find(start, at + 1)
    return False


def redact_text(text: str) -> str:
    """Just the redacted text."""
    return redact(text).text


def _replace(kind: str, match: re.Match[str], counts: Counter[str]) -> str:
    # Patterns with a group keep their leading words ("account no. "); only the number goes.
    number_span = match.span(1) if match.re.groups else match.span()
    number = match.string[number_span[0]:number_span[1]]
    if not _plausible(kind, number, labelled=bool(match.re.groups)):
        return match.group(0)
    counts[kind] += 1
    start = number_span[0] - match.start()
    return match.group(0)[:start] + LABELS[kind]


def _plausible(kind: str, number: str, *, labelled: bool) -> bool:
    """Checksums keep ordinary numbers (invoice numbers, phone numbers, amounts) untouched."""
    digits = re.sub(r"\D", "", number)
    if kind == "card":
        return _luhn(digits)
    if kind == "iban":
        return _iban_valid(number)
    if kind == "routing" and not labelled:
        return _aba_valid(digits)
    return True


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _aba_valid(digits: str) -> bool:
    if len(digits) != 9 or digits == "000000000":
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(digits, weights)) % 10 == 0
