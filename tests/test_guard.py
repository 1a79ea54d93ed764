"""drafter.check: the public entry point, whatever wrote the draft."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import drafter
from drafter.analysis import analyze
from drafter.guard import check
from drafter.load import load_account
from drafter.models import Draft, Report
from drafter.policy import load_policy

ACCOUNT = load_account(Path(__file__).parent / "data" / "guard-account.json")  # oldest invoice 53 days late
FINAL = ("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 is now 53 days past due. If it is not paid by December 15, "
         "2026, we will refer the account to a collection agency. To avoid that, pay at "
         "https://pay.example.com/acme or reply to set up a payment plan.\n\nBest regards,\nAvery Chen")


def test_public_api_is_the_guard():
    assert drafter.check is check


def test_tier_comes_from_the_account_and_can_be_overridden():
    report = check(FINAL, ACCOUNT)
    assert isinstance(report, Report) and report.tier == 2 and report.policy == "default"
    assert not report.passed
    assert check(FINAL, ACCOUNT, tier=4).passed


def test_as_of_moves_the_tier_and_the_facts():
    later = check(FINAL, ACCOUNT, as_of=date(2027, 1, 2))  # 93 days late: tier 4
    assert later.tier == 4
    assert [f.excerpt for f in later.findings if f.rule == "grounding"] == ["53 days past due", "December 15, 2026"]


def test_an_assessment_given_is_used():
    assessment = analyze(ACCOUNT, load_policy(), ACCOUNT.as_of).model_copy(update={"tier": 4})
    assert check(FINAL, ACCOUNT, assessment=assessment).passed


def test_policy_by_name_object_or_path():
    by_name = check(FINAL, ACCOUNT, "saas", tier=4)
    by_object = check(FINAL, ACCOUNT, load_policy("saas"), tier=4)
    by_path = check(FINAL, ACCOUNT, str(Path(__file__).parent.parent / "policies" / "saas.yaml"), tier=4)
    assert by_name == by_object == by_path and by_name.policy == "saas"


def test_spans_point_into_the_text_with_its_subject():
    draft = Draft(subject="URGENT: pay now", body="Hi Dana,\n\nInvoice INV-1043 is open.")
    report = check(draft, ACCOUNT, tier=1)
    text = draft.text()
    assert report.findings
    for finding in report.findings:
        assert text[finding.start:finding.end] == finding.excerpt
    assert any(f.excerpt == "INV-1043" and f.start > len("Subject: URGENT: pay now") for f in report.findings)
    assert [f.start for f in report.findings] == sorted(f.start for f in report.findings)


def test_warnings_do_not_fail_a_draft():
    text = ("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
            "https://pay.example.com/acme. Thanks so much!\n\nBest regards,\nJordan Reyes")
    report = check(text, ACCOUNT, tier=1)
    assert report.passed and [f.severity for f in report.findings] == ["warn"]
    assert report.blocking == []


def test_every_finding_explains_itself():
    report = check("Hi Robert,\n\nPay [AMOUNT] NOW OR ELSE WE SUE YOU IMMEDIATELY, you deadbeats!!", ACCOUNT, tier=1)
    assert not report.passed
    rules = {f.rule for f in report.findings}
    assert {"grounding", "placeholders", "shouting", "always-forbidden", "stage-gate"} <= rules
    for finding in report.findings:
        assert finding.message and finding.severity in ("block", "warn")
        assert (finding.category is None) == (finding.rule not in (
            "always-forbidden", "open-dispute", "stage-gate", "unused-remedy", "terms-condition"))


def test_same_input_same_report():
    assert check(FINAL, ACCOUNT) == check(FINAL, ACCOUNT)


def test_a_plain_string_and_a_draft_are_the_same():
    assert check(FINAL, ACCOUNT, tier=4) == check(Draft(body=FINAL), ACCOUNT, tier=4)


@pytest.mark.parametrize("title", ["Litigation Counsel", "Debt Recovery Officer", "Collections Agent"])
def test_a_job_title_in_the_signature_is_not_a_threat(title):
    from drafter.classify import classify

    text = (f"Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
            f"https://pay.example.com/acme.\n\nBest regards,\nJordan Reyes\n{title}\nNorthwind Supply Co.")
    assert any(title in text[s.start:s.end] for s in classify(text))  # the classifier alone reads it
    report = check(text, ACCOUNT, tier=1)
    assert report.passed and report.findings == []
    # the same words in the body, or said after the sign-off, are still judged
    said = text.replace("Jordan Reyes\n", f"Jordan Reyes\nWe will pass this to our {title.lower()}.\n")
    body = text.replace("You can pay", f"Your file is with our {title}. You can pay")
    assert not check(said, ACCOUNT, tier=1).passed or not check(body, ACCOUNT, tier=1).passed


def test_a_name_with_its_title_on_one_line_is_grounded_by_the_name():
    text = ("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
            "https://pay.example.com/acme.\n\nThanks,\nJordan Reyes, Collections Specialist")
    assert check(text, ACCOUNT, tier=1).findings == []
    assert [f.excerpt for f in check(text.replace("Jordan", "Morgan"), ACCOUNT, tier=1).findings] == ["Morgan Reyes"]


@pytest.mark.parametrize("line", ["Legal proceedings start on Monday", "Court action pending",
                                  "Referred to collections"])
def test_a_threat_written_under_the_name_is_still_judged(line):
    text = (f"Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
            f"https://pay.example.com/acme.\n\nThanks,\nJordan Reyes\n{line}\n")
    assert "stage-gate" in [f.rule for f in check(text, ACCOUNT, tier=1).findings]
