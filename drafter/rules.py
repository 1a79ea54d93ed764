"""The guard's rules: the built-in ones, and rules an organisation adds as plugins.

A rule has an id, a default severity (`block` stops a draft, `warn` only reports), a one-line summary
and a `check(ctx, options)` function that yields `Hit`s: character spans in the draft's text with a
message a collector understands and, where one exists, a suggested rewrite. `ctx` is a
`drafter.guard.Context` (the draft text, account, policy, tier, dispute state, classified statements,
extracted facts); `options` are the rule's settings from the pack (`rules: {rule-id: {...}}`).

Plugins: a package declares an entry point in the group `drafter.rules` whose name is the rule id and
whose value is a `Rule` (or a function returning one). Plugins are imported only when a pack enables
their id; a pack naming an id that is neither built in nor installed does not load.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from .errors import PolicyError
from .grounding import keyword_pattern, lazy_pattern, overdue_days_ok, phrases_pattern
from .money import format_money
from .policy import REMEDY_CATEGORIES

if TYPE_CHECKING:
    from .guard import Context
    from .policy import Policy

__all__ = ["Hit", "Rule", "UnknownRule", "BUILTIN", "ENTRY_POINT_GROUP", "get_rule", "active_rules",
           "CATEGORY_LABELS"]

ENTRY_POINT_GROUP = "drafter.rules"


@dataclass(frozen=True)
class Hit:
    """One problem a rule found: a span of the draft's text, and what to tell the collector."""

    start: int
    end: int
    message: str
    suggestion: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Literal["block", "warn"]
    summary: str  # what the rule checks, in one line (shown by `drafter policy show`)
    check: Callable[[Context, dict[str, Any]], Iterable[Hit]]
    options: dict[str, type] = field(default_factory=dict)  # option name -> expected type
    builtin: bool = False  # built-in rules run unless a pack disables them; plugins run when enabled

    def option_problem(self, options: dict[str, Any]) -> tuple[str, str] | None:
        """(option, message) for the first option the rule does not take or of the wrong type."""
        for key, value in options.items():
            expected = self.options.get(key)
            if expected is None:
                valid = ", ".join(["enabled", "severity", *self.options])
                return key, f"unknown option for rule {self.id!r}; valid: {valid}"
            if not isinstance(value, expected):
                return key, f"must be a {expected.__name__}"
        return None


class UnknownRule(PolicyError):
    pass


# ---- registry ----------------------------------------------------------------------------------

BUILTIN: dict[str, Rule] = {}
_plugins: dict[str, Rule] = {}


def _builtin(rule_id: str, severity: Literal["block", "warn"], summary: str, **options: type):
    def register(fn: Callable[[Context, dict[str, Any]], Iterable[Hit]]):
        BUILTIN[rule_id] = Rule(rule_id, severity, summary, fn, options, builtin=True)
        return fn
    return register


def _entry_points():
    from importlib.metadata import entry_points

    return entry_points(group=ENTRY_POINT_GROUP)


def get_rule(rule_id: str) -> Rule:
    """The rule with this id: built in, or from an installed plugin (imported now)."""
    if rule_id in BUILTIN:
        return BUILTIN[rule_id]
    if rule_id in _plugins:
        return _plugins[rule_id]
    matches = [ep for ep in _entry_points() if ep.name == rule_id]
    if not matches:
        installed = sorted({ep.name for ep in _entry_points()})
        known = ", ".join(sorted(BUILTIN)) + (f"; installed plugins: {', '.join(installed)}" if installed else "")
        raise UnknownRule(f"unknown rule id {rule_id!r}; known rules: {known}")
    loaded = matches[0].load()
    rule = loaded() if callable(loaded) and not isinstance(loaded, Rule) else loaded
    if not isinstance(rule, Rule) or rule.id != rule_id:
        raise UnknownRule(f"plugin {matches[0].value!r} does not provide a drafter.rules.Rule "
                          f"with id {rule_id!r}")
    _plugins[rule_id] = rule
    return rule


def active_rules(policy: Policy) -> list[tuple[Rule, str, dict[str, Any]]]:
    """(rule, severity, options) for each rule the pack runs, built-ins first."""
    out = []
    for rule_id, rule in BUILTIN.items():
        settings = policy.rules.get(rule_id)
        if settings is None:
            out.append((rule, rule.severity, {}))
        elif settings.enabled:
            out.append((rule, settings.severity or rule.severity, settings.options))
    for rule_id, settings in policy.rules.items():
        if rule_id not in BUILTIN and settings.enabled:
            rule = get_rule(rule_id)
            out.append((rule, settings.severity or rule.severity, settings.options))
    return out


# ---- content: what a statement may assert at this stage ----------------------------------------

CATEGORY_LABELS = {
    "urgency": "Pressure language", "deadline": "A payment deadline", "late_fees": "Late fees or interest",
    "suspension": "Suspending service or credit", "collections_agency": "Referral to a collection agency",
    "legal_action": "Legal action", "credit_reporting": "Credit reporting",
    "personal_guarantee": "Invoking the personal guarantee", "repossession": "Taking back equipment or goods",
    "abusive": "Insulting or shaming the reader", "criminal_threat": "A threat of police or criminal charges",
    "violence": "A threat of harm", "public_shaming": "Telling third parties about the debt",
}
_CONDITION_FAILS = {
    "late_fee_in_terms": "this account's terms do not provide for late fees or interest",
    "guarantee_on_file": "no personal guarantee is on file for this account",
    "rents_equipment": "this account does not rent equipment from us",
    "lien_rights": "we have no lien rights on this account",
    "service_suspension": "service suspension is switched off for this account",
    "statutory": "this pack gives no statutory right to it",
}
_REWRITES = {
    "urgency": "State the facts calmly, e.g. \"Could you let us know when we can expect payment?\"",
    "deadline": "Ask for a date instead of setting one: \"When can we expect payment?\"",
    "late_fees": "Leave out fees and interest at this stage.",
    "suspension": "Leave out any change to service or credit at this stage.",
    "collections_agency": "Leave out third-party collection; offer to talk it through instead.",
    "legal_action": "Leave out legal steps; ask what is holding payment up.",
    "credit_reporting": "Leave out credit reporting.",
    "personal_guarantee": "Leave out the personal guarantee.",
    "repossession": "Leave out equipment pickup.",
    "abusive": "Describe the facts of the account, not the reader.",
    "criminal_threat": "Remove it: non-payment of an invoice is a civil matter.",
    "violence": "Remove it entirely.",
    "public_shaming": "Remove it: the account is confidential between us and the customer.",
}


