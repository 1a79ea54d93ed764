"""The analysis: how late an account is, what its facts say, and how hard to push.

`analyze(account)` returns an `Assessment`: the aging tier (from the oldest unpaid, undisputed invoice),
the four factors (value, history, context, risk) with the facts behind each, the signals, the approach
from the decision matrix, the tone, who sends and who is copied, the next action, and the content
categories the stage permits. Every conclusion carries its reason in words. The rules are described
in docs/analysis.md.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from operator import attrgetter, itemgetter
from dataclasses import dataclass
from typing import Any
from datetime import date, timedelta
from decimal import Decimal

from .models import Account, Assessment, Payment
from .money import format_money
from .policy import Policy, load_policy
from .signals import (ACCELERATION, PATIENCE, PromiseOutcome, late_disputes, promise_outcomes, signal_data,
                      unanswered_contacts)

__all__ = ["analyze", "stage", "APPROACH_INTENSITY", "TONE_ORDER", "ON_TIME_GRACE_DAYS"]

ON_TIME_GRACE_DAYS = 5  # a payment this many days after the due date still counts as on time
POOR_AVG_DAYS_LATE = 30  # paying this late on average (or half that, mostly late) is a poor history
TREND_DAYS = 7  # recent payments this much later (or earlier) on average make a trend
RECOVERY_WINDOW_DAYS = 90  # a payment or reply this recent is a sign of recovery (no write-off review)
RISK_BALANCE = (Decimal("25000"), Decimal("100000"))  # overdue amounts that raise risk one, two steps (ascending)
STILL_ORDERING_DAYS = 45  # an invoice issued this recently means the customer still buys from us
LIEN_WARNING_DAYS = 30
RECENT_PROMISE_DAYS = 30  # a promise broken longer ago than this is history, not the next topic
FOLLOW_UP_DAYS = {0: 0, 1: 7, 2: 5, 3: 4, 4: 3}  # days to wait after our last contact, by tier
_FOLLOW_UP = {tier: timedelta(days=days) for tier, days in FOLLOW_UP_DAYS.items()}
_STILL_ORDERING = timedelta(days=STILL_ORDERING_DAYS)
_RECOVERY_WINDOW = timedelta(days=RECOVERY_WINDOW_DAYS)
_ONE_DAY = timedelta(days=1)
_COURTESY_NOTICE = timedelta(days=3)  # a courtesy note goes out this long before the due date

APPROACH_INTENSITY = {"pause_dispute": 0, "patience": 1, "direct_conversation": 2,
                      "standard_escalation": 2, "accelerated_escalation": 3}
TONE_ORDER = ("friendly", "helpful", "curious", "firm", "final")
_TIER_TONE = {0: "friendly", 1: "helpful", 2: "curious", 3: "firm", 4: "final"}
_AP_ROLES = {"ap", "accounts_payable", "billing", "bookkeeper", "accounting", "finance"}
_DECIDER_ROLES = {"cfo", "ceo", "owner", "president", "controller", "coo", "founder", "vp_finance"}
_PATIENCE = frozenset(PATIENCE)
_ACCELERATION = frozenset(ACCELERATION)
_NOTHING = Decimal("0.00")
_ZERO = Decimal(0)
_SHARE_STEPS = (Decimal("0.05"), Decimal("0.10"))  # shares of our receivables that raise risk one, two steps
# (ascending: the steps reached are counted by bisection)
_RISKY_SIGNALS = frozenset({"going_dark", "operational_red_flags"})
_RED_FLAGS = frozenset({"operational_red_flags", "vendor_prioritization"})
_REASSURING = frozenset({"specific_payment_date", "transparency"})


def analyze(account: Account, policy: Policy | str | None = None, as_of: date | None = None) -> Assessment:
    """Everything drafter concludes about `account`, with its reasons.

    `policy` is a Policy, a pack name or path, or None for the default pack. `as_of` overrides the
    account's own `as_of` (which defaults to today)."""
    facts = _Facts.gather(account, _policy(policy), account.effective_as_of(as_of))
    factors = {"value": _value(facts), "history": _history(facts), "context": _context(facts),
               "risk": _risk(facts)}
    approach, approach_reason = _approach(facts, factors)
    tone = _tone(facts.tier, approach, factors["history"]["level"], bool(facts.patience))
    sender_role = _sender_role(facts.tier, approach)
    recipients, cc = _addressees(facts, approach, sender_role)
    # One validation of plain data builds every nested model at once: much faster than one by one.
    return Assessment.model_validate({
        "as_of": facts.as_of,
        "customer": account.customer.name,
        "tier": facts.tier,
        "tier_reason": _tier_reason(facts),
        "days_past_due": facts.days_past_due,
        "oldest_invoice": facts.oldest["number"] if facts.oldest else None,
        "currency": facts.currency,
        "balances": facts.balances,
        "overdue_balances": facts.overdue_balances,
        "total_balance": facts.balances.get(facts.currency, _NOTHING) if facts.currency else None,
        "write_off_review": facts.write_off_review,
        "factors": factors,
        "signals": facts.signals,
        "approach": approach,
        "approach_reason": approach_reason,
        "tone": tone,
        "sender_role": sender_role,
        "sender_name": _sender_name(facts, sender_role),
        "recipients": recipients,
        "cc": cc,
        "next_action": _next_action(facts, approach, recipients),
        "allowed_categories": facts.policy.allowed_categories(account, facts.tier,
                                                              disputed=approach == "pause_dispute"),
        "invoices": facts.statuses,
        "flags": _flags(facts, factors),
    })


