"""Facts in a draft, and whether the account backs them up.

`extract(text)` finds what a draft states as fact: amounts written many ways ($8,500.00, USD 8,500,
8.500,00 €, 8.5k, 8,500 dollars), invoice numbers, dates (ISO, 10/01/2026, 1 October 2026, Oct 1st),
days-overdue figures, the names in the greeting and the signature, email addresses and links.
`Facts.of(account, policy, as_of)` is what the account and the pack say is true; the grounding rules in
`drafter.rules` compare the two.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import combinations
from operator import itemgetter
from os.path import commonprefix
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from . import _regex
from .money import CENT

if TYPE_CHECKING:
    from .models import Account
    from .policy import Policy

__all__ = ["Amount", "DateMention", "Mention", "Mentions", "Facts", "extract", "sentences", "sentence_span",
           "sentence_start", "signature_spans", "parse_number", "resolve_year", "lazy_pattern", "keyword_pattern",
           "phrases_pattern", "words_pattern", "any_word_in", "lower_case"]


class lazy_pattern:  # noqa: N801 - used like re.compile
    """A regular expression compiled on first use, so `drafter check` pays at start-up only for the
    patterns a draft actually needs (most are skipped by a cheaper keyword test)."""

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str):
        # only called for names not set yet: compile, then keep the bound method on the instance
        value = getattr(_regex.compile(*self._args), name)
        setattr(self, name, value)
        return value


class keyword_pattern:  # noqa: N801 - used like a compiled pattern
    """A pattern that can only start at one of its keywords: the keywords are found first (far
    faster than the pattern scanning every character) and the pattern is tried only there. A few
    keywords are each found with `str.find`; more are found together by one expression factored by
    their common beginnings. `keywords` must cover every way a match can begin, as written in the
    text searched (a case-insensitive pattern is searched in the lower-cased text, with lower-case
    keywords); the pattern itself starts with `\\b` where a match must start a word."""

    FEW = 8  # up to this many keywords, one str.find pass each beats one expression over them all

    def __init__(self, keywords: tuple[str, ...], pattern: str, flags: int = 0) -> None:
        self.keywords = keywords
        self._pattern = lazy_pattern(pattern, flags)
        self._anchors = _anchors(keywords)
        self._starts = words_pattern(keywords) if len(self._anchors) > self.FEW else None

    def search(self, lower: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if self._starts is not None:
            return next(self.finditer(lower, pos, endpos), None)
        endpos = len(lower) if endpos is None else endpos
        best = None
        for anchor, following in self._anchors:
            at = lower.find(anchor, pos, endpos)
            while at >= 0 and (best is None or at < best.start()):
                if _followed(lower, at + len(anchor), following, endpos) and (
                        match := self._pattern.match(lower, at, endpos)):
                    best = match
                    break
                at = lower.find(anchor, at + 1, endpos)
        return best

    def finditer(self, lower: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        endpos = len(lower) if endpos is None else endpos
        match = self._pattern.match
        if self._starts is None:
            for at in self._keyword_places(lower, pos, endpos):
                if at >= pos and (found := match(lower, at, endpos)):
                    yield found
                    pos = max(found.end(), at + 1)
            return
        find = self._starts.search
        while keyword := find(lower, pos, endpos):
            at = keyword.start()
            if found := match(lower, at, endpos):
                yield found
                pos = max(found.end(), at + 1)
            else:
                pos = at + 1


    def _keyword_places(self, lower: str, pos: int, endpos: int) -> list[int]:
        """Where a keyword starts between `pos` and `endpos`, in order (one str.find pass per anchor)."""
        places = set()
        find = lower.find
        for anchor, following in self._anchors:
            at, size = find(anchor, pos, endpos), len(anchor)
            while at >= 0:
                if not following or (at + size < endpos and lower[at + size] in following):
                    places.add(at)
                at = find(anchor, at + 1, endpos)
        return sorted(places)


def _anchors(keywords: tuple[str, ...]) -> list[tuple[str, str]]:
    """(anchor, following) pairs that find the same places as `keywords`: keywords that differ only
    in their last character are found as their shared beginning followed by one of those characters
    ("in 3", "in 4", ... as "in " and "34..."), each anchor by one str.find pass."""
    by_beginning: dict[str, list[str]] = {}
    anchors = []
    for keyword in dict.fromkeys(keywords):
        if len(keyword) > 1:
            by_beginning.setdefault(keyword[:-1], []).append(keyword)
        else:
            anchors.append((keyword, ""))
    for beginning, group in by_beginning.items():
        if len(group) > 1:
            anchors.append((beginning, "".join(keyword[-1] for keyword in group)))
        else:
            anchors += [(keyword, "") for keyword in group]
    return anchors


def _followed(text: str, at: int, following: str, endpos: int) -> bool:
    """Whether the character at `at` (before `endpos`) is one of `following` ("": no condition)."""
    return not following or (at < endpos and text[at] in following)


class phrases_pattern:  # noqa: N801 - used like a compiled pattern
    """Whether a lower-cased text holds one of some phrases, each a keyword that starts a word and the
    pattern that must follow it (as `keyword_pattern(tuple(phrases), r"\b(?:keyword1 following1|...)")`
    would find). Each keyword is searched for by its own pattern, which re finds as fast as str.find
    (it begins with plain letters) and tries the rest of only there; one pattern for all the phrases
    would try each of their first letters at every place."""

    def __init__(self, phrases: dict[str, str], flags: int = 0) -> None:
        self.phrases, self.flags = phrases, flags
        self._patterns = []
        for keyword, following in phrases.items():
            keyword = f"(?-i:{re.escape(keyword)})"  # found as written; `\b` before it tested behind it
            self._patterns.append(lazy_pattern(rf"{keyword}(?<=\b{keyword})(?:{following})", flags))

    def found_in(self, lower: str) -> bool:
        for pattern in self._patterns:
            if pattern.search(lower):
                return True
        return False


_WORD_TESTS: dict[tuple[str, ...], tuple[list[str], list[lazy_pattern]]] = {}


def any_word_in(text: str, words: tuple[str, ...]) -> bool:
    """`any(word in text for word in words)`, in fewer passes over the text: words that share their
    first two letters are looked for by one pattern (re factors out their common beginning, finds it as
    fast as str.find and tries the rest only there); a word that shares them with none by `in`, which
    is faster than re for a lone word."""
    tests = _WORD_TESTS.get(words)
    if tests is None:
        if len(_WORD_TESTS) > 256:  # the rules ask about a few fixed lists; a plugin might ask about more
            _WORD_TESTS.clear()
        groups: dict[str, list[str]] = {}
        for word in words:
            groups.setdefault(word[:2], []).append(word)
        tests = _WORD_TESTS[words] = ([group[0] for group in groups.values() if len(group) == 1],
                                      [lazy_pattern("|".join(map(re.escape, group)))
                                       for group in groups.values() if len(group) > 1])
    for word in tests[0]:
        if word in text:
            return True
    for pattern in tests[1]:
        if pattern.search(text):
            return True
    return False


def words_pattern(words: tuple[str, ...]) -> lazy_pattern:
    """A pattern found wherever one of `words` starts (its `search` tells whether any is there)."""
    return lazy_pattern(_starts_of(words))


def _starts_of(words: tuple[str, ...]) -> str:
    """An expression matching at every place one of `words` starts, with words that share a
    beginning tried together (re tries the alternatives of a flat list one by one, and finds a
    shared literal beginning as fast as str.find)."""
    unique = sorted(set(words))
    shortest = [w for w in unique if not any(w != other and w.startswith(other) for other in unique)]
    by_first: dict[str, list[str]] = {}
    for word in shortest:
        by_first.setdefault(word[0], []).append(word)
    branches = []
    for group in by_first.values():
        if len(group) == 1:
            branches.append(re.escape(group[0]))
        else:  # none of them is the shared beginning itself: no word begins another
            shared = commonprefix(group)
            branches.append(f"{re.escape(shared)}(?:{_starts_of(tuple(w[len(shared):] for w in group))})")
    return "|".join(branches)


class Mention(NamedTuple):  # tuples: made by the dozen per draft, and cheaper to make than dataclasses
    kind: str  # invoice, email, link, days_overdue, greeting_name, signature_name, spoken_name
    start: int
    end: int
    value: str
    qualifier: str = ""  # days overdue: "more than", "nearly", ...


class Amount(NamedTuple):
    start: int
    end: int
    value: Decimal
    currency: str | None  # ISO code, "$" for any dollar, None when unstated
    precision: Decimal  # how exactly it was written: 0.01 for $8,500.00, 100 for 8.5k


class DateMention(NamedTuple):
    start: int
    end: int
    candidates: tuple[date, ...]  # more than one when the writing is ambiguous (05/12/2026)
    weekday: int | None  # 0 = Monday, when the draft names the day of the week


# Makes a mention from a tuple of all its fields: a NamedTuple's own constructor is a Python function
# around this call, and costs twice as much.
_make = tuple.__new__


@dataclass
class Mentions:
    amounts: list[Amount] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    other: list[Mention] = field(default_factory=list)

    _by_kind: dict[str, list[Mention]] | None = field(default=None, repr=False, compare=False)
    _amount_starts: list[int] | None = field(default=None, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Mention]:
        """The mentions of one kind, in the order found (grouped once, when first asked)."""
        if self._by_kind is None:
            self._by_kind = {}
            for mention in self.other:
                self._by_kind.setdefault(mention.kind, []).append(mention)
        return self._by_kind.get(kind, [])

    def amounts_between(self, start: int, end: int) -> list[Amount]:
        """The amounts that start between `start` and `end` (the amounts are in order of their starts)."""
        if self._amount_starts is None:
            self._amount_starts = [amount.start for amount in self.amounts]
        starts = self._amount_starts
        return self.amounts[bisect_left(starts, start):bisect_left(starts, end)]


# ---- patterns ----------------------------------------------------------------------------------

_MONTHS = {name: index for index, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_MONTH_NAMES = ("jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?", "july?", "aug(?:ust)?",
                "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?", "dec(?:ember)?")
_MONTH = rf"(?P<month>{'|'.join(_MONTH_NAMES)})\.?"
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
# A weekday written just before a date ("Monday, December 7"), looked for behind each date found.
_WEEKDAY_BEFORE = lazy_pattern(r"\b(?P<weekday>mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?$", re.I)
_ORD = r"(?:st|nd|rd|th)?"
_DATE_AT_NUMBER = [
    lazy_pattern(r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    lazy_pattern(r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})\b"),
    lazy_pattern(r"(?P<day>\d{1,2})" + _ORD + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?\b", re.I),
]
# A month name, then the day: by the name's first three letters (only the month that starts with them
# can match there), so that a date is read without trying every month in turn.
_MONTH_FIRST = {name[:3]: lazy_pattern(rf"(?P<month>{name})\.?\s+(?P<day>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<year>\d{{4}}))?",
                                       re.I) for name in _MONTH_NAMES}

_DIGIT = lazy_pattern(r"\d")
_URL = keyword_pattern(("http", "www."), r"(?:https?://|www\.)[^\s<>()\"']+")
_EMAIL_LOCAL = lazy_pattern(r"[\w.+-]+$")  # searched just before an @
_EMAIL_DOMAIN = lazy_pattern(r"@[\w-]+(?:\.[\w-]+)+")

_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SCALE = r"(?:\s?(?P<scale>[kKmM]\b|thousand\b|million\b))?"
_SYMBOL = r"US\$|CA\$|A\$|NZ\$|[$€£¥]"
_CODES = r"USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|SEK|NOK|DKK|MXN|INR|SGD|HKD|ZAR|PLN|CZK"
_WORDS = r"dollars?|euros?|pounds?(?:\s+sterling)?|bucks"
_AMOUNT_AT_NUMBER = [  # tried at a number with nothing but a boundary before it
    lazy_pattern(rf"(?<![\w.,])(?P<num>{_NUM}){_SCALE}\s?(?P<cur>{_SYMBOL}|\b(?:{_CODES})\b|\b(?:{_WORDS})\b)",
               re.I),
    lazy_pattern(r"(?<![\w.,$€£])(?P<num>\d+(?:\.\d{1,2})?)(?P<scale>[kK])\b"),
    lazy_pattern(r"(?<![\w.,$€£/-])(?P<num>\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+[.,]\d{2}|\d+\.\d{2})"
                 r"(?![\w%]|[.,/-]\d)"),
]
_CURRENCY_OF = {"$": "$", "us$": "USD", "ca$": "CAD", "a$": "AUD", "nz$": "NZD", "€": "EUR",
                "£": "GBP", "¥": "JPY", "dollar": "$", "dollars": "$", "bucks": "$", "euro": "EUR",
                "euros": "EUR", "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP"}

_QUALIFIER = r"more than|over|nearly|almost|about|around|roughly|at least|close to"
_DAYS_OVERDUE = lazy_pattern(
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?"
    r"(?P<days>\d{1,4})\s*(?:-\s*)?(?:calendar\s+)?days?\s+"
    r"(?:past\s+(?:the\s+|its\s+|their\s+)?due(?:\s+date)?|overdue|late|in\s+arrears|outstanding|past\s+terms)",
    re.I)
_QUALIFIER_TAIL = lazy_pattern(rf"\b(?:{_QUALIFIER})\s+$", re.I)
_OVERDUE_BY = lazy_pattern(rf"(?:overdue|late|past due)\s+by\s+(?:(?P<qual>{_QUALIFIER})\s+)?(?P<days>\d{{1,4}})"
                         r"\s+days?", re.I)
_OVERDUE_BY_TAIL = lazy_pattern(rf"\b(?:overdue|late|past due)\s+by\s+(?:(?:{_QUALIFIER})\s+)?$", re.I)
# Greetings and closings start a line: searched from the line break before them (a fast scan).
# Each begins with one of a few letters: a line that starts otherwise is passed over at its first letter.
_GREETING = (r"(?=[dhg])(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening))[ \t]+"
             r"(?P<name>[A-Z][\w'’.-]*(?:[ \t]+(?:[A-Z][\w'’.-]*|and|&|or))*)[ \t]*[,:!—-]?")
_CLOSING_LINE = (r"(?=[bkwrstmcay])(?:best(?:\s+regards|\s+wishes)?|kind\s+regards|warm\s+regards|regards|"
                 r"sincerely(?:\s+yours)?|yours\s+(?:sincerely|faithfully|truly)|thanks|thank\s+you|"
                 r"many\s+thanks|cheers|respectfully|with\s+thanks|all\s+the\s+best)[ \t]*[,.!]?[ \t]*(?=\n|$)")
_CLOSING = lazy_pattern(r"\n[ \t]*" + _CLOSING_LINE, re.I)
# Both in one scan: they begin with different words, and a greeting holds no line break, so neither
# hides a line break the other could start from.
_GREETING_OR_CLOSING = lazy_pattern(rf"\n[ \t]*(?=[dhgbkwrstmcay])(?:{_GREETING}|(?P<closing>{_CLOSING_LINE}))", re.I)
_TITLE_AFTER_NAME = lazy_pattern(r"\s*(?:,|\||\s[-–—]\s)\s*")
_SPOKEN_NAME = keyword_pattern(("this is", "my name is", "it's", "it is"),
                               r"(?:this is|my name is|it's|it is)\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
                               r"(?=\s+(?:from|with|at|calling|in)\b)")
# One character class first, so re skips ahead to the next candidate instead of trying every branch
# at every character: after a full stop, a blank line, or a line break before a list item.
_SENTENCE_END = lazy_pattern(r"[.!?\n](?:(?<=[.!?])\s+(?=[A-Z0-9\"'(])|(?<=\n)\s*\n|(?<=\n)(?=\s*(?:[-*•]|\d+[.)])\s))")


# Facts are found number first. One scan (`_facts_from(0)`) finds where each fact could start: the
# first digit of a number, with the kinds of fact it could begin tried in order. Each kind is then
# read by its own pattern; a reading that does not hold up (no month before "5", an impossible date)
# falls through to the kinds after it, as a reader would.
_MONTH_ENDS = "(?:jan|ary|feb|mar|rch|apr|ril|may|jun|une|jul|uly|aug|ust|sep|ept|ber|oct|nov|dec)"
_FIRST_DIGIT = r"[0-9](?<![0-9][0-9])"  # the kinds below continue after it
_ALNUM_BEFORE = r"(?<![^\W_].)"
_NUM_REST = r"(?:[0-9]{0,2}(?:[,.\u00a0 ][0-9]{3})+(?:[.,][0-9]{1,2})?|[0-9]*(?:[.,][0-9]{1,2})?)"
# "Oct 5", "October 5": the space before the number is tested first, which rules most numbers out
_MONTH_DAY = rf"(?<=\ .)(?:(?<={_MONTH_ENDS}\ .)|(?<={_MONTH_ENDS}\.\ .))[0-9]?(?![0-9])"


def _signed(kind: str) -> str:
    r"""After a currency sign or code (one space allowed): read on to the end of the amount, as
    `(?P<cur>{_SYMBOL}|{_CODES})\s?(?P<num>{_NUM}){_SCALE}` reads it from the sign, so the reader has
    nothing left to match."""
    return (rf"(?:(?<=[$€£¥].)|(?<=[$€£¥]\s.)|(?<=\b(?-i:{_CODES}).)|(?<=\b(?-i:{_CODES})\s.))"
            rf"(?P<{kind}_rest>\d{{0,2}}(?:[,.\u00a0 ]\d{{3}})+(?:[.,]\d{{1,2}})?|\d*(?:[.,]\d{{1,2}})?)"
            rf"(?-i:(?:\s?(?P<{kind}_scale>[kKmM]\b|thousand\b|million\b))?)")


_FACT_KINDS = [
    # The commonest facts, "October 1, 2026" and "$8,500.00", first: none of the kinds before their
    # own (iso to days) can match a number followed by a comma like this, so they need not be tried.
    ("month_day_comma", r"(?=[0-9]?,)" + _MONTH_DAY),
    ("signed_thousands", r"(?=[0-9]{0,2},[0-9]{3})" + _signed("signed_thousands")),
    ("iso", _ALNUM_BEFORE + r"[0-9]{3}-[0-9]{2}-[0-9]{2}\b"),
    ("numeric", _ALNUM_BEFORE + r"[0-9]?(?P<sep>[/.])[0-9]{1,2}(?P=sep)(?:[0-9]{4}|[0-9]{2})\b"),
    ("day_month", _ALNUM_BEFORE + r"[0-9]?" + _ORD + r"\s+(?:of\s+)?" + _MONTH.replace("?P<month>", "")),
    ("month_day", _MONTH_DAY),
    ("days", r"[0-9]{0,3}\s*(?:-\s*)?(?:calendar\s+)?days?\b"),  # with a qualifier or "overdue by"?
    ("signed", _signed("signed")),
    ("worded", rf"(?<![\w.,].)(?>{_NUM_REST}){_SCALE}\s?(?=[$€£¥a-z])(?:{_SYMBOL}|\b(?:{_CODES})\b|\b(?:{_WORDS})\b)"),
    ("thousands", r"(?<![\w.,$€£].)[0-9]*(?:\.[0-9]{1,2})?k\b"),
    ("decimal", r"(?<![\w.,$€£/-].)(?:[0-9]{0,2}(?:,[0-9]{3})+\.[0-9]{2}|[0-9]{0,2}(?:\.[0-9]{3})+[.,][0-9]{2}"
                r"|[0-9]*\.[0-9]{2})(?![\w%]|[.,/-][0-9])"),
]
_KIND_INDEX = {name: index for index, (name, _) in enumerate(_FACT_KINDS)}
_FACTS_FROM: dict[int, re.Pattern[str]] = {}


def _facts_from(index: int) -> re.Pattern[str]:
    """The scan for the kinds of fact from `index` on (all of them for 0)."""
    pattern = _FACTS_FROM.get(index)
    if pattern is None:
        kinds = "|".join(f"(?P<{name}>{rest})" for name, rest in _FACT_KINDS[index:])
        pattern = _FACTS_FROM[index] = _regex.compile(f"{_FIRST_DIGIT}(?:{kinds})", re.I)
    return pattern



def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences (and list items, and paragraphs) in `text`."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + (text[match.start()] in ".!?")  # the full stop belongs to its sentence
        if end > start and (not text[start].isspace() or text[start:end].strip()):
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentence_start(text: str, position: int, floor: int = 0) -> int:
    """Where the sentence (of `sentences(text)`) holding `position` starts, or `floor` if that is
    later; `position` is a character of a sentence, not of the end before it. Only the sentence ends
    from a little before `floor` on are looked for: an end is a full stop, a line break and the spaces
    after them, so the search may start after any other character and finds the same ends there as
    from the beginning of the text."""
    fresh = floor
    while fresh and (text[fresh - 1].isspace() or text[fresh - 1] in ".!?"):
        fresh -= 1
    start = floor
    for end in _SENTENCE_END.finditer(text, fresh):
        if end.start() >= position:
            break
        start = max(start, end.end())
    return start


def sentence_span(text: str, position: int) -> tuple[int, int]:
    """The sentence (of `sentences(text)`) holding `position`, a character that is no space and no
    full stop, found from the sentence ends near it (see `sentence_start`): from a little before it,
    further back only while there is no sentence end between there and `position`."""
    reach = 256
    while True:
        fresh = max(0, position - reach)
        while fresh and (text[fresh - 1].isspace() or text[fresh - 1] in ".!?"):
            fresh -= 1
        start, end = None, len(text)
        for match in _SENTENCE_END.finditer(text, fresh):
            if match.start() >= position:
                end = match.start() + (text[match.start()] != "\n")  # the full stop belongs to its sentence
                break
            start = match.end()
        if start is not None or not fresh:
            return start or 0, end
        reach *= 4


def parse_number(text: str) -> Decimal | None:
    """A number as people write it: 8,500.00 / 8.500,00 / 8 500 / 8500.5."""
    text = text.replace("\u00a0", " ")
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_mark = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        mark = "." if last_dot >= 0 else ","
        decimals = len(text) - text.rfind(mark) - 1
        # "12.400.00": the same mark for thousands and cents; two digits after the last one are cents
        decimal_mark = mark if decimals in (1, 2) or (text.count(mark) == 1 and decimals != 3) else None
    else:
        decimal_mark = None
    whole, _, fraction = text.rpartition(decimal_mark) if decimal_mark else (text, "", "")
    digits = "".join(ch for ch in whole if ch.isdigit())
    if fraction:
        digits += "." + "".join(ch for ch in fraction if ch.isdigit())
    try:
        return Decimal(digits) if digits.strip(".") else None
    except InvalidOperation:
        return None


def _scale(word: str | None) -> Decimal:
    if not word:
        return Decimal(1)
    return Decimal(1000) if word.lower() in ("k", "thousand") else Decimal(1_000_000)


def resolve_year(month: int, day: int, as_of: date) -> date | None:
    """A date written without a year: the one nearest to `as_of`."""
    best = None
    for year in (as_of.year - 1, as_of.year, as_of.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - as_of).days) < abs((best - as_of).days):
            best = candidate
    return best


def _make_date(year: int | None, month: int, day: int, as_of: date) -> date | None:
    if year is None:
        return resolve_year(month, day, as_of)
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


_PARSED: dict[tuple[str, str, date | None], object] = {}  # a fact's wording -> what it reads as


def _reading(match: re.Match[str], as_of: date | None):
    """What `match` was read as before (keyed by the pattern's text, not the compiled pattern:
    hashing that hashes all its code), or `_PARSED` when it is new: drafts for one account repeat
    the same figures and dates."""
    return _PARSED.get((match.re.pattern, match.group(), as_of), _PARSED)


def _remember(match: re.Match[str], as_of: date | None, reading):
    if len(_PARSED) > 4096:
        _PARSED.clear()
    _PARSED[match.re.pattern, match.group(), as_of] = reading
    return reading


def _date_candidates(match: re.Match[str], as_of: date) -> tuple[date, ...]:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("month"):
        if match.group("month") == "may" or match.group("month") == "mar":
            return ()  # "you may 5 ..." / "mar" as a verb: only a capitalised month counts
        month = _MONTHS.get(groups["month"].lower())
        if month is None:
            return ()  # a look-alike letter matched case-insensitively ("auguſt"): no month we know
        candidates = [_make_date(year, month, int(groups["day"]), as_of)]
    elif groups.get("mnum"):
        candidates = [_make_date(year, int(groups["mnum"]), int(groups["day"]), as_of)]
    else:
        a, b = int(groups["a"]), int(groups["b"])
        if groups["sep"] == ".":
            candidates = [_make_date(year, b, a, as_of)]  # 05.12.2026 is day-first
        else:
            candidates = [_make_date(year, a, b, as_of), _make_date(year, b, a, as_of)]
    return tuple(dict.fromkeys(c for c in candidates if c is not None))


_START = itemgetter(0)  # the start of an Amount or a DateMention


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in taken:  # a plain loop: a generator costs more than the tests themselves
        if end > a and start < b:
            return False
    return True


def lower_case(text: str) -> str:
    """`text` in lower case, of the same length (so spans carry over): the few characters that lower-case
    to two stay as they are."""
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower


def extract(text: str, as_of: date, invoice_pattern: InvoicePattern | None = None, lower: str | None = None
            ) -> Mentions:
    """Every fact-like mention in `text`. Dates without a year are read as the one nearest `as_of`;
    `invoice_pattern` finds invoice numbers (see `Facts.invoice_pattern`); `lower` is `lower_case(text)`,
    when already known."""
    found = Mentions()
    taken: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        if match.start() and text[match.start() - 1].isalnum():
            continue
        url = match.group().rstrip(".,;:!?)]'\"")
        found.other.append(Mention("link", match.start(), match.start() + len(url), url))
        taken.append((match.start(), match.start() + len(url)))
    at = text.find("@")
    while at > 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at)
        if local and domain and _free(taken, local.start(), domain.end()):
            found.other.append(Mention("email", local.start(), domain.end(), text[local.start():domain.end()]))
            taken.append((local.start(), domain.end()))
        at = text.find("@", at + 1)
    if _DIGIT.search(text):  # every remaining kind of fact is written with digits
        _numeric(text, as_of, invoice_pattern, found, taken, lower)
    found.amounts.sort(key=_START)
    found.dates.sort(key=_START)
    _names(text, found)
    return found


def _numeric(text: str, as_of: date, invoice_pattern: InvoicePattern | None, found: Mentions,
             taken: list[tuple[int, int]], lower: str | None) -> None:
    if invoice_pattern is not None:
        for start, end in invoice_pattern.spans(text, lower):
            if _free(taken, start, end):
                found.other.append(_make(Mention, ("invoice", start, end, text[start:end], "")))
                taken.append((start, end))
    busy, next_busy = sorted(taken), 0  # links, emails and invoice numbers: their digits are no other fact
    search, readers, position = _facts_from(0).search, _READERS, 0
    while match := search(text, position):
        start = match.start()
        if busy:
            while next_busy < len(busy) and busy[next_busy][1] <= start:
                next_busy += 1
            if next_busy < len(busy) and busy[next_busy][0] <= start:
                position = busy[next_busy][1]
                continue
        kind = match.lastgroup
        end = readers[kind](text, match, as_of, found) or _later_kinds(text, start, kind, as_of, found)
        position = end or start + 1


def _later_kinds(text: str, start: int, kind: str, as_of: date, found: Mentions) -> int | None:
    """When the fact at `start` does not hold up as `kind`, read it as the next kind that does (added
    to `found`): its end, or None if none holds up."""
    while (following := _KIND_INDEX[kind] + 1) < len(_FACT_KINDS):
        match = _facts_from(following).match(text, start)
        if match is None:
            return None
        kind = match.lastgroup
        end = _READERS[kind](text, match, as_of, found)
        if end:
            return end
    return None


def _read_date(index: int):
    def read(text: str, fact: re.Match[str], as_of: date, found: Mentions) -> int | None:
        return _add_date(_DATE_AT_NUMBER[index].match(text, fact.start()), text, as_of, found)
    return read


def _read_month_day(text: str, fact: re.Match[str], as_of: date, found: Mentions) -> int | None:
    start = fact.start()
    window = start - 12 if start > 12 else 0
    # the scan found letters ending a month name before the space before the number: `before` has them
    before = text[window:start].rstrip().removesuffix(".")
    word = before.rsplit(None, 1)[-1].lstrip("([{\"'")
    month = _MONTH_FIRST.get(word[:3].lower())
    if month is None or not word.isalpha():  # the usual case: no month before
        return None
    return _add_date(month.match(text, window + len(before) - len(word)), text, as_of, found)


# The last letters of the qualifiers and of "by", and every letter re.IGNORECASE matches to them: the
# tails below can only end (before their spaces) in one of these.
_TAIL_LAST_LETTERS = frozenset("nNrRyYtTdDoO")


def _read_days(text: str, fact: re.Match[str], as_of: date, found: Mentions) -> int | None:
    start = fact.start()
    window = max(0, start - 32)
    before = text[window:start]
    # both tails end in a qualifier or "by" and then spaces: most numbers have neither before them
    tailed = before[-1:].isspace() and before.rstrip()[-1:] in _TAIL_LAST_LETTERS
    for tail, pattern in ((_QUALIFIER_TAIL, _DAYS_OVERDUE), (_OVERDUE_BY_TAIL, _OVERDUE_BY)):
        qualifier = tail.search(text, window, start) if tailed else None
        match = pattern.match(text, qualifier.start() if qualifier else start)
        if match and match.start("days") == start:
            found.other.append(_make(Mention, ("days_overdue", match.start(), match.end(), match.group("days"),
                                               (match.group("qual") or "").lower())))
            return match.end()
    return None


_SIGNS = frozenset("$€£¥")
_SIGNED_READ: dict[str, tuple[Decimal, str | None, Decimal] | None] = {}  # an amount as written -> its reading


def _read_signed(kind: str):
    rest, scale = kind + "_rest", kind + "_scale"

    def read(text: str, fact: re.Match[str], as_of: date, found: Mentions) -> int | None:
        """The amount the scan read from the digit after a currency sign or code (one space is
        allowed: "$ 8,500"); it starts at the sign, or at the "US" of "US$"."""
        start, end = fact.span()
        sign = start - 2 if text[start - 1].isspace() else start - 1
        if text[sign] in _SIGNS:
            begin = sign
            if text[sign] == "$":  # US$, CA$, NZ$, A$
                begin -= 2 if text[sign - 2:sign] in ("US", "CA", "NZ") else text[sign - 1:sign] == "A"
        else:  # a currency code: USD 8,500
            begin = sign - 2
        written = text[begin:end]
        reading = _SIGNED_READ.get(written, _PARSED)
        if reading is _PARSED:
            if len(_SIGNED_READ) > 4096:
                _SIGNED_READ.clear()
            reading = _SIGNED_READ[written] = _amount_value(text[start:fact.end(rest)], fact.group(scale),
                                                            text[begin:sign + 1])
        if not reading:
            return None
        found.amounts.append(_make(Amount, (begin, end, *reading)))
        return end
    return read


def _read_amount(index: int):
    def read(text: str, fact: re.Match[str], as_of: date, found: Mentions) -> int | None:
        return _add_amount(_AMOUNT_AT_NUMBER[index].match(text, fact.start()), found)
    return read


_READERS = {"month_day_comma": _read_month_day, "signed_thousands": _read_signed("signed_thousands"),
            "iso": _read_date(0), "numeric": _read_date(1), "day_month": _read_date(2),
            "month_day": _read_month_day, "days": _read_days, "signed": _read_signed("signed"),
            "worded": _read_amount(0), "thousands": _read_amount(1), "decimal": _read_amount(2)}


def _add_date(match: re.Match[str] | None, text: str, as_of: date, found: Mentions) -> int | None:
    """Add the date `match` reads as (its end), or None if it is no date."""
    if match is None:
        return None
    candidates = _reading(match, as_of)
    if candidates is _PARSED:
        candidates = _remember(match, as_of, _date_candidates(match, as_of))
    if not candidates:
        return None
    start, end = match.span()
    weekday = None
    if "day" in text[start - 16 if start > 16 else 0:start].lower():
        before = _WEEKDAY_BEFORE.search(text, max(0, start - 16), start)
        if before:
            weekday = _WEEKDAYS.index(before.group("weekday").lower())
            start = before.start()
    found.dates.append(_make(DateMention, (start, end, candidates, weekday)))
    return end


def _add_amount(match: re.Match[str] | None, found: Mentions) -> int | None:
    """Add the amount `match` reads as (its end), or None if it is no amount."""
    if match is None:
        return None
    read = _reading(match, None)
    if read is _PARSED:
        groups = match.groupdict()
        read = _remember(match, None, _amount_value(groups["num"], groups.get("scale"), groups.get("cur")))
    if not read:
        return None
    start, end = match.span()
    found.amounts.append(_make(Amount, (start, end, *read)))
    return end


def _amount_value(number_text: str, scale: str | None, currency_text: str | None
                  ) -> tuple[Decimal, str | None, Decimal] | None:
    """(value, currency, precision) of an amount as written: its number, scale word and currency."""
    number = parse_number(number_text)
    if number is None:
        return None
    factor = _scale(scale)
    currency_text = (currency_text or "").strip()
    currency = _CURRENCY_OF.get(currency_text.lower(), currency_text.upper() or None)
    exponent = number.as_tuple().exponent
    precision = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) * factor
    return number * factor, currency, precision


def _names(text: str, found: Mentions) -> None:
    lined = "\n" + text  # every line now follows a line break; spans found in it are one too far
    signatures = []
    for match in _GREETING_OR_CLOSING.finditer(lined):
        if match.start("closing") < 0:
            start, end = match.span("name")
            found.other.append(Mention("greeting_name", start - 1, end - 1, match.group("name").strip()))
            continue
        rest = text[match.end() - 1:match.end() + 400]  # the signature is the next line with words on it
        line = next((ln for ln in rest.splitlines() if ln.strip()), "")
        if line and len(line.split()) <= 5 and "@" not in line:
            start = match.end() - 1 + rest.index(line) + (len(line) - len(line.lstrip()))
            name = _TITLE_AFTER_NAME.split(line.strip(), 1)[0]  # "Jordan Reyes, Collections Specialist"
            signatures.append(Mention("signature_name", start, start + len(name), name))
    found.other += signatures  # after the greetings, as each kind is listed in the order found
    for match in _SPOKEN_NAME.finditer(text):
        if match.start() and text[match.start() - 1].isalnum():
            continue
        found.other.append(Mention("spoken_name", *match.span("name"), match.group("name")))


_SMALL_WORDS = frozenset({"of", "and", "&", "for", "the", "at", "to", "in", "-", "|", "–", "—"})


def signature_spans(text: str) -> list[tuple[int, int]]:
    """The sender's sign-off block: the short lines under a closing ("Best regards,", "Thanks,") up to
    a blank line: name, job title, company, contact details. Only lines written like a name or a
    title (every word capitalised but small ones such as "of") or holding contact details count; any
    other line ends the block, so a threat written under the name is still judged."""
    spans = []
    for match in _CLOSING.finditer("\n" + text):
        start = end = match.end() - 1
        for line in text[start:start + 600].split("\n")[1:7]:
            if not _signature_line(line):
                break
            end += 1 + len(line)
        if end > start:
            spans.append((start, end))
    return spans


def _signature_line(line: str) -> bool:
    words = line.replace(",", " ").split()
    if not words or len(words) > 8:
        return False
    if "@" in line or sum(c.isdigit() for c in line) >= 5:  # an email address or a phone number
        return True
    return all(word[0].isupper() or not word[0].isalpha() or word.lower() in _SMALL_WORDS for word in words)


# ---- the facts ---------------------------------------------------------------------------------

_GENERIC_ADDRESSEES = {"team", "all", "there", "everyone", "accounts", "payable", "receivable",
                       "finance", "billing", "sir", "madam", "or", "and", "&", "colleagues", "friends",
                       "ap", "department", "folks", "customer"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mx", "prof"}


def _words(name: str) -> set[str]:
    return {w.strip(".,'’").lower() for w in name.split() if w.strip(".,'’")}


def _normal_link(url: str) -> str:
    url = url.lower().rstrip("/")
    for prefix in ("https://", "http://", "www."):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.")


@dataclass
class Facts:
    """What the account and the pack say is true, in the shapes the grounding rules compare."""

    as_of: date
    amounts: dict[Decimal, set[str]]  # value -> currencies it is known in
    balance_targets: set[Decimal]  # what a plan may add up to: a balance, the overdue or total balance
    currencies: set[str]
    invoices: dict[str, str]  # lower-cased number -> number as written in the account
    invoice_digits: dict[str, str]  # the digits of a number -> number
    invoice_pattern: InvoicePattern
    dates: set[date]
    days_overdue: set[int]
    people: list[set[str]]  # their contacts and our staff: the words of each name
    staff: list[set[str]]  # our side, who may sign
    organisations: list[set[str]]
    emails: set[str]
    links: set[str]
    _amounts_known: dict[tuple[Decimal, str | None, Decimal], bool] = field(default_factory=dict, repr=False,
                                                                           compare=False)
    _currencies_known: dict[str | None, bool] = field(default_factory=dict, repr=False, compare=False)
    _dates_fit: dict[tuple[tuple[date, ...], date], bool] = field(default_factory=dict, repr=False, compare=False)
    _names_known: dict[tuple[str, bool], bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, account: Account, policy: Policy, as_of: date) -> Facts:
        open_invoices = [inv for inv in account.invoices if inv.open_balance > 0]
        amounts: dict[Decimal, set[str]] = {}

        def add(value: Decimal | None, currency: str) -> None:
            if value is not None:
                amounts.setdefault(value.quantize(CENT), set()).add(currency)

        for inv in account.invoices:
            add(inv.amount, inv.currency)
            add(inv.open_balance, inv.currency)
            add(inv.amount - inv.open_balance, inv.currency)
        for item in (*account.payments, *account.promises):
            add(item.amount, item.currency if hasattr(item, "currency") else _currency_of(account))
        for dispute in account.disputes:
            add(dispute.amount, _currency_of(account))
        targets = _subset_sums(open_invoices, add)
        statutory = policy.jurisdiction.statutory if policy.jurisdiction else None
        if statutory:
            for band in statutory.compensation:
                add(band.amount, statutory.currency)
                add(band.min_debt, statutory.currency)
                if band.min_debt > 0:
                    add(band.min_debt - CENT, statutory.currency)
        for figure in _money_in_text(account.terms.late_fee):
            add(figure, _currency_of(account))
        invoices = {inv.number.lower(): inv.number for inv in account.invoices}
        for ref in [p.invoice for p in account.payments] + [p.invoice for p in account.promises] + \
                [d.invoice for d in account.disputes] + [inv.po_number for inv in account.invoices]:
            if ref:
                invoices.setdefault(ref.lower(), ref)
        digits = {re.sub(r"\D", "", number): number for number in invoices.values() if re.search(r"\d", number)}
        dates = {as_of}
        for inv in account.invoices:
            dates.update((inv.issued, inv.due))
        dates.update(p.date for p in account.payments)
        for promise in account.promises:
            dates.update((promise.made_on, promise.promised_for))
        for dispute in account.disputes:
            dates.add(dispute.opened)
            if dispute.resolved_on:
                dates.add(dispute.resolved_on)
        dates.update(c.date for c in account.communications)
        if account.terms.lien_deadline:
            dates.add(account.terms.lien_deadline)
        staff_names = [policy.message.finance_leader, policy.message.executive, policy.message.billing_team,
                       policy.message.company_name]
        staff_names += [s.name for s in (account.account_owner, account.collector) if s]
        emails = {c.email.lower() for c in account.contacts if c.email}
        emails |= {s.email.lower() for s in (account.account_owner, account.collector) if s and s.email}
        emails.add(policy.message.billing_email.lower())
        links = {_normal_link(account.terms.payment_link)} if account.terms.payment_link else set()
        return cls(
            as_of=as_of,
            amounts=amounts,
            balance_targets=targets,
            currencies={inv.currency for inv in account.invoices},
            invoices=invoices,
            invoice_digits=digits,
            invoice_pattern=InvoicePattern(invoices.values()),
            dates=dates,
            days_overdue={(as_of - inv.due).days for inv in open_invoices if inv.due < as_of},
            people=[_words(c.name) for c in account.contacts] + [_words(n) for n in staff_names],
            staff=[_words(n) for n in staff_names],
            organisations=[_words(account.customer.name), _words(policy.message.company_name)],
            emails=emails,
            links=links,
        )

    # -- comparisons used by the rules --

    def amount_known(self, amount: Amount) -> bool:
        """Whether the account has this figure (worked out once per figure: drafts repeat them)."""
        key = amount[2:]  # value, currency, precision
        known = self._amounts_known.get(key)
        if known is None:
            known = self._amounts_known[key] = self._amount_known(amount)
        return known

    def _amount_known(self, amount: Amount) -> bool:
        if amount.precision <= CENT:  # written to the cent: only that figure will do
            currencies = self.amounts.get(amount.value.quantize(CENT))
            return currencies is not None and _currency_fits(amount.currency, currencies)
        for value, currencies in self.amounts.items():
            if abs(value - amount.value) * 2 < amount.precision if amount.precision > CENT else \
                    value == amount.value.quantize(CENT):
                if _currency_fits(amount.currency, currencies):
                    return True
        return False

    def currency_known(self, currency: str | None) -> bool:
        known = self._currencies_known.get(currency)
        if known is None:
            known = self._currencies_known[currency] = _currency_fits(currency, self.currencies)
        return known

    def invoice_known(self, written: str) -> bool:
        if written.lower() in self.invoices:
            return True
        digits = re.sub(r"\D", "", written)
        return (written.isdigit() or written.startswith("#")) and digits in self.invoice_digits

    def date_known(self, candidates: tuple[date, ...]) -> bool:
        return any(d in self.dates for d in candidates)

    def date_fits(self, mention: DateMention, as_of: date) -> bool:
        """A date on the account, or a coming one (a deadline): worked out once per date."""
        key = (mention.candidates, as_of)
        fits = self._dates_fit.get(key)
        if fits is None:
            fits = self._dates_fit[key] = self.date_known(mention.candidates) or future(mention, as_of)
        return fits

    def name_known(self, name: str, among: list[set[str]]) -> bool:
        if among is not self.people and among is not self.staff:
            return self._name_known(name, among)
        key = (name, among is self.staff)
        known = self._names_known.get(key)
        if known is None:
            known = self._names_known[key] = self._name_known(name, among)
        return known

    def _name_known(self, name: str, among: list[set[str]]) -> bool:
        words = _words(name) - _TITLES
        if not words or words <= _GENERIC_ADDRESSEES:
            return True
        words -= _GENERIC_ADDRESSEES
        return any(words <= known for known in among + self.organisations)

    def link_known(self, url: str, allowed: list[str]) -> bool:
        link = _normal_link(url)
        hosts = [_normal_link(h) for h in allowed]
        return link in self.links or any(link == h or link.startswith(h + "/") for h in hosts)


def _currency_of(account: Account) -> str:
    return account.invoices[0].currency


def _currency_fits(written: str | None, known: set[str]) -> bool:
    if written is None:
        return True
    if written == "$":
        return any(code.endswith("D") and code in ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN")
                   for code in known)
    return written in known


def _subset_sums(open_invoices, add) -> set[Decimal]:
    """Balances a draft may quote: each open invoice's, and the sum of any group of them."""
    targets: set[Decimal] = set()
    by_currency: dict[str, list[Decimal]] = {}
    for inv in open_invoices:
        by_currency.setdefault(inv.currency, []).append(inv.open_balance)
    for currency, balances in by_currency.items():
        sizes = range(1, len(balances) + 1) if len(balances) <= 10 else (1, len(balances))
        for size in sizes:
            for group in combinations(balances, size):
                total = sum(group, Decimal(0))
                targets.add(total)
                add(total, currency)
    return targets


