"""Invariants of the analysis over generated accounts (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.analysis import APPROACH_INTENSITY, TONE_ORDER, analyze, stage
from drafter.models import Account

AS_OF = date(2026, 11, 23)
CURRENCIES = ("USD", "EUR", "GBP")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cents = st.integers(min_value=1, max_value=10**10).map(lambda c: Decimal(c) / 100)


@st.composite
def invoices(draw, currencies=CURRENCIES):
    count = draw(st.integers(min_value=1, max_value=5))
    out = []
    for index in range(count):
        amount = draw(cents)
        paid_share = draw(st.sampled_from([0, 0, 0, 1, 2]))  # mostly unpaid, some part-paid
        balance = amount - (amount * paid_share / 4).quantize(Decimal("0.01"))
        due = AS_OF - timedelta(days=draw(st.integers(min_value=-40, max_value=400)))
        out.append({"number": f"INV-{index}", "amount": str(amount), "balance": str(balance),
                    "currency": draw(st.sampled_from(currencies)), "issued": (due - timedelta(days=30)).isoformat(),
                    "due": due.isoformat()})
    return out


@st.composite
def accounts(draw, currencies=CURRENCIES):
    payments = [{"date": (AS_OF - timedelta(days=draw(st.integers(1, 500)))).isoformat(), "amount": "100.00",
                 "days_late": draw(st.integers(-5, 90))} for _ in range(draw(st.integers(0, 6)))]
    comms = []
    for _ in range(draw(st.integers(0, 5))):
        comms.append({"date": (AS_OF - timedelta(days=draw(st.integers(0, 120)))).isoformat(),
                      "channel": draw(st.sampled_from(["email", "call"])),
                      "direction": draw(st.sampled_from(["inbound", "outbound"])),
                      "responded": draw(st.sampled_from([None, True, False])),
                      "summary": draw(st.sampled_from(["Reminder sent.", "They will wire on Friday.",
                                                       "Heard they laid off staff.", "Working on it, soon.",
                                                       "Cash flow is tight after the ERP migration."]))})
    promises = []
    for _ in range(draw(st.integers(0, 2))):
        made = AS_OF - timedelta(days=draw(st.integers(1, 90)))
        promises.append({"made_on": made.isoformat(),
                         "promised_for": (made + timedelta(days=draw(st.integers(0, 20)))).isoformat(),
                         "amount": "500.00", "kept": draw(st.sampled_from([None, True, False]))})
    revenue = draw(st.sampled_from([None, "9000.00", "120000.00", "700000.00"]))
    return {
        "as_of": AS_OF.isoformat(),
        "customer": {"name": "Generated Co", "annual_revenue": revenue,
                     "industry": draw(st.sampled_from(["general", "saas", "construction", "staffing"])),
                     "strategic": draw(st.booleans())},
        "contacts": [{"name": "Pat AP", "email": "pat@gen.example", "role": "ap"},
                     {"name": "Chris CFO", "role": "cfo", "decision_maker": True}],
        "invoices": draw(invoices(currencies)),
        "payments": payments, "communications": comms, "promises": promises,
        "terms": {"late_fee": draw(st.sampled_from([None, "1.5% per month"])),
                  "rental_equipment": draw(st.booleans())},
    }


def intensity(assessment):
    return (assessment.tier, APPROACH_INTENSITY[assessment.approach], TONE_ORDER.index(assessment.tone))


@SETTINGS
@given(data=accounts(), later=st.integers(min_value=0, max_value=200))
def test_tier_is_monotonic_in_days_past_due(data, later):
    account = Account.model_validate(data)
    now = analyze(account)
    then = analyze(account, as_of=AS_OF + timedelta(days=later))
    assert then.tier >= now.tier
    assert then.days_past_due >= now.days_past_due


@SETTINGS
@given(data=accounts(), which=st.integers(min_value=0, max_value=4), lag=st.integers(min_value=-30, max_value=29))
def test_a_dispute_never_raises_intensity(data, which, lag):
    invoice = data["invoices"][which % len(data["invoices"])]
    opened = min(date.fromisoformat(invoice["due"]) + timedelta(days=lag), AS_OF)
    opened = max(opened, date.fromisoformat(invoice["issued"]))
    before = analyze(Account.model_validate(data))
    disputed = dict(data, disputes=[{"invoice": invoice["number"], "opened": opened.isoformat(),
                                     "reason": "quantity does not match the delivery note"}])
    after = analyze(Account.model_validate(disputed))
    assert after.tier <= before.tier
    assert APPROACH_INTENSITY[after.approach] <= APPROACH_INTENSITY[before.approach]
    assert TONE_ORDER.index(after.tone) <= TONE_ORDER.index(before.tone)
    assert set(after.allowed_categories) <= set(before.allowed_categories)


@SETTINGS
@given(data=accounts())
def test_amounts_never_lose_a_cent(data):
    account = Account.model_validate(data)
    assessment = analyze(account)
    expected: dict[str, Decimal] = {}
    for invoice in account.invoices:
        if invoice.open_balance > 0:
            expected[invoice.currency] = expected.get(invoice.currency, Decimal(0)) + invoice.open_balance
    assert assessment.balances == expected
    assert sum(s.balance for s in assessment.invoices) == sum(expected.values())
    for currency, overdue in assessment.overdue_balances.items():
        assert Decimal(0) < overdue <= expected[currency]
    if len(expected) == 1:
        assert assessment.total_balance == next(iter(expected.values()))
    elif len(expected) > 1:
        assert assessment.total_balance is None and assessment.currency is None
    dumped = assessment.model_dump(mode="json")
    assert {c: Decimal(v) for c, v in dumped["balances"].items()} == expected


@SETTINGS
@given(data=accounts(currencies=("USD",)))
def test_every_assessment_is_complete_and_consistent(data):
    assessment = analyze(Account.model_validate(data))
    assert assessment.approach in APPROACH_INTENSITY
    assert assessment.next_action.kind in {
        "upcoming_reminder", "reminder", "personal_follow_up", "executive_escalation", "final_notice",
        "dispute_acknowledgement", "payment_plan_proposal", "promise_confirmation",
        "broken_promise_follow_up", "payment_thank_you"}
    assert assessment.next_action.due >= assessment.as_of
    assert assessment.next_action.due.weekday() < 5
    assert assessment.write_off_review == ("write_off_review" in {f.id for f in assessment.flags})
    if assessment.tier < 3:
        assert assessment.allowed_categories == []


@SETTINGS
@given(data=accounts(), disputed=st.sets(st.integers(min_value=0, max_value=4), max_size=5),
       status=st.sampled_from(["open", "open", "resolved"]))
def test_the_guards_shortcut_gives_the_tier_and_pause_the_analysis_does(data, disputed, status):
    numbers = sorted({data["invoices"][i % len(data["invoices"])]["number"] for i in disputed})
    data = dict(data, disputes=[{"invoice": number, "opened": AS_OF.isoformat(), "status": status}
                                for number in numbers])
    account = Account.model_validate(data)
    assessment = analyze(account)
    assert stage(account) == (assessment.tier, assessment.approach == "pause_dispute")