def _policy(policy: Policy | str | None) -> Policy:
    if isinstance(policy, Policy):
        return policy
    return _named_policy(policy)


@functools.lru_cache(maxsize=8)
def _named_policy(name: str | None) -> Policy:
    """Packs by name, looked up once per process (analysing thousands of accounts in a batch)."""
    return load_policy(name)


# An open invoice as the analysis sees it: the fields of its InvoiceStatus in the assessment, as a
# plain dict so that the one Assessment validation builds the model.
_Status = dict[str, Any]
_NUMBER = itemgetter("number")
_DAYS_PAST_DUE = itemgetter("days_past_due")
_DECISION_MAKER = attrgetter("decision_maker")
_EMAIL = attrgetter("email")
_ISSUED = attrgetter("issued")


@dataclass(slots=True)
class _Facts:
    """What every rule needs, computed once per account."""

    account: Account
    policy: Policy
    as_of: date
    statuses: list[_Status]
    paused: list[str]  # the numbers of the invoices paused under dispute, oldest first
    oldest: _Status | None  # the oldest unpaid, undisputed invoice
    days_past_due: int
    tier: int
    balances: dict[str, Decimal]
    overdue_balances: dict[str, Decimal]
    currency: str | None
    signals: list[dict[str, str]]  # the fields of each Signal
    signal_ids: set[str]
    patience: list[str]  # the patience signal ids, sorted
    acceleration: list[str]  # the acceleration signal ids, sorted
    outcomes: list[PromiseOutcome]
    unanswered: list[int]  # our contacts since the customer last answered (see unanswered_contacts)
    open_disputes: dict[str, date]  # invoice number -> opened
    late_dispute_indexes: set[int]
    cues: set[str]
    write_off_review: bool
    last_outbound: date | None  # our latest contact (not a note) up to as_of
    still_ordering: tuple[bool | None, str | None]  # whether they still buy from us, and the fact

    @classmethod
    def gather(cls, account: Account, policy: Policy, as_of: date) -> _Facts:
        open_disputes = _open_disputes(account)
        statuses = _open_invoices(account, policy, as_of, open_disputes)
        oldest, days_past_due = _oldest(statuses)
        balances: dict[str, Decimal] = {}
        overdue: dict[str, Decimal] = {}
        for status in statuses:
            currency, balance = status["currency"], status["balance"]
            balances[currency] = balances.get(currency, _NOTHING) + balance
            if status["days_past_due"] > 0 and not status["paused"]:
                overdue[currency] = overdue.get(currency, _NOTHING) + balance
        currencies = set(balances) or {i.currency for i in account.invoices}
        outcomes = promise_outcomes(account, as_of)
        unanswered = unanswered_contacts(account.communications, as_of)
        signals, cues = signal_data(account, as_of, outcomes, unanswered)
        signal_ids = {s["id"] for s in signals}
        return cls(
            account=account, policy=policy, as_of=as_of, statuses=statuses,
            paused=[s["number"] for s in statuses if s["paused"]] if open_disputes else [], oldest=oldest,
            days_past_due=days_past_due, tier=policy.tier_for(days_past_due), balances=balances,
            overdue_balances=overdue, currency=next(iter(currencies)) if len(currencies) == 1 else None,
            signals=signals, signal_ids=signal_ids, patience=sorted(signal_ids & _PATIENCE),
            acceleration=sorted(signal_ids & _ACCELERATION), outcomes=outcomes, unanswered=unanswered,
            open_disputes=open_disputes,
            late_dispute_indexes={i for i, _ in late_disputes(account)} if account.disputes else set(),
            cues=cues,
            write_off_review=(days_past_due >= policy.tiers.write_off_days
                              and not _recovering(account, as_of)),
            last_outbound=_last_outbound(account, as_of),
            still_ordering=_still_ordering(account, as_of, days_past_due),
        )

    def money(self, amount: Decimal, currency: str | None = None) -> str:
        return format_money(amount, currency or self.currency or "USD")

    def amounts(self, by_currency: dict[str, Decimal]) -> str:
        """Amounts per currency in words, never added across currencies: "$1.00 + €2.00"."""
        if not by_currency:
            return self.money(_NOTHING)
        if len(by_currency) == 1:
            [(currency, amount)] = by_currency.items()
            return format_money(amount, currency)
        return " + ".join(format_money(v, c) for c, v in sorted(by_currency.items()))