def _statement_verdict(ctx: Context, category: str) -> tuple[str, str] | None:
    """(rule id, message) for a category the draft asserts but may not, or None if it may."""
    policy = ctx.policy
    label = CATEGORY_LABELS.get(category, category)
    if category in policy.always_forbidden and ctx.enabled("always-forbidden"):
        return ("always-forbidden", f"{label} is never acceptable in a collections message.")
    stage = ctx.stage
    if ctx.disputed and category not in stage.allow and ctx.enabled("open-dispute"):
        return ("open-dispute", f"{label} while a dispute is open: resolve the dispute first, "
                                "and keep every message free of pressure until then.")
    if category not in stage.allow and ctx.enabled("stage-gate"):
        first = _first_tier_allowing(policy, category)
        when = f"; the {policy.name} pack allows it from tier {first}" if first is not None else \
            f"; the {policy.name} pack never allows it"
        return ("stage-gate", f"{label} is not allowed at tier {ctx.tier}{when}.")
    if category in REMEDY_CATEGORIES and category not in policy.remedies and ctx.enabled("unused-remedy"):
        return ("unused-remedy", f"{label}: {policy.message.company_name} does not use this remedy, "
                                 "so naming it is a threat we would not carry out.")
    condition = stage.allow.get(category)
    if condition and category not in ctx.allowed and ctx.enabled("terms-condition"):
        return ("terms-condition", f"{label}: {_CONDITION_FAILS.get(condition, condition)}.")
    return None


def _first_tier_allowing(policy: Policy, category: str) -> int | None:
    return next((t for t in range(5) if category in policy.stages[str(t)].allow), None)


# Said of a finding no rule made, only the category model's reading: a reviewer should know it rests on
# the draft's wording as a whole rather than on a phrase a rule names.
_MODEL_READING = " (Read from the wording by the category model; no rule names this phrase.)"


