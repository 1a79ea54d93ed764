"""The analysis rules: tiers, special cases, factors, the decision matrix, people and next action."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import AS_OF, make_account
from drafter.analysis import analyze
from drafter.load import load_account
from drafter.policy import load_policy


def days_ago(days: int) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


def invoice(number: str, days_past_due: int, amount: str = "1000.00", currency: str = "USD", **extra):
    due = AS_OF - timedelta(days=days_past_due)
    return {"number": number, "amount": amount, "currency": currency,
            "issued": (due - timedelta(days=30)).isoformat(), "due": due.isoformat(), **extra}


def on_time_payments(count: int, days_late: int = 0) -> list[dict]:
    return [{"date": days_ago(400 - 30 * i), "amount": "1000.00", "invoice": f"OLD-{i}",
             "days_late": days_late} for i in range(count)]


def unanswered(count: int) -> list[dict]:
    return [{"date": days_ago(30 - 7 * i), "channel": "email", "direction": "outbound",
             "summary": "Reminder sent.", "responded": False} for i in range(count)]


# ---- tiers -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "tier"), [
    (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4),
])
def test_tier_boundaries(days, tier):
    assessment = analyze(make_account(days))
    assert assessment.tier == tier
    assert assessment.days_past_due == max(days, 0)


def test_tier_comes_from_the_oldest_unpaid_invoice():
    account = make_account(invoices=[invoice("NEW", 12), invoice("OLD", 75), invoice("PAID", 200, balance="0")])
    assessment = analyze(account)
    assert (assessment.tier, assessment.days_past_due, assessment.oldest_invoice) == (3, 75, "OLD")
    assert [s.number for s in assessment.invoices] == ["OLD", "NEW"]  # paid invoices are not listed
    assert "OLD is 75 days past due" in assessment.tier_reason


def test_thresholds_come_from_the_policy_pack(tmp_path):
    pack = tmp_path / "slow.yaml"
    pack.write_text("name: slow\nextends: default\ntiers:\n  starts: [1, 46, 91, 121]\n")
    assert analyze(make_account(50)).tier == 2
    assert analyze(make_account(50), policy=str(pack)).tier == 2
    assert analyze(make_account(95), policy=str(pack)).tier == 3
    assert analyze(make_account(40), policy=load_policy(str(pack))).tier == 1


def test_as_of_override_counts_days_to_that_date():
    assessment = analyze(make_account(10), as_of=AS_OF + timedelta(days=25))
    assert (assessment.days_past_due, assessment.tier, assessment.as_of) == (35, 2, AS_OF + timedelta(days=25))


def test_nothing_overdue_is_tier_zero_and_says_so():
    assessment = analyze(make_account(-10))
    assert assessment.tier == 0 and assessment.days_past_due == 0
    assert "nothing is past due" in assessment.tier_reason
    assert "nothing_overdue" in {f.id for f in assessment.flags}
    assert assessment.next_action.kind == "upcoming_reminder"
    assert assessment.next_action.due == AS_OF + timedelta(days=7)  # three days before it falls due
    assert assessment.allowed_categories == []


def test_fully_paid_account_thanks_the_customer():
    account = make_account(10, invoices=[invoice("INV-1", 10, balance="0.00")],
                           payments=[{"date": days_ago(2), "amount": "1000.00", "invoice": "INV-1"}])
    assessment = analyze(account)
    assert assessment.tier == 0 and assessment.invoices == []
    assert assessment.next_action.kind == "payment_thank_you"


# ---- disputes, currencies, partial payments, write-off ------------------------------------------

def test_dispute_on_one_invoice_pauses_only_that_invoice():
    account = make_account(invoices=[invoice("A", 80), invoice("B", 40)],
                           disputes=[{"invoice": "A", "opened": days_ago(70), "reason": "wrong quantity"}])
    assessment = analyze(account)
    by_number = {s.number: s for s in assessment.invoices}
    assert by_number["A"].paused and by_number["A"].disputed
    assert not by_number["B"].paused
    assert (assessment.tier, assessment.oldest_invoice) == (2, "B")
    assert assessment.approach != "pause_dispute"
    assert assessment.overdue_balances == {"USD": Decimal("1000.00")}
    assert "invoice_paused" in {f.id for f in assessment.flags}


def test_resolved_dispute_does_not_pause():
    account = make_account(invoices=[invoice("A", 80)],
                           disputes=[{"invoice": "A", "opened": days_ago(70), "status": "resolved"}])
    assert analyze(account).tier == 3


def test_mixed_currencies_are_never_added():
    account = make_account(invoices=[invoice("EU-1", 20, "8400.00", "EUR"), invoice("US-1", 10, "3150.25", "USD")])
    assessment = analyze(account)
    assert assessment.currency is None and assessment.total_balance is None
    assert assessment.balances == {"EUR": Decimal("8400.00"), "USD": Decimal("3150.25")}
    assert "mixed_currency" in {f.id for f in assessment.flags}
    assert "€8,400.00 + $3,150.25" in " ".join(assessment.factors.risk.facts)


def test_single_currency_total():
    account = make_account(invoices=[invoice("A", 20, "100.10"), invoice("B", -5, "0.25")])
    assessment = analyze(account)
    assert (assessment.currency, assessment.total_balance) == ("USD", Decimal("100.35"))
    assert assessment.overdue_balances == {"USD": Decimal("100.10")}


def test_partial_payment_is_a_flag_and_a_signal():
    account = make_account(invoices=[invoice("A", 40, "9640.00", balance="4640.00")])
    assessment = analyze(account)
    assert assessment.balances == {"USD": Decimal("4640.00")}
    signal = next(s for s in assessment.signals if s.id == "partial_payment")
    assert "$5,000.00 of $9,640.00" in signal.evidence and signal.source == "invoices[0]"
    assert "partial_payments" in {f.id for f in assessment.flags}


def test_write_off_review_at_180_days_without_recovery():
    assessment = analyze(make_account(200, communications=unanswered(3)))
    assert assessment.write_off_review
    assert "write_off_review" in {f.id for f in assessment.flags}


@pytest.mark.parametrize("sign_of_life", [
    {"payments": [{"date": days_ago(20), "amount": "100.00"}]},
    {"communications": [{"date": days_ago(5), "channel": "email", "direction": "inbound", "summary": "We will pay."}]},
])
def test_no_write_off_review_while_there_is_a_sign_of_recovery(sign_of_life):
    assert not analyze(make_account(200, **sign_of_life)).write_off_review


def test_no_write_off_review_before_the_threshold():
    assert not analyze(make_account(179)).write_off_review


def test_high_value_at_final_stage_needs_executive_signoff():
    account = make_account(95, customer={"name": "Big Co", "annual_revenue": "900000.00"})
    assessment = analyze(account)
    assert assessment.tier == 4
    assert "executive_signoff_required" in {f.id for f in assessment.flags}
    assert "executive_signoff_required" not in {f.id for f in analyze(make_account(95)).flags}


# ---- factors -----------------------------------------------------------------------------------

def test_history_metrics():
    payments = on_time_payments(3) + [{"date": days_ago(500), "amount": "5.00", "days_late": 20}]
    promises = [{"made_on": days_ago(60), "promised_for": days_ago(55), "amount": "10.00", "kept": True},
                {"made_on": days_ago(30), "promised_for": days_ago(25), "amount": "10.00", "kept": False}]
    history = analyze(make_account(10, payments=payments, promises=promises)).factors.history
    assert history.metrics["on_time_rate"] == 0.75
    assert history.metrics["avg_days_late"] == 5.0
    assert (history.metrics["promises_kept"], history.metrics["promises_broken"]) == (1, 1)
    assert history.level == "mixed"


@pytest.mark.parametrize(("lateness", "level"), [
    ([0, 1, 0, 2, 0], "strong"),
    ([40, 35, 50], "poor"),
    ([0, 1, 2, 20, 30, 35], "declining"),
    ([], "none"),
])
def test_history_levels(lateness, level):
    payments = [{"date": days_ago(300 - 30 * i), "amount": "1.00", "days_late": d} for i, d in enumerate(lateness)]
    assert analyze(make_account(10, payments=payments)).factors.history.level == level


def test_value_levels_follow_the_policy_bands():
    def value(**customer):
        return analyze(make_account(10, customer={"name": "X", **customer})).factors.value.level
    assert value(annual_revenue="250000.00") == "high"
    assert value(annual_revenue="249999.99") == "medium"
    assert value(annual_revenue="24999.99") == "low"
    assert value(annual_revenue="1000.00", strategic=True) == "high"
    assert value() == "medium"


def test_risk_share_of_ar_and_security():
    account = make_account(70, "50000.00", company_total_ar="400000.00",
                           terms={"personal_guarantee": True, "lien_rights": True,
                                  "lien_deadline": (AS_OF + timedelta(days=20)).isoformat()})
    risk = analyze(account).factors.risk
    assert risk.metrics["share_of_ar"] == Decimal("0.125")
    assert risk.metrics["personal_guarantee"] and risk.metrics["lien_rights"]
    assert any("12.5% of our total receivables" in f for f in risk.facts)
    assert any("personal guarantee" in f for f in risk.facts)


def test_lien_deadline_flags():
    soon = make_account(40, terms={"lien_rights": True, "lien_deadline": (AS_OF + timedelta(days=10)).isoformat()})
    gone = make_account(40, terms={"lien_rights": True, "lien_deadline": (AS_OF - timedelta(days=1)).isoformat()})
    assert "lien_deadline_near" in {f.id for f in analyze(soon).flags}
    assert "lien_deadline_passed" in {f.id for f in analyze(gone).flags}


def test_still_ordering_is_inferred_from_recent_invoices():
    account = make_account(invoices=[invoice("OLD", 70), invoice("NEW", -20)])
    risk = analyze(account).factors.risk
    assert risk.metrics["still_ordering"] is True and risk.metrics["ongoing_exposure"] is True


# ---- decision matrix ---------------------------------------------------------------------------

HIGH = {"name": "Big Co", "annual_revenue": "600000.00"}
LOW = {"name": "Small Co", "annual_revenue": "9000.00"}


def test_matrix_patience_high_value_strong_history_temporary_issue():
    account = make_account(45, customer=HIGH, payments=on_time_payments(6), communications=[
        {"date": days_ago(3), "channel": "email", "direction": "inbound",
         "summary": "Our new ERP migration held up approvals; the wire goes out on the 30th."}])
    assessment = analyze(account)
    assert assessment.approach == "patience"
    assert "temporary issue" in assessment.approach_reason
    assert assessment.tone == "helpful"  # a step softer than tier 2's curious


def test_matrix_direct_conversation_high_value_declining_history_growing_balance():
    lateness = [0, 2, 1, 15, 25, 40]
    payments = [{"date": days_ago(300 - 30 * i), "amount": "1.00", "days_late": d} for i, d in enumerate(lateness)]
    account = make_account(customer=HIGH, payments=payments, invoices=[invoice("A", 70), invoice("B", 5)])
    assessment = analyze(account)
    assert assessment.factors.history.level == "declining"
    assert assessment.approach == "direct_conversation"
    assert assessment.recipients == ["Chris CFO"]


def test_matrix_standard_escalation_medium_value_mixed_history_excuses():
    payments = [{"date": days_ago(300 - 30 * i), "amount": "1.00", "days_late": d} for i, d in enumerate([0, 12, 3, 18])]
    account = make_account(40, payments=payments, communications=[
        {"date": days_ago(4), "channel": "call", "direction": "outbound", "responded": True,
         "summary": "They said it is in the queue and should go out soon."}])
    assessment = analyze(account)
    assert (assessment.factors.value.level, assessment.factors.history.level) == ("medium", "mixed")
    assert assessment.factors.context.level == "excuses"
    assert assessment.approach == "standard_escalation"


def test_matrix_accelerated_escalation_low_value_poor_history_avoiding_contact():
    account = make_account(50, customer=LOW, payments=on_time_payments(3, days_late=45),
                           communications=unanswered(4))
    assessment = analyze(account)
    assert "going_dark" in {s.id for s in assessment.signals}
    assert assessment.approach == "accelerated_escalation"
    assert assessment.tone == "firm"  # a step firmer than tier 2's curious


def test_matrix_pause_dispute_any_value_legitimate_dispute():
    for customer in (HIGH, LOW):
        account = make_account(50, customer=customer,
                               disputes=[{"invoice": "INV-1", "opened": days_ago(45), "reason": "damaged"}])
        assessment = analyze(account)
        assert assessment.approach == "pause_dispute"
        assert assessment.next_action.kind == "dispute_acknowledgement"
        assert assessment.allowed_categories == []
        assert assessment.tone == "friendly"  # nothing undisputed is overdue: tier 0


# ---- people, next action, permissions ----------------------------------------------------------

def test_who_sends_and_who_is_copied_by_tier():
    owner = {"name": "Olive Owner", "email": "olive@northwind.example"}
    collector = {"name": "Cole Collector"}
    early = analyze(make_account(10, account_owner=owner, collector=collector))
    assert (early.sender_role, early.recipients, early.cc) == ("billing_team", ["Pat AP"], [])
    middle = analyze(make_account(45, account_owner=owner, collector=collector))
    assert (middle.sender_role, middle.sender_name) == ("collector", "Cole Collector")
    assert middle.cc == ["Olive Owner"]
    late = analyze(make_account(75, account_owner=owner, collector=collector))
    assert (late.sender_role, late.recipients) == ("finance_leader", ["Chris CFO"])
    assert late.cc == ["Pat AP", "Olive Owner", "Cole Collector"]
    final = analyze(make_account(120, account_owner=owner))
    assert (final.sender_role, final.sender_name, final.tone) == ("executive", "Avery Chen", "final")


def test_staffing_loops_in_the_account_owner_early():
    owner = {"name": "Branch Manager"}
    account = make_account(10, customer={"name": "Temps Inc", "industry": "staffing"}, account_owner=owner)
    assert analyze(account).cc == ["Branch Manager"]


@pytest.mark.parametrize(("days", "kind"), [(10, "reminder"), (45, "personal_follow_up"),
                                            (75, "executive_escalation"), (120, "final_notice")])
def test_next_action_kind_by_tier(days, kind):
    assert analyze(make_account(days)).next_action.kind == kind


def test_tier_three_with_a_temporary_issue_proposes_a_plan():
    account = make_account(75, notes=["Cash flow is tight until their grant funding arrives."])
    assert analyze(account).next_action.kind == "payment_plan_proposal"


def test_pending_promise_is_confirmed():
    account = make_account(40, promises=[{"made_on": days_ago(2), "promised_for": (AS_OF + timedelta(days=4)).isoformat(),
                                          "amount": "8500.00"}])
    action = analyze(account).next_action
    assert action.kind == "promise_confirmation" and "$8,500.00" in action.action


def test_broken_promise_is_followed_up():
    account = make_account(40, promises=[{"made_on": days_ago(20), "promised_for": days_ago(10), "amount": "8500.00"}])
    assessment = analyze(account)
    assert assessment.next_action.kind == "broken_promise_follow_up"
    assert assessment.next_action.channel == "call"
    assert "broken_promise" in {s.id for s in assessment.signals}


def test_next_action_waits_after_our_last_contact_and_skips_weekends():
    # last outbound 2026-11-20 (Friday); tier 1 waits 7 days -> Friday 2026-11-27
    account = make_account(10, communications=[{"date": "2026-11-20", "channel": "email",
                                                "direction": "outbound", "summary": "Reminder"}])
    assert analyze(account).next_action.due == date(2026, 11, 27)
    weekend = make_account(10, as_of="2026-11-21")  # a Saturday
    assert analyze(weekend).next_action.due == date(2026, 11, 23)


def test_allowed_categories_follow_stage_and_terms():
    assert analyze(make_account(45)).allowed_categories == []
    assert analyze(make_account(75)).allowed_categories == ["urgency", "deadline"]
    with_fee = make_account(75, terms={"late_fee": "1.5% per month"})
    assert "late_fees" in analyze(with_fee).allowed_categories
    final = analyze(make_account(120, terms={"rental_equipment": True})).allowed_categories
    assert {"collections_agency", "legal_action", "repossession"} <= set(final)
    assert "personal_guarantee" not in final


def test_assessment_is_json_serialisable_and_reproducible():
    account = make_account(50)
    first = analyze(account).model_dump(mode="json")
    assert first == analyze(account).model_dump(mode="json")
    json.dumps(first)


# ---- the examples ------------------------------------------------------------------------------

def test_examples_cover_every_tier_approach_and_industry(examples_dir):
    files = sorted((examples_dir / "accounts").glob("*.json"))
    assert len(files) >= 12
    results = [(load_account(f), analyze(load_account(f))) for f in files]
    assert {a.tier for _, a in results} == {0, 1, 2, 3, 4}
    assert {a.approach for _, a in results} == {"patience", "direct_conversation", "standard_escalation",
                                                "accelerated_escalation", "pause_dispute"}
    assert {acc.customer.industry for acc, _ in results} >= {"saas", "construction", "equipment_rental",
                                                             "freight", "staffing"}
    flags = {f.id for _, a in results for f in a.flags}
    assert {"write_off_review", "mixed_currency", "executive_signoff_required", "partial_payments",
            "invoice_paused", "nothing_overdue"} <= flags
    signals = {s.id for _, a in results for s in a.signals}
    assert {"going_dark", "broken_promise", "operational_red_flags", "vendor_prioritization",
            "specific_payment_date", "partial_payment", "new_dispute_on_old_invoice"} <= signals
    kinds = {a.next_action.kind for _, a in results}
    assert {"promise_confirmation", "broken_promise_follow_up", "dispute_acknowledgement",
            "upcoming_reminder", "reminder", "final_notice"} <= kinds


def test_acme_example_is_patience(examples_dir):
    assessment = analyze(load_account(examples_dir / "accounts" / "acme-saas.json"))
    assert (assessment.tier, assessment.days_past_due, assessment.approach) == (2, 53, "patience")
    assert {s.id for s in assessment.signals} == {"specific_payment_date", "transparency"}