def _open_disputes(account: Account) -> dict[str, date]:
    """Invoice number -> the day its open dispute was raised."""
    if not account.disputes:
        return {}
    return {d.invoice: d.opened for d in account.disputes if d.status == "open"}


def _oldest(statuses: list[_Status]) -> tuple[_Status | None, int]:
    """The oldest unpaid, undisputed invoice, and its days past due (0 when it is not yet due)."""
    for status in statuses:
        if not status["paused"]:
            return status, max(status["days_past_due"], 0)
    return None, 0


def _open_invoices(account: Account, policy: Policy, as_of: date,
                   open_disputes: dict[str, date]) -> list[_Status]:
    """The invoices with something left to pay, the latest first."""
    statuses = []
    tier_starts = policy.tiers.starts  # Policy.tier_for, without a method call per invoice
    for invoice in account.invoices:
        balance = invoice.balance  # Invoice.open_balance, without a property call per invoice
        if balance is None:
            balance = invoice.amount
        if balance <= 0:
            continue
        days = (as_of - invoice.due).days
        disputed = invoice.number in open_disputes
        statuses.append({"number": invoice.number, "currency": invoice.currency, "amount": invoice.amount,
                         "balance": balance, "due": invoice.due, "days_past_due": days,
                         "tier": bisect_right(tier_starts, days), "disputed": disputed, "paused": disputed})
    if len(statuses) > 1:  # by number, then stably the latest first: each key read by a C function
        statuses.sort(key=_NUMBER)
        statuses.sort(key=_DAYS_PAST_DUE, reverse=True)
    return statuses


def stage(account: Account, policy: Policy | str | None = None,
          as_of: date | None = None) -> tuple[int, bool]:
    """The tier `analyze` gives, and whether it pauses for a dispute (approach `pause_dispute`:
    everything overdue is under open dispute), without the rest of the analysis: what the guard
    needs to pick the stage a draft is checked against."""
    pack = _policy(policy)
    as_of = account.effective_as_of(as_of)
    statuses = _open_invoices(account, pack, as_of, _open_disputes(account))
    _, days_past_due = _oldest(statuses)
    paused = any(s["paused"] for s in statuses)
    overdue = any(s["days_past_due"] > 0 and not s["paused"] for s in statuses)
    return pack.tier_for(days_past_due), paused and not overdue


def _last_outbound(account: Account, as_of: date) -> date | None:
    dates = [c.date for c in account.communications
             if c.direction == "outbound" and c.channel != "note" and c.date <= as_of]
    return max(dates) if dates else None


def _still_ordering(account: Account, as_of: date, days_past_due: int) -> tuple[bool | None, str | None]:
    """Whether the customer still buys from us, and the fact that says so."""
    explicit = account.customer.still_ordering
    if explicit is not None:
        return explicit, ("still placing orders" if explicit else "no longer placing orders")
    if days_past_due <= 0:
        return None, None
    since = as_of - _STILL_ORDERING
    recent = [i for i in account.invoices if since <= i.issued <= as_of]
    if recent:
        newest = max(recent, key=_ISSUED)
        return True, f"still ordering: {newest.number} issued {newest.issued.isoformat()}"
    return None, None


def _recovering(account: Account, as_of: date) -> bool:
    """A payment, a reply or a promise still pending in the recent past: a sign of recovery."""
    since = as_of - _RECOVERY_WINDOW
    for payment in account.payments:
        if since <= payment.date <= as_of:
            return True
    for comm in account.communications:
        if since <= comm.date <= as_of and (comm.direction == "inbound" or comm.responded):
            return True
    for promise in account.promises:
        if promise.kept is None and promise.promised_for >= as_of:
            return True
    return False


# ---- tier --------------------------------------------------------------------------------------

def _tier_range(policy: Policy, tier: int) -> str:
    return policy.tier_days(tier) or "not yet due"