_FIGURE = lazy_pattern(r"[$€£]?\s?(\d[\d,]*(?:\.\d+)?)(?!\s?%)")


def _money_in_text(clause: str | None) -> list[Decimal]:
    if not clause:
        return []
    return [v for v in (parse_number(m.group(1)) for m in _FIGURE.finditer(clause)) if v is not None]


_LABELLED_INVOICE = lazy_pattern(r"(?i:invoices?\s*(?:no\.?|number|num\.?|#))\s*:?\s*(?P<number>#?[A-Z0-9][\w-]*\d)\b")
_HASHED_INVOICE = lazy_pattern(r"#\d{3,}\b")


class InvoicePattern:
    """Finds what reads as an invoice number: the account's own numbers as written (any case, as
    whole tokens: `G-7` but not `G-70`), anything shaped like them (`INV-1043` where the account's
    numbers start INV, and any `INV-...`), and any `invoice #1043` / `invoice no. 1043` / `#1043`."""

    def __init__(self, numbers) -> None:
        numbers = list(numbers)
        prefixes = {m.group(1) for n in numbers if (m := re.match(r"([A-Za-z]{2,})[-_/ ]?\d", n))}
        prefixes.update({"INV", "Inv"})
        shaped = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
        self._shaped = keyword_pattern(tuple(prefixes), rf"(?:{shaped})[-_/]?\d(?:[\w/-]*\d)?\b")
        # digits alone ("1042") count only when labelled ("invoice 1042"), or they would swallow amounts
        own = {n.lower() for n in numbers if _has_letter_and_digit(n)}
        # A number made only of token characters stands whole exactly where a run of them starts that
        # is the number, or the number and a "-": those runs are found by one pattern per beginning the
        # numbers share (instead of one pass over the text per number). Others are found one by one.
        self._own_tokens = {n for n in own if _TOKEN_RUN.fullmatch(n)}
        self._own = sorted(own - self._own_tokens, key=len, reverse=True)
        groups: dict[str, list[str]] = {}
        for number in self._own_tokens:
            groups.setdefault(number[:2], []).append(number)
        self._token_runs = [lazy_pattern(rf"{re.escape(commonprefix(group))}(?<!{_TOKEN_CHAR}"
                                         rf"{re.escape(commonprefix(group))}){_TOKEN_CHAR}*")
                            for group in groups.values()]

    def spans(self, text: str, lower: str | None = None) -> list[tuple[int, int]]:
        """The spans in `text` (whose `lower_case` is `lower`, when known)."""
        spans = [m.span() for m in self._shaped.finditer(text) if m.start() == 0 or not text[m.start() - 1].isalnum()]
        lower = lower_case(text) if lower is None else lower
        for runs in self._token_runs:
            for run in runs.finditer(lower):
                start, end, written = run.start(), run.end(), run.group()
                if written in self._own_tokens:
                    spans.append((start, end))
                if written[-1] == "-" and written[:-1] in self._own_tokens:
                    spans.append((start, end - 1))
        for number in self._own:
            spans += _token_spans(lower, number)
        at = lower.find("invoice")
        while at >= 0:  # "invoice #1043", "invoice no. 1043"
            if not (at and (lower[at - 1].isalnum() or lower[at - 1] == "_")) and (
                    labelled := _LABELLED_INVOICE.match(text, at)):
                spans.append(labelled.span("number"))
            at = lower.find("invoice", at + 7)
        if "#" in text:
            spans += [m.span() for m in _HASHED_INVOICE.finditer(text)]
        return sorted(set(spans), key=lambda span: (span[0], -span[1]))