def _content_hits(rule_id: str) -> Callable[[Context, dict[str, Any]], Iterator[Hit]]:
    def check(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
        for statement in ctx.statements:
            verdict = ctx.verdict(statement.category)
            if verdict and verdict[0] == rule_id:
                suggestion = getattr(statement, "suggestion", None) or _REWRITES.get(statement.category)
                message = verdict[1]
                if getattr(statement, "cue", "").startswith("model:"):
                    message += _MODEL_READING
                yield Hit(statement.start, statement.end, message, suggestion, statement.category)
    check.__name__ = rule_id.replace("-", "_")
    return check


for _id, _severity, _summary in [
    ("always-forbidden", "block", "Abuse, criminal threats, violence and public shaming, at any stage."),
    ("open-dispute", "block", "No pressure of any kind while a dispute is open on the account."),
    ("stage-gate", "block", "Each content category only from the tier the pack's stage table allows it."),
    ("unused-remedy", "block", "Only consequences the company really uses (the pack's remedies)."),
    ("terms-condition", "block", "Late fees, guarantees, repossession, liens and suspension only when "
                                 "the account's terms provide for them."),
]:
    BUILTIN[_id] = Rule(_id, _severity, _summary, _content_hits(_id), builtin=True)  # type: ignore[arg-type]


_DEMAND = keyword_pattern(  # searched in the lower-cased text
    ("please", "kindly", "must", "need", "has", "should", "we", "pay", "is", "remit", "settle"),
    r"\b(?:please\s+(?:pay|remit|settle|send|process|arrange)|kindly\s+(?:pay|remit|settle)|"
    r"(?:must|needs?\s+to|has\s+to|should)\s+be\s+(?:paid|settled|remitted)|we\s+(?:need|require|expect)\s+"
    r"(?:full\s+)?payment|payment\s+(?:is|remains|was)\s+(?:now\s+)?(?:due|overdue|required|expected)|"
    r"is\s+(?:now\s+)?(?:past\s+due|overdue|outstanding)|pay\s+(?:it|this|the\s+balance|in\s+full)|"
    r"remit\s+payment|settle\s+(?:it|this|the))", re.I)
_PAUSED = lazy_pattern(r"\b(?:not|n't|no|never|paus\w*|on\s+hold|hold\s+off|until|once|after\s+(?:we|the)|"
                     r"while\s+we|suspend\w*\s+(?:collection|reminders))\b", re.I)


@_builtin("dispute-demand", "block", "No request for payment of an invoice that is under open dispute.")
def _dispute_demand(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if not ctx.disputed_invoices:
        return
    disputed = {n.lower() for n in ctx.disputed_invoices}
    invoices = [m for m in ctx.mentions.of_kind("invoice") if m.value.lower().lstrip("#") in disputed
                or ctx.facts.invoices.get(m.value.lower(), "").lower() in disputed]
    if not invoices and "disputed" not in ctx.lower:
        return
    lower = ctx.lower
    places = [m.start for m in invoices]
    at = lower.find("disputed")
    while at >= 0:
        places.append(at)
        at = lower.find("disputed", at + 1)
    # the sentences naming a disputed invoice or the dispute, each once and in order
    for start, end in sorted({span for span in map(ctx.sentence_holding, places) if span is not None}):
        demand = _DEMAND.search(lower, start, end)
        if demand and not _PAUSED.search(lower, start, min(end, demand.end() + 40)):
            yield Hit(start, end, "This asks for payment of an invoice that is under open dispute.",
                      "Confirm the dispute is being looked into and that no payment is expected on that "
                      "invoice until it is resolved.")


# ---- grounding ---------------------------------------------------------------------------------

@_builtin("grounding", "block", "Every amount, invoice number, date, days-overdue figure, name, email "
          "address and link must match the account.", allowed_links=list)
def _grounding(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    facts, mentions = ctx.facts, ctx.mentions
    currency_known, amount_known = facts.currency_known, facts.amount_known
    for amount in _outside(mentions.amounts, ctx.offer_spans):  # offers are the offers rule's to check
        if not currency_known(amount.currency):
            yield Hit(amount.start, amount.end, "This amount is in a currency the account is not billed in.",
                      f"Use the invoice currency ({', '.join(sorted(facts.currencies))}).")
        elif not amount_known(amount):
            yield Hit(amount.start, amount.end, "This amount does not match any invoice, balance, payment "
                      "or promise on the account.", _right_amount(ctx, amount.start))
    for mention in mentions.of_kind("invoice"):
        if not facts.invoice_known(mention.value):
            numbers = ", ".join(inv.number for inv in ctx.account.invoices if inv.open_balance > 0)
            yield Hit(mention.start, mention.end, "No invoice with this number is on the account.",
                      f"Open invoices: {numbers}.")
    date_fits, as_of = facts.date_fits, ctx.as_of
    for mention in mentions.dates:
        if mention.weekday is not None and all(d.weekday() != mention.weekday for d in mention.candidates):
            yield Hit(mention.start, mention.end, "The day of the week does not match the date.",
                      f"{mention.candidates[0]:%A, %B} {mention.candidates[0].day} is the right day.")
        elif not date_fits(mention, as_of):
            yield Hit(mention.start, mention.end, "This date is neither a date on the account nor a "
                      "coming date (such as a deadline).", "Check the date against the invoice.")
    for mention in mentions.of_kind("days_overdue"):
        if not overdue_days_ok(mention, facts):
            actual = ", ".join(str(d) for d in sorted(facts.days_overdue)) or "none"
            yield Hit(mention.start, mention.end, "The number of days overdue is wrong.",
                      f"As of {ctx.as_of}, days overdue per open invoice: {actual}.")
    for mention in mentions.of_kind("email"):
        if mention.value.lower() not in facts.emails:
            yield Hit(mention.start, mention.end, "This email address is not a contact on the account "
                      "or one of ours.", f"Use {ctx.policy.message.billing_email}.")
    allowed = list(options.get("allowed_links", []))
    for mention in mentions.of_kind("link"):
        if not facts.link_known(mention.value, allowed):
            link = ctx.account.terms.payment_link
            yield Hit(mention.start, mention.end, "This link is not the account's payment link.",
                      f"Use {link}." if link else "Remove the link.")
    for kind, among, who in (("greeting_name", facts.people, "a contact on the account"),
                             ("signature_name", facts.staff, "one of our staff"),
                             ("spoken_name", facts.people, "a contact or one of our staff")):
        for mention in mentions.of_kind(kind):
            if not facts.name_known(mention.value, among):
                yield Hit(mention.start, mention.end, f"{mention.value!r} is not {who}.",
                          "Use the name exactly as the account has it.")


def _outside(mentions: list[Any], spans: list[tuple[int, int]]) -> list[Any]:
    """The mentions (in order of their starts) that start in none of `spans`."""
    if not spans:
        return mentions
    merged: list[list[int]] = []  # the spans joined where they overlap or touch, in order
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif a < b:
            merged.append([a, b])
    outside, index = [], 0
    for mention in mentions:
        start = mention.start
        while index < len(merged) and merged[index][1] <= start:
            index += 1
        if index == len(merged) or start < merged[index][0]:
            outside.append(mention)
    return outside


def _right_amount(ctx: Context, position: int) -> str:
    """The figure the draft probably meant: the balance of the invoice named in the same sentence."""
    start, end = next(((a, b) for a, b in ctx.sentences if a <= position < b), (0, len(ctx.text)))
    named = {m.value.lower() for m in ctx.mentions.of_kind("invoice") if start <= m.start < end}
    for invoice in ctx.account.invoices:
        if invoice.number.lower() in named:
            return f"{invoice.number}'s open balance is {format_money(invoice.open_balance, invoice.currency)}."
    return f"The open balance is {ctx.balance_text}."


TOTAL_WORDS = ("total", "in all", "altogether", "combined", "come to", "comes to", "add up", "adds up", "sum of")
_TOTAL_CUE = lazy_pattern(r"\b(?:total(?:ling|ing|s)?|in all|altogether|combined|comes? to|adds? up to|sum of)\b",
                        re.I)


@_builtin("totals", "block", "A total stated in the draft must be the sum of the amounts it lists.")
def _totals(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    amounts = ctx.mentions.amounts
    if len(amounts) < 3 or not ctx.mentions_any(*TOTAL_WORDS):
        return
    for paragraph_start, paragraph_end in ctx.paragraphs:
        inside = ctx.mentions.amounts_between(paragraph_start, paragraph_end)
        if len(inside) < 3:
            continue
        for cue in _TOTAL_CUE.finditer(ctx.text, paragraph_start, paragraph_end):
            total = next((a for a in inside if a.start >= cue.end()), None)
            if total is None or total.start - cue.end() > 40:
                continue
            parts = [a for a in inside if a.end <= cue.start()]
            if len(parts) >= 2 and sum(a.value for a in parts) != total.value:
                listed = sum(a.value for a in parts)
                yield Hit(total.start, total.end, f"The amounts listed add up to {listed:,.2f}, not "
                          f"{total.value:,.2f}.", f"Write the total as {listed:,.2f}.")


# ---- offers ------------------------------------------------------------------------------------

_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
_COUNT = r"(?P<count>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
# Words without which a pattern cannot match: checked first, because a substring test is far cheaper.
PLAN_WORDS = ("plan", "instal", "month", "split", "spread", "half now", "payments", "parts")
CHARGE_WORDS = ("interest", "late", "penalt", "compensation", "fixed sum", "recovery cost")
WAIVER_WORDS = ("waiv", "forgiv", "forgave", "write off", "written off", "writing off", "wrote off")
PLACEHOLDER_MARKS = ("[", "{", "<", "XXX", "$X", "€X", "£X", "TBD", "TBC", "___", "???", "N/A", "NA")
# Most drafts hold none of the marks either, and a test of a longer mark is a pass over the whole
# text, while a one-character test is a fast memory scan: each longer mark is looked for only when its
# least common character (in this order) is there.
_RARE_FIRST = "[{<_?X/$€£BCDTNA"
_SINGLE_MARKS = tuple(mark for mark in PLACEHOLDER_MARKS if len(mark) == 1)
_MARKS_BY_RAREST: dict[str, list[str]] = {}
for _mark in PLACEHOLDER_MARKS:
    if len(_mark) > 1:
        _MARKS_BY_RAREST.setdefault(min(_mark, key=_RARE_FIRST.find), []).append(_mark)
# Searched in the lower-cased text (Context.lower) from their keywords: far faster than re.IGNORECASE.
# "in"/"over" are everywhere: their keywords include the count's first character ("in 3", "over six").
_COUNT_STARTS = "123456789tfsen"
_PLAN_CUE = keyword_pattern(
    ("payment", "instal", "monthly", "split", "spread", "half",
     *(f"{word} {first}" for word in ("in", "over") for first in _COUNT_STARTS)),
    r"\b(?:payment\s+plans?\b|instal+ments?|monthly\s+payments?|split\s+(?:the|your|it|this|that|into|"
    r"[$€£]?\d[\d,.]*\s+(?:[a-z]{3}\s+)?into)|spread\s+(?:the|it|this|payments?)|payments?\s+of\b[^.\n]{0,60}"
    r"\b(?:per|a|each)\s+(?:month|week)|half\s+now|(?:in|over)\s+" + _COUNT + r"\s+(?:equal\s+)?"
    r"(?:monthly\s+)?(?:payments|parts|months))")
# The plan patterns are searched in the lower-cased text (Context.lower).
_REPEATED = lazy_pattern(_COUNT + r"\s+(?:equal\s+)?(?:monthly\s+|weekly\s+)?(?:payments|instal+ments)\s+of\s+")
# What every repeated payment ends with: found fast (from its keywords), it tells where to look for one.
_REPEATED_CUE = keyword_pattern(("payments", "instal"), r"(?:payments|instal+ments)\s+of\s+")
_NUMBER = _COUNT.replace("?P<count>", "")
_MONTHS_SPAN = lazy_pattern(r"\b(?:over|across|within|for)\s+(?:the\s+next\s+)?(" + _NUMBER + r")\s+months\b|\b("
                          + _NUMBER + r")\s+monthly\b|\b(" + _NUMBER + r")[- ]month\s+(?:payment\s+)?plan\b")
_DISCOUNT_PCT = lazy_pattern(r"(?P<pct>\d{1,2}(?:\.\d+)?)\s?%\s*(?:\w+[- ]?){0,2}?(?:discount|off\b|reduction)"
                           r"|discount\s+of\s+(?P<pct2>\d{1,2}(?:\.\d+)?)\s?%", re.I)
_REFUSAL = lazy_pattern(r"\b(?:not|n't|cannot|unable|no\s+longer|never)\b", re.I)
# Forgiving what is owed is an offer no pack authorises (a fee waived is not the debt waived).
_DEBT = r"(?:balance|debt|invoices?|amount\s+(?:owed|due)|what\s+you\s+owe|INV-?\w+)"
_WAIVER = lazy_pattern(r"\b(?:waiv(?:e|ed|ing)|forgiv(?:e|en|ing)|forgave|writ(?:e|ten|ing)\s+off|wrote\s+off)\b"
                     r"[^.!?\n]{0,60}?\b" + _DEBT + r"\b|\b" + _DEBT + r"\b[^.!?\n]{0,60}?\b(?:(?:has|have|is|are|"
                     r"was|were|been|being|be)\s+)+(?:waived|forgiven|written\s+off)\b", re.I)
_REMAINDER = lazy_pattern(r"\b(?:the\s+rest|the\s+remain(?:der|ing)|the\s+balance|what\s+remains)\b")


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


@_builtin("offers", "block", "Payment plans add up to the balance to the cent, within the pack's months, "
          "first payment and discount limits, and only from the tier the pack allows.")
def _offers(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    offers = ctx.policy.offers
    text = ctx.text
    for start, end in ctx.plan_paragraphs:
        if ctx.tier < offers.plan_from_tier and not ctx.disputed:
            yield Hit(start, end, f"A payment plan is offered at tier {ctx.tier}; the {ctx.policy.name} pack "
                      f"offers plans from tier {offers.plan_from_tier}.", "Ask when payment can be made "
                      "instead of offering a plan this early.")
            continue
        repeats = _repeated_payments(ctx.lower, start, end)
        yield from _plan_months(ctx, start, end, repeats)
        yield from _plan_sum(ctx, start, end, repeats)
    discounts, waivers = "%" in text, ctx.mentions_any(*WAIVER_WORDS)
    for start, end in ctx.sentences if discounts or waivers else ():
        sentence = text[start:end]
        for match in _DISCOUNT_PCT.finditer(sentence) if discounts else ():
            pct = Decimal(match.group("pct") or match.group("pct2"))
            if pct > offers.max_discount_pct and not _REFUSAL.search(sentence[:match.start()]):
                yield Hit(start + match.start(), start + match.end(), f"A {pct}% discount is more than the "
                          f"{offers.max_discount_pct}% this pack allows.",
                          f"Offer at most {offers.max_discount_pct}%.")
        for match in _WAIVER.finditer(sentence) if waivers else ():
            if not _REFUSAL.search(sentence[:match.start()]):
                yield Hit(start + match.start(), start + match.end(), "The draft forgives what is owed; no "
                          "policy authorises waiving a balance.", "Restate the balance that is due.")


def _repeated_payments(lower: str, start: int, end: int) -> list[re.Match[str]]:
    """What `_REPEATED.finditer(lower, start, end)` finds ("3 monthly payments of"), looked for only
    just before each "payments of": a match ends there, and starts in the third word before it at the
    earliest (a count, "equal", "monthly"). A search of the whole paragraph tries the count's
    alternatives at every character."""
    found: list[re.Match[str]] = []
    position = cue_from = start  # where the next match may start; where to look for the next cue
    while cue := _REPEATED_CUE.search(lower, max(position, cue_from), end):
        head = lower[max(start, cue.start() - 64):cue.start()]
        words = head.rsplit(None, 3)
        earliest = cue.start() - len(head) + len(words[0]) if len(words) == 4 else start
        match = _REPEATED.search(lower, max(position, earliest), cue.end())
        if match:
            found.append(match)
            position = match.end()
        cue_from = cue.start() + 1
    return found


def _count_above_before_month(lower: str, start: int, end: int, limit: int) -> bool:
    """Whether a count above `limit` stands just before some "month" between `start` and `end`, as it
    does in every month span that is too long ("over 12 months", "12 monthly", "12-month plan")."""
    at = lower.find("month", start, end)
    while at >= 0:
        before = lower[start:at]
        before = before[:-1] if before.endswith("-") else before.rstrip()
        digits = len(before)
        while digits and before[digits - 1].isdecimal():
            digits -= 1
        if len(before) - digits in (1, 2) and int(before[digits:]) > limit:
            return True
        if before.endswith(_words_above(limit)):
            return True
        at = lower.find("month", at + 1, end)
    return False


@functools.cache
def _words_above(limit: int) -> tuple[str, ...]:
    """The counts written as words that are more than `limit`."""
    return tuple(word for word, value in _NUMBER_WORDS.items() if value > limit)


def _plan_months(ctx: Context, start: int, end: int, repeats: list[re.Match[str]]) -> Iterator[Hit]:
    limit, lower = ctx.policy.offers.max_plan_months, ctx.lower
    if "month" not in lower[start:end]:
        return
    # only a span of more months than the limit is reported: look for spans only if one may be
    for match in _MONTHS_SPAN.finditer(lower, start, end) if _count_above_before_month(lower, start, end, limit) \
            else ():
        months = _count(next(g for g in match.groups() if g))
        if months > limit and not _REFUSAL.search(lower[max(start, match.start() - 30):match.start()]):
            yield Hit(match.start(), match.end(), f"A plan over {months} months is longer than "
                      f"the {limit} months this pack allows.", f"Spread the balance over {limit} months or fewer.")
    for match in repeats:
        count = _count(match.group("count"))
        if "month" in match.group() and count > limit:
            yield Hit(match.start(), match.end(), f"{count} monthly payments is more than the "
                      f"{limit} months this pack allows.", f"Use {limit} payments or fewer.")


def _plan_sum(ctx: Context, start: int, end: int, repeats: list[re.Match[str]]) -> Iterator[Hit]:
    """The instalments named in a plan paragraph must add up to a balance on the account."""
    facts, amounts = ctx.facts, ctx.mentions.amounts_between(start, end)
    if not amounts:
        return
    repeated: dict[int, int] = {}
    for match in repeats:
        following = next((a for a in amounts if a.start == match.end() or 0 <= a.start - match.end() <= 2), None)
        if following is not None:
            repeated[following.start] = _count(match.group("count"))
    targets = facts.balance_targets
    value = {a.start: a.value for a in amounts}
    for at, count in repeated.items():
        value[at] *= count
    total = sum(value.values(), Decimal(0))
    quoted = _quoted_balance(amounts, repeated, targets, total)
    if quoted is None and total not in targets and len(amounts) >= 2 and amounts[0].value in targets and \
            amounts[0].start not in repeated:
        quoted = amounts[0]  # "$10,000.00 split into ...": the balance first, then its payments
    paid = total - quoted.value if quoted is not None else total
    parts = [a for a in amounts if a is not quoted]
    if quoted is not None and paid == quoted.value:
        reference = quoted.value
    elif quoted is None and total in targets:
        reference = total
    else:  # "the rest" of the balance quoted, of the invoices named, else of the whole balance, may come later
        reference = quoted.value if quoted is not None else \
            _named_balance(ctx, start, end) or max(targets, default=Decimal(0))
        if not (paid < reference and _REMAINDER.search(ctx.lower, start, end)):
            yield Hit(parts[0].start, parts[-1].end, f"The plan's payments add up to {paid:,.2f}, not "
                      f"the balance of {reference:,.2f}.", "Make the payments add up to the balance to the cent.")
            return
    first = parts[0].value
    minimum = reference * ctx.policy.offers.min_first_payment_pct / 100
    if first < minimum.quantize(Decimal("0.01")):
        yield Hit(parts[0].start, parts[0].end, f"The first payment is below the "
                  f"{ctx.policy.offers.min_first_payment_pct}% of the balance this pack asks for.",
                  f"Ask for at least {minimum:,.2f} first.")


def _named_balance(ctx: Context, start: int, end: int) -> Decimal:
    """The open balance of the invoices named between `start` and `end` (0 if none is named)."""
    named = {m.value.lower().lstrip("#") for m in ctx.mentions.of_kind("invoice") if start <= m.start < end}
    return sum((inv.open_balance for inv in ctx.account.invoices if inv.number.lower() in named), Decimal(0))


def _quoted_balance(amounts: list[Any], repeated: dict[int, int], targets: set[Decimal],
                    total: Decimal) -> Any | None:
    """The balance a plan paragraph quotes before or after its payments ("$10,000.00 in six payments:
    ..."): a balance on the account that the other amounts add up to. None when the amounts are all
    payments, so a payment that happens to equal some invoice's balance is not mistaken for one."""
    if total in targets:
        return None  # the payments alone add up to a balance
    for candidate in (amounts[0], amounts[-1]):
        if candidate.value in targets and candidate.start not in repeated and total - candidate.value == candidate.value:
            return candidate
    return None


# ---- charges the law or the terms fix ------------------------------------------------------------

_CHARGE_CUE = keyword_pattern(("interest", "late", "penalt", "compensation", "fixed", "recovery"), r"\b(?:interest|late[- ](?:payment\s+)?(?:fee|charge)s?|penalt\w+|compensation|"
                         r"fixed\s+sum|recovery\s+costs?)\b", re.I)
_PCT = lazy_pattern(r"(?P<pct>\d{1,2}(?:\.\d+)?)\s?(?:%|per\s?cent|percent(?:age)?\s+points?|points?)", re.I)


@_builtin("charge-figures", "block", "Interest rates, late-fee rates and statutory compensation must be the "
          "ones the account's terms or the pack's law give.")
def _charge_figures(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    statutory = ctx.policy.jurisdiction.statutory if ctx.policy.jurisdiction else None
    if not statutory and not _may_quote_a_rate(ctx):  # a rate is all there is to report
        return
    if not ctx.mentions_any(*CHARGE_WORDS):
        return
    allowed_pct = {Decimal(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s?%", ctx.account.terms.late_fee or "")}
    if statutory:
        allowed_pct.add(statutory.margin_pct)
    offer_pct = ctx.policy.offers.max_discount_pct
    for start, end in ctx.sentences_with(_CHARGE_CUE):
        if "discount" in ctx.lower[start:end]:
            continue
        sentence = ctx.text[start:end]
        for match in _PCT.finditer(sentence):
            pct = Decimal(match.group("pct"))
            if pct not in allowed_pct and pct > offer_pct:
                known = ", ".join(f"{p}%" for p in sorted(allowed_pct)) or "none"
                yield Hit(start + match.start(), start + match.end(), f"{pct}% is not a rate the terms or "
                          f"the law give this account (known: {known}).", "Quote the rate exactly as agreed.")
        if statutory and re.search(r"compensation|fixed\s+sum|recovery\s+costs?", sentence, re.I):
            yield from _compensation(ctx, statutory, start, end)


def _may_quote_a_rate(ctx: Context) -> bool:
    """Whether `_PCT` may match: it needs a "%", "per cent", "percent" or "point" (of which only the
    "i" has other letters that match it case-insensitively: İ and ı)."""
    lower = ctx.lower
    return "%" in lower or "cent" in lower or "point" in lower or "İ" in lower or "ı" in lower


def _compensation(ctx: Context, statutory: Any, start: int, end: int) -> Iterator[Hit]:
    owed = [statutory.compensation_for(inv.open_balance) for inv in ctx.overdue_invoices]
    owed = [o for o in owed if o is not None]
    bands = {b.amount for b in statutory.compensation} | {b.min_debt for b in statutory.compensation}
    bands |= {b.min_debt - Decimal("0.01") for b in statutory.compensation if b.min_debt > 0}
    valid = set(owed) | {sum(owed, Decimal(0))}
    for amount in (a for a in ctx.mentions.amounts if start <= a.start < end):
        if amount.currency not in (None, statutory.currency):
            continue
        too_low = statutory.compensation_is_minimum and owed and amount.value < min(owed)
        wrong = not statutory.compensation_is_minimum and amount.value not in valid and amount.value in bands
        if too_low or (wrong and amount.value not in {b.min_debt for b in statutory.compensation}):
            yield Hit(amount.start, amount.end, f"The fixed compensation under the {statutory.law} for this "
                      f"debt is {', '.join(f'{o:,.2f}' for o in owed) or 'none'} {statutory.currency}.",
                      "Quote the band for the invoice's size.")


# ---- structure and form ------------------------------------------------------------------------

# Whether a draft says how to pay, or how it can still be resolved: a keyword starting a word, then
# what must follow it (searched in the lower-cased text, case-insensitively for what follows).
_PAYMENT_METHOD = phrases_pattern({
    "ach": "", "wire": "", "bank": r"\s+transfer", "bacs": "", "sepa": "", "iban": "", "card": "", "cheque": "",
    "check": r"\s+(?:to|payable|made)", "pay": r"\s+online|ment\s+(?:link|portal)|\s+(?:here|at|via|by|through)",
    "online": r"\s+payment", "portal": "", "remit": r"(?:tance)?\s+to"}, re.I)
_WAY_BACK = phrases_pattern({
    "to": r"\s+avoid", "if": r"\s+(?:payment|we\s+receive|you\s+pay|the\s+balance)",
    "once": r"\s+(?:payment|paid|we\s+receive)", "reinstat": "", "restor": "", "still": r"\s+(?:resolve|settle|time)",
    "call": r"\s+(?:me|us)", "contact": r"\s+(?:me|us)", "reach": r"\s+(?:me|us)", "email": r"\s+(?:me|us)",
    "reply": r"\s+to\s+(?:me|us)", "payment": r"\s+plan", "set": r"\s+up\s+a\s+plan",
    "arrange": r"\s+(?:payment|a\s+plan)", "way": r"\s+(?:forward|to\s+resolve)"}, re.I)
_DAYS_FIGURE = lazy_pattern(r"\b\d{1,4}\s+days\b", re.I)
_DISCLOSURE = lazy_pattern(r"debt\s+collector.{0,200}collect\s+a\s+debt|collect\s+a\s+debt.{0,200}"
                         r"debt\s+collector", re.I | re.S)
_OPT_OUT = lazy_pattern(r"\b(?:unsubscribe|opt[- ]out|stop\s+(?:receiving|getting)|no\s+longer\s+(?:wish|want)"
                      r"\s+to\s+receive|reply\s+STOP)\b", re.I)
_PLAN_TERMS = lazy_pattern(r"\b(?:payment\s+plan|instal+ments?|monthly\s+payments?)\b", re.I)
_DISPUTE_WORD = lazy_pattern(r"\b(?:dispute\w*|query|concern|issue|question)\b", re.I)

_ELEMENT_TEXT = {
    "invoice_number": "the invoice number", "amount": "the amount owed", "due_date": "the due date",
    "payment_method": "how to pay (link, ACH, card, check)", "deadline_date": "a date to pay by",
    "consequence_date": "the date the consequence takes effect",
    "way_back": "how the customer can still resolve it", "days_overdue": "how many days overdue it is",
    "debt_collector_disclosure": "the debt-collector disclosure", "opt_out": "an opt-out line",
    "dispute_reference": "a reference to the dispute", "plan_terms": "the plan's terms",
}


def _has_element(ctx: Context, element: str) -> bool:
    text, facts, mentions = ctx.text, ctx.facts, ctx.mentions
    if element == "invoice_number":
        return any(facts.invoice_known(m.value) for m in mentions.of_kind("invoice"))
    if element == "amount":
        return any(facts.amount_known(a) for a in mentions.amounts)
    if element == "due_date":
        dues = {inv.due for inv in ctx.account.invoices}
        return any(dues & set(d.candidates) for d in mentions.dates)
    if element == "payment_method":
        return bool(mentions.of_kind("link")) or _PAYMENT_METHOD.found_in(ctx.lower)
    if element in ("deadline_date", "consequence_date"):
        return any(d > ctx.as_of for m in mentions.dates for d in m.candidates)
    if element == "way_back":
        return _WAY_BACK.found_in(ctx.lower)
    if element == "days_overdue":
        return bool(mentions.of_kind("days_overdue")) or bool(_DAYS_FIGURE.search(text))
    jurisdiction = ctx.policy.jurisdiction
    if element == "debt_collector_disclosure":
        wanted = jurisdiction.disclosure if jurisdiction else None
        return bool(_DISCLOSURE.search(text)) or bool(wanted and _squash(wanted) in _squash(text))
    if element == "opt_out":
        wanted = jurisdiction.opt_out if jurisdiction else None
        return ctx.draft.channel != "email" or bool(_OPT_OUT.search(text)) or bool(
            wanted and _squash(wanted) in _squash(text))
    if element == "dispute_reference":
        return bool(_DISPUTE_WORD.search(text))
    if element == "plan_terms":
        return bool(_PLAN_TERMS.search(text)) and bool(mentions.amounts)
    return True


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


@_builtin("required-elements", "block", "What the stage says every draft must contain (invoice number, "
          "amount, due date, a way to pay, a deadline, the way back, disclosures).")
def _required_elements(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    required = ctx.stage.require
    if ctx.draft.kind == "dispute_acknowledgement":  # about the disputed invoice, whatever the tier
        required = ctx.policy.stages["dispute"].require
    elif ctx.draft.kind == "payment_thank_you":  # nothing is being asked for
        required = [e for e in required if e in ("debt_collector_disclosure", "opt_out")]
    for element in required:
        if not _has_element(ctx, element):
            what = _ELEMENT_TEXT.get(element, element)
            yield Hit(0, 0, f"Missing {what}: the stage requires it.", _element_suggestion(ctx, element))


def _element_suggestion(ctx: Context, element: str) -> str | None:
    first = next((inv for inv in ctx.account.invoices if inv.open_balance > 0), ctx.account.invoices[0])
    jurisdiction = ctx.policy.jurisdiction
    link = ctx.account.terms.payment_link
    if element == "invoice_number":
        return f"Name the invoice: {first.number}."
    if element == "amount":
        return f"State the balance: {ctx.balance_text}."
    if element == "due_date":
        return f"Say when it was due: {first.due:%B} {first.due.day}, {first.due.year}."
    if element == "payment_method":
        return f"Add the payment link: {link}." if link else "Say how to pay: ACH, card or check."
    if element == "debt_collector_disclosure" and jurisdiction:
        return jurisdiction.disclosure
    if element == "opt_out" and jurisdiction:
        return jurisdiction.opt_out
    return None


_PLACEHOLDERS = lazy_pattern(
    r"\[(?:[A-Z][A-Za-z0-9 _'/-]{0,40}|[a-z][a-z_ ]{1,40})\](?!\()"  # [Name], [customer name]
    r"|\{\{.*?\}\}|\{%.*?%\}|(?<!\{)\{[a-z_][a-z0-9_]*\}(?!\})"  # {{ x }}, {% x %}, {x}
    r"|<(?:[A-Z][A-Z0-9 _-]{1,40}|[a-z]+(?:[_ ][a-z]+)+)>"  # <INVOICE>, <customer name>
    r"|X(?<!\wX)X{2,}\b|[$€£]X+(?:[.,]X+)*|T(?<!\wT)B[DC]\b|_{3,}|\?{3,}|N(?<!\wN)/?A\b(?=\s*[,.)\]]?\s*$)", re.M)


def _has_placeholder_mark(text: str) -> bool:
    """Whether any of PLACEHOLDER_MARKS is in `text`."""
    for mark in _SINGLE_MARKS:
        if mark in text:
            return True
    for rarest, marks in _MARKS_BY_RAREST.items():
        if rarest in text:
            for mark in marks:
                if mark in text:
                    return True
    return False


@_builtin("placeholders", "block", "No unfilled placeholders: [Name], {{ x }}, <INVOICE>, XXX, TBD, ___.")
def _placeholders(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    if not _has_placeholder_mark(ctx.text):
        return
    for match in _PLACEHOLDERS.finditer(ctx.text):
        yield Hit(match.start(), match.end(), f"Unfilled placeholder {match.group()!r}.",
                  "Replace it with the real value from the account, or remove it.")


# Two words in capitals in a row, [A-Z][A-Z'’]+[ ,.!:-]+[A-Z][A-Z'’], is looked for in every draft and
# most have none. Only ASCII capitals, apostrophes and these separators take part in it, so the text
# is mapped to one byte per kind of character ("A", "Q" for an apostrophe, "S" for a separator, "x" for
# anything else, non-ASCII too) and searched there by a pattern that starts with a plain letter, which
# re finds as fast as str.find (a pattern that starts with [A-Z] tests every character against it).
_CHARACTER_KINDS = bytes(ord("A") if chr(i).isupper() and chr(i).isascii() else ord("Q") if chr(i) == "'" else
                         ord("S") if chr(i) in " ,.!:-" else ord("x") for i in range(256))
_CAPS_PAIR_KINDS = lazy_pattern(rb"A[AQ]+S+A[AQ]")


def _capitals_pair(text: str) -> bool:
    return bool(_CAPS_PAIR_KINDS.search(text.replace("’", "'").encode("utf-8", "surrogatepass")
                                        .translate(_CHARACTER_KINDS)))


_CAPS_WORD = lazy_pattern(r"[A-Z](?<![\w][A-Z])[A-Z'’]+\b")
_ACRONYMS = {"ACH", "AP", "AR", "USD", "EUR", "GBP", "CAD", "AUD", "PO", "INV", "CFO", "CEO", "COO", "VP",
             "LLC", "INC", "LTD", "PLC", "GMBH", "US", "USA", "UK", "EU", "ECB", "FDCPA", "CFPB", "PDF",
             "ID", "IT", "HR", "SAAS", "API", "SLA", "VAT", "EIN", "IBAN", "BIC", "SWIFT", "BACS", "SEPA",
             "NET", "EST", "PST", "CST", "MST", "ET", "PT", "CT", "GMT", "UTC", "AM", "PM", "OK", "FAQ",
             "RE", "FW", "FWD", "CC", "BCC", "ASAP", "STOP", "TBD", "N/A", "QA", "CRM", "ERP", "SKU", "I"}


@_builtin("shouting", "block", "No shouting: runs of words in capitals longer than the pack allows.")
def _shouting(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    tone = ctx.policy.tone
    if not tone.no_shouting or (tone.max_capitals_run and not _capitals_pair(ctx.text)):
        return
    run: list[re.Match[str]] = []
    for match in _CAPS_WORD.finditer(ctx.text):
        word = match.group()
        ordinary = word.upper() not in _ACRONYMS and len(word) >= 2 and \
            word.lower() not in ctx.facts.invoices and word.isalpha()
        if ordinary and run and ctx.text[run[-1].end():match.start()].strip(" ,.!:-") == "":
            run.append(match)
            continue
        yield from _shout(ctx, run, tone.max_capitals_run)
        run = [match] if ordinary else []
    yield from _shout(ctx, run, tone.max_capitals_run)


def _shout(ctx: Context, run: list[re.Match[str]], limit: int) -> Iterator[Hit]:
    if len(run) > limit or (run and limit == 0):
        start, end = run[0].start(), run[-1].end()
        yield Hit(start, end, "Writing in capitals reads as shouting.",
                  ctx.text[start:end].capitalize())


@_builtin("exclamations", "warn", "No more exclamation marks than the stage (or the pack's tone) allows.")
def _exclamations(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    limit = ctx.stage.max_exclamations
    if limit is None:
        limit = ctx.policy.tone.max_exclamations
    positions = [m.start() for m in re.finditer("!", ctx.text)] if "!" in ctx.text else []
    for position in positions[limit:]:
        yield Hit(position, position + 1, f"Exclamation marks read as pressure at this stage "
                  f"(at most {limit} here).", "End the sentence with a full stop.")


# ---- jurisdiction ------------------------------------------------------------------------------

_TIME = lazy_pattern(r"\b(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>[ap])\.?\s?m\.?(?![a-z])", re.I)
_CALL_CUE = lazy_pattern(r"\b(?:call|phone|ring|reach|try\s+you|speak|talk|dial)\w*", re.I)


@_builtin("call-window", "block", "Calls only inside the pack's calling hours (e.g. 8am-9pm local time).")
def _call_window(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    calls = ctx.policy.jurisdiction.calls if ctx.policy.jurisdiction else None
    if calls is None:
        return
    from datetime import time

    for start, end in ctx.sentences:
        sentence = ctx.text[start:end]
        if not _CALL_CUE.search(sentence):
            continue
        for match in _TIME.finditer(sentence):
            hour = int(match.group("hour")) % 12 + (12 if match.group("half").lower() == "p" else 0)
            if hour > 23:
                continue
            at = time(hour, int(match.group("minute") or 0))
            if not calls.window_start <= at <= calls.window_end:
                yield Hit(start + match.start(), start + match.end(), f"Calls are allowed only between "
                          f"{calls.window_start:%H:%M} and {calls.window_end:%H:%M} the customer's local time.",
                          "Pick a time inside the calling hours.")


@_builtin("call-frequency", "block", "No call script once the pack's call attempts for the period are used up.")
def _call_frequency(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    calls = ctx.policy.jurisdiction.calls if ctx.policy.jurisdiction else None
    if calls is None or calls.max_attempts is None or ctx.draft.channel != "call":
        return
    since = ctx.as_of - timedelta(days=calls.per_days)
    made = sum(1 for c in ctx.account.communications
               if c.direction == "outbound" and c.channel in ("call", "voicemail") and since < c.date <= ctx.as_of)
    if made >= calls.max_attempts:
        yield Hit(0, 0, f"{made} calls were already placed in the last {calls.per_days} days; the pack allows "
                  f"{calls.max_attempts}.", "Send an email instead, or wait before calling again.")


_LIEN = lazy_pattern(r"\blien\w*", re.I)


@_builtin("lien-deadline", "block", "A lien may only be mentioned while the account's lien deadline has not passed.")
def _lien_deadline(ctx: Context, options: dict[str, Any]) -> Iterator[Hit]:
    deadline = ctx.account.terms.lien_deadline
    if "lien" not in ctx.lower:
        return
    for start, end in ctx.sentences:
        sentence = ctx.text[start:end]
        match = _LIEN.search(sentence)
        if not match or _REFUSAL.search(sentence[:match.start()]):
            continue
        if not ctx.account.terms.lien_rights or deadline is None:
            continue
        if deadline < ctx.as_of:
            yield Hit(start + match.start(), start + match.end(), f"The lien deadline passed on {deadline}: a "
                      "lien can no longer be filed, so mentioning one is a false threat.", "Leave out the lien.")
            continue
        for mention in ctx.mentions.dates:
            if start <= mention.start < end and all(d > deadline for d in mention.candidates):
                yield Hit(mention.start, mention.end, f"This date is after the lien deadline ({deadline}).",
                          f"Use a date on or before {deadline}.")