def _tier_reason(facts: _Facts) -> str:
    paused = facts.paused
    paused_note = f"; {', '.join(paused)} paused under dispute" if paused else ""
    if facts.oldest is None:
        if paused:
            return f"every open invoice is under dispute ({', '.join(paused)}): nothing is asked for"
        return "nothing is open: every invoice is paid"
    oldest = facts.oldest
    if facts.days_past_due == 0:
        days = -oldest["days_past_due"]
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return f"nothing is past due; {oldest['number']} falls due {oldest['due']} ({when}){paused_note}"
    return (f"{oldest['number']} is {facts.days_past_due} days past due "
            f"(tier {facts.tier}: {_tier_range(facts.policy, facts.tier)}){paused_note}")


# ---- the four factors --------------------------------------------------------------------------

def _value(facts: _Facts) -> dict[str, Any]:
    customer = facts.account.customer
    bands = facts.policy.value_bands
    revenue = customer.annual_revenue
    facts_out: list[str] = []
    if customer.strategic and bands.strategic_is_high:
        level = "high"
        facts_out.append("flagged strategic")
    elif revenue is None:
        level = "medium"
        facts_out.append("annual revenue not given: treated as medium value")
    elif revenue >= bands.high_revenue:
        level = "high"
    elif revenue < bands.low_revenue:
        level = "low"
    else:
        level = "medium"
    if revenue is not None:
        facts_out.insert(0, f"{format_money(revenue, facts.currency or 'USD')} a year")
    tenure = None
    if customer.customer_since:
        tenure = round((facts.as_of - customer.customer_since).days / 365.25, 1)
        facts_out.append(f"customer since {customer.customer_since.year} ({tenure:g} years)")
    if customer.growing is not None:
        facts_out.append("growing" if customer.growing else "not growing")
    return {"level": level, "facts": facts_out, "metrics": {
        "annual_revenue": revenue, "strategic": customer.strategic, "growing": customer.growing,
        "tenure_years": tenure, "high_from": bands.high_revenue, "low_below": bands.low_revenue,
    }}


def _history(facts: _Facts) -> dict[str, Any]:
    account = facts.account
    late_days = _days_late(account.payments)
    on_time_rate = avg_late = None
    if late_days:
        on_time = 0
        for days in late_days:
            if days <= ON_TIME_GRACE_DAYS:
                on_time += 1
        on_time_rate = on_time / len(late_days)
        avg_late = _days_late_total(late_days) / len(late_days)
    explained = "temporary_issue" in facts.cues or bool(facts.patience)
    trend, trend_fact = _trend(late_days, on_time_rate, avg_late, facts.days_past_due, explained)
    outcomes = facts.outcomes
    kept = broken = pending = 0
    if outcomes:
        outcome_names = [o.outcome for o in outcomes]
        kept, broken, pending = (outcome_names.count("kept"), outcome_names.count("broken"),
                                 outcome_names.count("pending"))
    rejected = [i for i, d in enumerate(account.disputes) if d.status == "rejected"] if account.disputes else []
    delay_disputes = len(set(rejected) | facts.late_dispute_indexes) if account.disputes else 0

    facts_out = []
    if late_days:
        facts_out.append(f"{on_time_rate:.0%} of {len(late_days)} payments on time; "
                         f"{avg_late:.1f} days late on average")
    else:
        facts_out.append("no payment history on file")
    if trend_fact:
        facts_out.append(trend_fact)
    if outcomes:
        facts_out.append(f"promises: {kept} kept, {broken} broken, {pending} pending")
    if account.disputes:
        delay = f", {delay_disputes} look like a way to delay" if delay_disputes else ""
        facts_out.append(f"{len(account.disputes)} dispute(s) on record{delay}")

    chronic = avg_late is not None and (avg_late >= POOR_AVG_DAYS_LATE
                                        or (on_time_rate < 0.5 and avg_late > POOR_AVG_DAYS_LATE / 2))
    unreliable = (broken >= 2 and broken > kept) or delay_disputes >= 2
    if not late_days and kept + broken == 0:
        level = "none"
    elif trend == "worsening" and not unreliable:
        level = "declining"
    elif chronic or unreliable:
        level = "poor"
    elif (on_time_rate is None or on_time_rate >= 0.8) and broken == 0 and delay_disputes == 0:
        level = "strong"
    else:
        level = "mixed"
    return {"level": level, "facts": facts_out, "metrics": {
        "payments": len(late_days), "on_time_rate": round(on_time_rate, 3) if on_time_rate is not None else None,
        "avg_days_late": round(avg_late, 1) if avg_late is not None else None, "trend": trend,
        "promises_kept": kept, "promises_broken": broken, "promises_pending": pending,
        "disputes": len(account.disputes), "disputes_rejected": len(rejected),
        "disputes_as_delay": delay_disputes,
    }}