_TOKEN_CHAR = r"[\w-]"  # a character that would continue an invoice number (see _token_char)
_TOKEN_RUN = lazy_pattern(_TOKEN_CHAR + "+")


def _token_spans(lower: str, token: str) -> list[tuple[int, int]]:
    """Where `token` stands whole in `lower`: not inside a longer number (`G-7` in `G-70`)."""
    spans = []
    at = lower.find(token)
    while at >= 0:
        end = at + len(token)
        after = lower[end:end + 1]
        if not _token_char(lower[at - 1:at]) and not (
                _token_char(after) and after != "-" or after == "-" and _token_char(lower[end + 1:end + 2])):
            spans.append((at, end))
        at = lower.find(token, at + 1)
    return spans


def _has_letter_and_digit(number: str) -> bool:
    return any(c.isalpha() for c in number) and any(c.isdigit() for c in number)


def _token_char(char: str) -> bool:
    """Whether `char` would continue an invoice number (a letter, digit, _ or -)."""
    return char.isalnum() or char in ("_", "-") if char else False


def overdue_days_ok(mention: Mention, facts: Facts) -> bool:
    """Whether "N days overdue" (with its qualifier) is true of some open invoice."""
    days = int(mention.value)
    actual = facts.days_overdue
    if not actual:
        return False
    qualifier = mention.qualifier
    if qualifier in ("more than", "over"):
        return any(a > days for a in actual)
    if qualifier == "at least":
        return any(a >= days for a in actual)
    if qualifier in ("nearly", "almost", "close to"):
        return any(days - max(7, days // 10) <= a < days for a in actual) or days in actual
    if qualifier in ("about", "around", "roughly"):
        return any(abs(a - days) <= max(3, days // 10) for a in actual)
    return days in actual or (days - 1) in actual or (days + 1) in actual


def future(dates: DateMention, as_of: date, within_days: int = 366) -> bool:
    return any(as_of < d <= as_of + timedelta(days=within_days) for d in dates.candidates)
