"""The guard: checks any draft (from the LLM, the offline templates or a person) against a policy pack.

    report = check(draft, account, policy)   # Report(passed, tier, policy, findings)

Each rule in `drafter.rules` looks at a `Context`: the draft's text, the account, the pack, the tier
and dispute state, the content statements the classifier found and the facts `drafter.grounding`
extracted. Findings carry character spans into `Draft.text()`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import rules
from .classify import classify
from .grounding import (Facts, Mentions, any_word_in, extract, lower_case, sentence_span, sentence_start,
                        sentences, signature_spans)
from .models import Account, Assessment, Draft, Finding, Report
from .money import format_money
from .policy import Policy, Stage, load_policy


class cached_property:  # noqa: N801 - functools' version takes a lock on every first access (3.11)
    """Computed on first access, then stored on the instance."""

    def __init__(self, compute) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value

__all__ = ["Context", "check"]


@dataclass
class Context:
    """What a rule sees. Attributes are computed once per draft, on first use."""

    draft: Draft
    text: str
    account: Account
    policy: Policy
    tier: int
    as_of: date
    disputed_invoices: frozenset[str]  # invoice numbers with an open dispute
    disputed: bool  # the pack's `dispute` stage applies: no pressure at all

    @property
    def stage(self) -> Stage:
        return self.policy.stage(self.tier, self.disputed)

    @cached_property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.policy.allowed_categories(self.account, self.tier, self.disputed))

    @cached_property
    def lower(self) -> str:
        """The text in lower case (same length, so spans carry over), for keyword tests and for
        patterns that would otherwise need re.IGNORECASE."""
        return lower_case(self.text)

    def mentions_any(self, *words: str) -> bool:
        return any_word_in(self.lower, words)

    @cached_property
    def statements(self) -> list[Any]:
        """What the draft asserts, less the wording the pack itself requires (a debt-collector
        disclosure is not a threat of referral) and the sender's sign-off (a job title such as
        "Legal Counsel" or "Collections Specialist" is not a threat either)."""
        found = classify(self.text)
        if not found:
            return found
        exempt = self.mandated_spans + signature_spans(self.text)
        return [s for s in found if not any(a <= s.start and s.end <= b for a, b in exempt)]

    @cached_property
    def mandated_spans(self) -> list[tuple[int, int]]:
        jurisdiction = self.policy.jurisdiction
        if jurisdiction is None:
            return []
        spans = []
        for wording in (jurisdiction.disclosure, jurisdiction.opt_out):
            if wording:
                pattern = r"\s+".join(re.escape(word) for word in wording.split())
                spans += [m.span() for m in re.finditer(pattern, self.text, re.I)]
        if jurisdiction.disclosure:
            spans += [self._sentence_around(m.span()) for m in rules._DISCLOSURE.finditer(self.text)]
        return spans

    def _sentence_around(self, span: tuple[int, int]) -> tuple[int, int]:
        starts = [a for a, _ in self.sentences if a <= span[0]]
        ends = [b for _, b in self.sentences if b >= span[1]]
        return (max(starts, default=span[0]), min(ends, default=span[1]))

    @cached_property
    def facts(self) -> Facts:
        return _facts(self.account, self.policy, self.as_of)

    @cached_property
    def mentions(self) -> Mentions:
        return extract(self.text, self.as_of, self.facts.invoice_pattern, self.lower)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return sentences(self.text)

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for block in self.text.split("\n\n"):
            spans.append((start, start + len(block)))
            start += len(block) + 2
        return spans

    @cached_property
    def plan_paragraphs(self) -> list[tuple[int, int]]:
        """From the first sentence that proposes a plan to the end of its paragraph."""
        spans: list[tuple[int, int]] = []
        if not self.mentions_any(*rules.PLAN_WORDS):
            return spans
        paragraphs, starts, taken = self.paragraphs, self.paragraph_starts, -1
        for cue in rules._PLAN_CUE.finditer(self.lower):
            index = bisect_right(starts, cue.start()) - 1
            a, b = paragraphs[index]
            if index == taken or cue.end() > b:
                continue
            taken = index
            spans.append((self._sentence_start(cue.start(), a), b))
        return spans

    def sentence_holding(self, position: int) -> tuple[int, int] | None:
        """The sentence (of `sentences`) in which the character at `position` stands, if any."""
        if "sentences" not in self.__dict__ and not (self.text[position].isspace() or self.text[position] in ".!?"):
            return sentence_span(self.text, position)  # no rule needed all the sentences so far
        index = bisect_right(self.sentence_starts, position) - 1
        return self.sentences[index] if index >= 0 and position < self.sentences[index][1] else None

    def _sentence_start(self, position: int, floor: int) -> int:
        """Where the sentence holding `position` (a letter) starts, or `floor` if that is later."""
        if "sentences" not in self.__dict__:  # not needed by any rule so far: look only near `position`
            return sentence_start(self.text, position, floor)
        sentence = bisect_right(self.sentence_starts, position) - 1
        return max(self.sentence_starts[sentence], floor) if sentence >= 0 else floor

    @cached_property
    def offer_spans(self) -> list[tuple[int, int]]:
        """Where the draft proposes plans or discounts: their amounts are checked by the offers rule."""
        spans = list(self.plan_paragraphs)
        if "%" in self.text:
            spans += [(a, b) for a, b in self.sentences if rules._DISCOUNT_PCT.search(self.text, a, b)]
        if self.policy.jurisdiction and self.policy.jurisdiction.statutory and \
                self.mentions_any(*rules.CHARGE_WORDS):
            spans += self.sentences_with(rules._CHARGE_CUE)
        return spans

    @cached_property
    def paragraph_starts(self) -> list[int]:
        return [a for a, _ in self.paragraphs]

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [a for a, _ in self.sentences]

    def sentences_with(self, pattern) -> list[tuple[int, int]]:
        """The sentences in which a match of `pattern` (a keyword_pattern) starts, in order."""
        found: list[tuple[int, int]] = []
        for match in pattern.finditer(self.lower):
            sentences, starts = self.sentences, self.sentence_starts  # made at the first match, if any
            index = bisect_right(starts, match.start()) - 1
            if index >= 0 and match.end() <= sentences[index][1] and (not found or found[-1] != sentences[index]):
                found.append(sentences[index])
        return found

    @cached_property
    def overdue_invoices(self) -> list[Any]:
        return [inv for inv in self.account.invoices if inv.open_balance > 0 and inv.due < self.as_of]

    @cached_property
    def balance_text(self) -> str:
        return _cached(self.account, self.policy, self.as_of, "balance_text", lambda: _balance_text(self.account))

    def enabled(self, rule_id: str) -> bool:
        settings = self.policy.rules.get(rule_id)
        return settings is None or settings.enabled

    def verdict(self, category: str) -> tuple[str, str] | None:
        """(rule id, message) if the draft may not assert `category` here, else None."""
        cache = self.__dict__.setdefault("_verdicts", {})
        if category not in cache:
            cache[category] = rules._statement_verdict(self, category)
        return cache[category]


def check(draft: Draft | str, account: Account, policy: Policy | str | None = None, *,
          tier: int | None = None, as_of: date | None = None,
          assessment: Assessment | None = None) -> Report:
    """Check `draft` for `account` against `policy` (a Policy, a pack name or path; default: default).

    The tier comes from `tier`, else from the assessment (when none is given, the tier the analysis
    would give is worked out, without the rest of the analysis). The pack's `dispute` stage (no pressure at all) applies when the assessment's approach is
    `pause_dispute`: everything overdue is under open dispute. Whatever the stage, no draft may ask
    for payment of an invoice under open dispute."""
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    if isinstance(draft, str):
        draft = Draft(body=draft)
    as_of = account.effective_as_of(as_of or (assessment.as_of if assessment else None))
    if assessment is None:
        stage_tier, paused = _stage(account, policy, as_of)
    else:
        stage_tier, paused = assessment.tier, assessment.approach == "pause_dispute"
    disputed_invoices = _cached(account, policy, as_of, "disputed_invoices",
                                lambda: frozenset(d.invoice for d in account.disputes if d.status == "open"))
    text = draft.text()
    ctx = Context(draft, text, account, policy, stage_tier if tier is None else tier, as_of,
                  disputed_invoices, paused)
    findings = []
    for rule, severity, options in _active_rules(policy):
        for hit in rule.check(ctx, options):
            findings.append(Finding(rule=rule.id, category=hit.category, severity=severity, start=hit.start,
                                    end=hit.end, excerpt=text[hit.start:hit.end], message=hit.message,
                                    suggestion=hit.suggestion))
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(passed=not any(f.severity == "block" for f in findings), tier=ctx.tier,
                  policy=policy.name, findings=findings)


_state_cache: dict[tuple[int, int, date], tuple[Account, Policy, Any]] = {}


def _cached(account: Account, policy: Policy, as_of: date, key: str, make):
    slot = _state_cache.get((id(account), id(policy), as_of))
    if slot is None or slot[0] is not account or slot[1] is not policy:
        if len(_state_cache) > 256:
            _state_cache.clear()
        slot = (account, policy, {})
        _state_cache[(id(account), id(policy), as_of)] = slot
    values = slot[2]
    if key not in values:
        values[key] = make()
    return values[key]


_rules_cache: dict[int, tuple[Policy, list[Any]]] = {}


def _active_rules(policy: Policy) -> list[Any]:
    """The pack's rules, worked out once per pack."""
    slot = _rules_cache.get(id(policy))
    if slot is None or slot[0] is not policy:
        if len(_rules_cache) > 64:
            _rules_cache.clear()
        slot = _rules_cache[id(policy)] = (policy, rules.active_rules(policy))
    return slot[1]


def _stage(account: Account, policy: Policy, as_of: date) -> tuple[int, bool]:
    """The tier and dispute pause the analysis gives (`drafter.analysis.stage`), without the rest
    of the analysis."""
    from .analysis import stage

    return _cached(account, policy, as_of, "stage", lambda: stage(account, policy, as_of))


def _balance_text(account: Account) -> str:
    totals: dict[str, Decimal] = {}
    for inv in account.invoices:
        totals[inv.currency] = totals.get(inv.currency, Decimal(0)) + inv.open_balance
    return " + ".join(format_money(amount, currency) for currency, amount in totals.items())


def _facts(account: Account, policy: Policy, as_of: date) -> Facts:
    return _cached(account, policy, as_of, "facts", lambda: Facts.of(account, policy, as_of))