def _days_late(payments: list[Payment]) -> list[int]:
    """The days late of the payments that record them, oldest payment first."""
    lateness = [(p.date, p.days_late) for p in payments if p.days_late is not None]
    lateness.sort()
    return [days for _, days in lateness]


def _days_late_total(late_days: list[int]) -> int:
    """The days late added up, early payments counting as on time (0)."""
    total = 0
    for days in late_days:
        if days > 0:
            total += days
    return total


def _trend(late_days: list[int], on_time_rate: float | None, avg_late: float | None,
           days_past_due: int, explained: bool) -> tuple[str, str | None]:
    """improving, steady, worsening or unknown, with the fact behind it. A good payer who is now far
    later than usual is worsening, unless they have explained why (a temporary issue)."""
    if avg_late is not None and on_time_rate is not None and on_time_rate >= 0.7 \
            and days_past_due > max(30.0, 2 * avg_late + 15):
        fact = f"now {days_past_due} days late against a usual {avg_late:.0f}"
        if explained:
            return "steady", fact + ", with an explanation"
        return "worsening", fact
    if len(late_days) < 4:
        return "unknown", None
    half = len(late_days) // 2
    older = _days_late_total(late_days[:half]) / half
    recent = _days_late_total(late_days[half:]) / (len(late_days) - half)
    if recent - older > TREND_DAYS:
        return "worsening", f"recent payments {recent:.0f} days late on average, earlier ones {older:.0f}"
    if older - recent > TREND_DAYS:
        return "improving", f"recent payments {recent:.0f} days late on average, earlier ones {older:.0f}"
    return "steady", None


def _context(facts: _Facts) -> dict[str, Any]:
    ids = facts.signal_ids
    facts_out = []
    for number, opened in sorted(facts.open_disputes.items()):
        facts_out.append(f"open dispute on {number} since {opened}")
    ordering, ordering_fact = facts.still_ordering
    if ordering_fact:
        facts_out.append(ordering_fact)
    unanswered = facts.unanswered
    if unanswered:
        facts_out.append(f"{len(unanswered)} outbound contact(s) unanswered since the last reply")
    if "temporary_issue" in facts.cues:
        facts_out.append("they describe a passing problem (systems, approvals, cash flow)")
    if "vague_promise" in facts.cues and "specific_payment_date" not in ids:
        facts_out.append("vague commitments without a date")
    patience = facts.patience
    if patience:
        facts_out.append("patience signals: " + ", ".join(patience))
    acceleration = facts.acceleration
    if acceleration:
        facts_out.append("acceleration signals: " + ", ".join(acceleration))

    excuses = "broken_promise" in ids or (
        "vague_promise" in facts.cues and "temporary_issue" not in facts.cues
        and "specific_payment_date" not in ids)
    if facts.paused:
        level = "dispute"
    elif "going_dark" in ids:
        level = "avoiding_contact"
    elif ids & _RED_FLAGS:
        level = "red_flags"
    elif excuses:
        level = "excuses"
    elif "temporary_issue" in facts.cues or ids & _REASSURING:
        level = "temporary_issue"
    elif patience:
        level = "engaged"
    else:
        level = "quiet"
    if not facts_out:
        facts_out.append("nothing notable on file")
    return {"level": level, "facts": facts_out, "metrics": {
        "open_disputes": sorted(facts.open_disputes), "still_ordering": ordering,
        "unanswered_contacts": len(unanswered), "temporary_issue": "temporary_issue" in facts.cues,
        "excuses": excuses, "last_outbound": facts.last_outbound,
    }}


def _risk(facts: _Facts) -> dict[str, Any]:
    account, terms = facts.account, facts.account.terms
    starts = facts.policy.tiers.starts
    score = 0
    open_amounts = facts.amounts(facts.balances)
    overdue_amounts = (open_amounts if facts.overdue_balances == facts.balances
                       else facts.amounts(facts.overdue_balances))
    facts_out = [f"open {open_amounts}; overdue {overdue_amounts}"]
    if facts.days_past_due >= starts[3]:
        score += 2
    elif facts.days_past_due >= starts[2]:
        score += 1
    score += bisect_right(RISK_BALANCE, max(facts.overdue_balances.values(), default=_ZERO))

    share = None
    if account.company_total_ar and facts.currency:
        share = facts.balances.get(facts.currency, _ZERO) / account.company_total_ar
        facts_out.append(f"{share:.1%} of our total receivables")
        score += bisect_right(_SHARE_STEPS, share)

    security = []
    if terms.personal_guarantee:
        security.append("personal guarantee on file")
    if terms.lien_rights:
        if terms.lien_deadline is None:
            security.append("lien rights")
        elif terms.lien_deadline >= facts.as_of:
            days = (terms.lien_deadline - facts.as_of).days
            security.append(f"lien rights until {terms.lien_deadline} ({days} days left)")
        else:
            facts_out.append(f"lien deadline passed on {terms.lien_deadline}")
    if terms.rental_equipment:
        security.append("our rental equipment is on site")
    if security:
        facts_out.append("security: " + ", ".join(security))
        score -= 1
    else:
        facts_out.append("no security (no guarantee, lien or equipment)")

    ordering, _ = facts.still_ordering
    exposure = bool(ordering) and facts.days_past_due > 0
    if exposure:
        facts_out.append("ongoing exposure: still buying on credit while overdue")
        score += 1
    score += len(facts.signal_ids & _RISKY_SIGNALS)
    level = "high" if score >= 4 else "medium" if score >= 2 else "low"
    return {"level": level, "facts": facts_out, "metrics": {
        "open_balances": facts.balances, "overdue_balances": facts.overdue_balances,
        "oldest_days_past_due": facts.days_past_due,
        "share_of_ar": round(share, 4) if share is not None else None,
        "personal_guarantee": terms.personal_guarantee, "lien_rights": terms.lien_rights,
        "lien_deadline": terms.lien_deadline, "rental_equipment": terms.rental_equipment,
        "still_ordering": ordering, "ongoing_exposure": exposure, "score": score,
    }}


# ---- decision matrix, tone, people -------------------------------------------------------------

def _approach(facts: _Facts, factors: dict[str, Any]) -> tuple[str, str]:
    value, history = factors["value"]["level"], factors["history"]["level"]
    ids = facts.signal_ids
    acceleration = facts.acceleration
    paused = facts.paused
    if paused and not facts.overdue_balances:
        late = facts.late_dispute_indexes
        caution = " (raised late: resolve it quickly and hold to the timeline after)" if late else ""
        return "pause_dispute", (f"everything overdue is under dispute ({', '.join(paused)}): resolve "
                                 f"the dispute first, then restart the clock{caution}")
    if value == "high":
        if history in ("strong", "none") and not acceleration and facts.tier <= 3:
            temporary = " and a temporary issue" if factors["context"]["level"] in ("temporary_issue", "engaged") else ""
            return "patience", (f"high value, {history} history{temporary}: talk first and work on a "
                                f"solution together")
        why = [f"{history} history"] + ([f"signals: {', '.join(acceleration)}"] if acceleration else [])
        if facts.tier == 4:
            why.append(f"{facts.days_past_due} days past due")
        return "direct_conversation", (f"high value but {'; '.join(why)}: speak to the decision maker, "
                                       f"say what worries us, require a plan")
    avoiding = "going_dark" in ids
    accelerate = (
        (value == "low" and (history == "poor" or avoiding or len(acceleration) >= 2))
        or (value == "medium" and ((history == "poor" and (avoiding or "broken_promise" in ids))
                                   or len(acceleration) >= 3))
    )
    if accelerate:
        return "accelerated_escalation", (
            f"{value} value, {history} history"
            + (f", signals: {', '.join(acceleration)}" if acceleration else "")
            + ": formal demand on a short timeline; consider a third party")
    detail = f", signals: {', '.join(acceleration)}" if acceleration else ""
    return "standard_escalation", (f"{value} value, {history} history{detail}: follow the standard "
                                   f"timeline and hold them to what they commit to")


def _tone(tier: int, approach: str, history: str, patience_signals: bool) -> str:
    index = TONE_ORDER.index(_TIER_TONE[tier])
    if approach == "pause_dispute":
        return TONE_ORDER[min(index, TONE_ORDER.index("helpful"))]
    if approach == "patience" or (history == "strong" and approach == "standard_escalation" and tier < 4
                                  and patience_signals):
        index = max(0, index - 1)
    elif approach == "accelerated_escalation" and tier < 4:
        index = min(index + 1, TONE_ORDER.index("firm"))
    return TONE_ORDER[index]


def _sender_role(tier: int, approach: str) -> str:
    if approach == "pause_dispute":
        return "collector"
    if tier <= 1:
        return "collector" if approach == "accelerated_escalation" and tier == 1 else "billing_team"
    if tier == 2:
        return "finance_leader" if approach == "direct_conversation" else "collector"
    return "finance_leader" if tier == 3 else "executive"


def _sender_name(facts: _Facts, role: str) -> str:
    message = facts.policy.message
    if role == "collector" and facts.account.collector:
        return facts.account.collector.name
    if role == "finance_leader":
        return message.finance_leader
    if role == "executive":
        return message.executive
    return message.billing_team


def _addressees(facts: _Facts, approach: str, sender_role: str) -> tuple[list[str], list[str]]:
    """Who the message goes to and who is copied (names, theirs then ours)."""
    account = facts.account
    contacts = account.contacts
    payables, deciders, decider_roles = [], [], []
    for contact in contacts:
        role = contact.role.lower()
        if role in _AP_ROLES:
            payables.append(contact.name)
        if contact.decision_maker:
            deciders.append(contact.name)
        if role in _DECIDER_ROLES:
            decider_roles.append(contact.name)
    payables = payables or [c.name for c in contacts[:1]]
    deciders = deciders or decider_roles
    to_decider = deciders and (facts.tier >= 3 or approach == "direct_conversation")
    recipients = deciders if to_decider else payables
    cc = [name for name in payables if name not in recipients] if to_decider else []
    owner = account.account_owner
    loop_in_owner = (facts.tier >= 2 or approach == "pause_dispute"
                     or (account.customer.industry == "staffing" and facts.tier >= 1))
    if owner and loop_in_owner:
        cc.append(owner.name)
    collector = account.collector
    if collector and sender_role in ("finance_leader", "executive") and collector.name not in cc:
        cc.append(collector.name)
    return list(dict.fromkeys(recipients)), list(dict.fromkeys(cc))


# ---- next action -------------------------------------------------------------------------------

def _next_action(facts: _Facts, approach: str, recipients: list[str]) -> dict[str, Any]:
    who = recipients[0] if recipients else "the customer"
    account, as_of = facts.account, facts.as_of
    unanswered = _unanswered_disputes(facts)
    if unanswered or (approach == "pause_dispute" and facts.open_disputes):
        if unanswered:
            action = f"acknowledge the dispute on {unanswered[0]} to {who} and agree the steps to resolve it"
        else:
            action = (f"update {who} on the dispute on {min(facts.open_disputes)}: what we found and "
                      f"what happens next")
        return _action(action, "dispute_acknowledgement", "email", as_of)
    outcomes = facts.outcomes
    if not outcomes:
        return _tier_action(facts, approach, who)
    pending = [o for o in outcomes if o.outcome == "pending"]
    if pending:
        promise = account.promises[pending[-1].index]
        confirmed = any(c.direction == "outbound" and promise.made_on <= c.date <= as_of
                        for c in account.communications)
        if confirmed:
            return _action(f"check that {pending[-1].reason} arrived; thank {who} or follow up",
                           "promise_confirmation", "email", promise.promised_for + _ONE_DAY)
        return _action(f"confirm in writing to {who}: {pending[-1].reason}", "promise_confirmation",
                       "email", as_of)
    latest = max(outcomes, key=lambda o: account.promises[o.index].made_on)
    if (latest.outcome == "broken" and facts.days_past_due > 0
            and (as_of - account.promises[latest.index].promised_for).days <= RECENT_PROMISE_DAYS):
        channel = "call" if facts.tier >= 2 else "email"
        return _action(f"{'call' if channel == 'call' else 'write to'} {who} about the broken promise "
                       f"({latest.reason}) and ask for a firm date", "broken_promise_follow_up", channel,
                       _after_last_contact(facts))
    return _tier_action(facts, approach, who)


def _unanswered_disputes(facts: _Facts) -> list[str]:
    """Open disputes we have not written about since they were opened."""
    if not facts.open_disputes:
        return []
    return sorted(number for number, opened in facts.open_disputes.items()
                  if not any(c.direction == "outbound" and c.date >= opened
                             for c in facts.account.communications))


def _tier_action(facts: _Facts, approach: str, who: str) -> dict[str, Any]:
    tier, oldest = facts.tier, facts.oldest
    if oldest is None:
        recent = [p for p in facts.account.payments if p.date <= facts.as_of]
        if recent:
            return _action(f"nothing to collect; thank {who} for the payment", "payment_thank_you",
                           "email", facts.as_of)
        return _action("nothing to collect", "upcoming_reminder", "email", facts.as_of)
    about = f"{oldest['number']} ({format_money(oldest['balance'], oldest['currency'])}"
    if tier == 0:
        due = max(facts.as_of, oldest["due"] - _COURTESY_NOTICE)
        return _action(f"send {who} a courtesy note before {about} falls due on {oldest['due']})",
                       "upcoming_reminder", "email", due)
    about += f", {facts.days_past_due} days late)"
    when = _after_last_contact(facts)
    dark = "going_dark" in facts.signal_ids
    if tier == 1:
        return _action(f"email {who} a reminder about {about} with a way to pay", "reminder", "email", when)
    if tier == 2:
        channel = "call" if dark or approach in ("direct_conversation", "accelerated_escalation") else "email"
        verb = "call" if channel == "call" else "write to"
        return _action(f"{verb} {who} personally about {about}: ask what is holding payment up",
                       "personal_follow_up", channel, when)
    if tier == 3:
        channel = "call" if approach == "direct_conversation" or dark else "email"
        verb = "call" if channel == "call" else "write to"
        plan = facts.policy.offers.plan_from_tier <= 3 and (
            approach in ("patience", "direct_conversation") or "temporary_issue" in facts.cues)
        if plan:
            return _action(f"{verb} {who} to propose a payment plan for {about}", "payment_plan_proposal",
                           channel, when)
        return _action(f"{verb} {who} from the finance leader about {about}, with a deadline",
                       "executive_escalation", channel, when)
    review = "; review the account for write-off" if facts.write_off_review else ""
    return _action(f"send {who} a final notice about {about}: the consequence, its date and the way "
                   f"back{review}", "final_notice", "email", when)


def _after_last_contact(facts: _Facts) -> date:
    last = facts.last_outbound
    return max(facts.as_of, last + _FOLLOW_UP[facts.tier]) if last else facts.as_of


def _action(action: str, kind: str, channel: str, due: date) -> dict[str, Any]:
    if due.weekday() >= 5:  # no collections contact at the weekend: move to Monday
        due += timedelta(days=7 - due.weekday())
    return {"action": action, "kind": kind, "channel": channel, "due": due}


# ---- flags -------------------------------------------------------------------------------------

def _flag(id: str, message: str) -> dict[str, str]:
    return {"id": id, "message": message}


def _flags(facts: _Facts, factors: dict[str, Any]) -> list[dict[str, str]]:
    account, terms = facts.account, facts.account.terms
    flags = []
    if not facts.statuses or facts.statuses[0]["days_past_due"] <= 0:  # the first is the latest
        flags.append(_flag("nothing_overdue", "Nothing undisputed is past due: no demand, at "
                                              "most a courtesy reminder."))
    if len(facts.balances) > 1:
        flags.append(_flag("mixed_currency", f"Balances in {', '.join(sorted(facts.balances))} "
                          "are shown per currency and never added together."))
    for status in facts.statuses if facts.paused else ():
        if status["paused"]:
            flags.append(_flag("invoice_paused", f"{status['number']} is under dispute since "
                              f"{facts.open_disputes[status['number']]}: leave it out of any demand."))
    partial = [s for s in facts.statuses if s["balance"] < s["amount"]]
    if partial:
        flags.append(_flag("partial_payments", "Partly paid: " + "; ".join(
            f"{s['number']} {format_money(s['balance'], s['currency'])} left of "
            f"{format_money(s['amount'], s['currency'])}"
            for s in partial) + ". Thank them for what came in and ask for the rest."))
    if factors["value"]["level"] == "high" and facts.tier == 4:
        flags.append(_flag("executive_signoff_required", "High-value account at the final "
                          "stage: suspension, referral or legal steps need an executive's sign-off."))
    if facts.write_off_review:
        flags.append(_flag("write_off_review", f"{facts.days_past_due} days past due with no "
                          f"payment or reply in {RECOVERY_WINDOW_DAYS} days: review for write-off."))
    if terms.lien_rights and terms.lien_deadline:
        days = (terms.lien_deadline - facts.as_of).days
        if days < 0:
            flags.append(_flag("lien_deadline_passed", f"The lien deadline passed on "
                              f"{terms.lien_deadline}: do not mention a lien."))
        elif days <= LIEN_WARNING_DAYS and facts.days_past_due > 0:
            flags.append(_flag("lien_deadline_near", f"Lien rights end on {terms.lien_deadline} "
                              f"({days} days): decide on filing before then."))
    if factors["risk"]["metrics"]["ongoing_exposure"] and facts.tier >= 3:
        flags.append(_flag("ongoing_exposure", "Still shipping on credit while seriously "
                          "overdue: consider a credit hold."))
    if facts.tier >= 3 and not any(map(_DECISION_MAKER, account.contacts)):
        flags.append(_flag("no_decision_maker", "No decision maker on file: find out who "
                          "approves payments."))
    if not any(map(_EMAIL, account.contacts)):
        flags.append(_flag("no_email", "No contact email on file."))
    return flags
