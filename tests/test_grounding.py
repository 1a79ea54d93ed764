"""Facts in a draft: extracted however they are written, and matched against the account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from drafter.grounding import Facts, extract, parse_number, sentences
from drafter.guard import check
from drafter.load import load_account
from drafter.policy import load_policy

ACCOUNT = load_account(Path(__file__).parent / "data" / "guard-account.json")  # INV-1042 $8,500, INV-1077 $1,500
AS_OF = date(2026, 11, 23)
FACTS = Facts.of(ACCOUNT, load_policy(), AS_OF)


def grounding(text: str, tier: int = 2, policy: str = "default"):
    report = check(text, ACCOUNT, policy, tier=tier)
    return [f for f in report.findings if f.rule == "grounding"]


@pytest.mark.parametrize("written, value", [
    ("8,500.00", "8500.00"), ("8.500,00", "8500.00"), ("8 500", "8500"), ("8500.5", "8500.5"),
    ("1,200", "1200"), ("1.200", "1200"), ("12.50", "12.50"), ("12,50", "12.50"), ("1,234,567.89", "1234567.89"),
])
def test_parse_number(written, value):
    assert parse_number(written) == Decimal(value)


@pytest.mark.parametrize("written", ["$8,500.00", "USD 8,500", "8.500,00 $", "8.5k", "$8.5K", "8,500 dollars",
                                     "US$8,500", "8500.00", "$8,500", "8,500.00 USD", "$10,000.00", "10k"])
def test_amount_written_any_way_matches_the_account(written):
    mentions = extract(f"The balance is {written} today.", AS_OF, FACTS.invoice_pattern)
    assert len(mentions.amounts) == 1, mentions.amounts
    assert FACTS.amount_known(mentions.amounts[0])
    assert grounding(f"The balance is {written} today.") == []


@pytest.mark.parametrize("written", ["$8,600.00", "USD 8,400", "8.600,00 $", "9k", "$9.1K", "8,050 dollars",
                                     "$85.00", "7.500,00 USD"])
def test_wrong_amount_any_way_is_blocked(written):
    [finding] = grounding(f"The balance is {written} today.")
    assert finding.excerpt == written and finding.severity == "block"
    assert "$10,000.00" in finding.suggestion


@pytest.mark.parametrize("written", ["8.500,00 €", "EUR 8,500", "£8,500.00", "8,500 euros"])
def test_right_figure_in_the_wrong_currency_is_blocked(written):
    [finding] = grounding(f"The balance is {written}.")
    assert "currency" in finding.message


def test_total_of_several_invoices_and_payments_are_facts():
    assert grounding("Together the two invoices come to $10,000.00; your last payment was $8,500.00.") == []


@pytest.mark.parametrize("text", ["Invoice INV-1042 is open.", "invoice #1042", "Invoice No. INV-1077",
                                  "INV-0987 was paid in August."])
def test_known_invoice_numbers(text):
    assert grounding(text) == []


@pytest.mark.parametrize("text, bad", [("Invoice INV-1043 is open.", "INV-1043"), ("invoice #1099 is late", "#1099"), ("Invoice no. 1099 is late", "1099"),
                                       ("Invoice number 5512 is late", "5512"), ("See INV1042X.", None)])
def test_unknown_invoice_numbers(text, bad):
    found = grounding(text)
    if bad is None:
        assert found == [] or all("invoice" not in f.message.lower() for f in found)
    else:
        assert [f.excerpt for f in found] == [bad]


@pytest.mark.parametrize("written", ["October 1, 2026", "Oct 1st", "1 October 2026", "2026-10-01", "10/01/2026",
                                     "01.10.2026", "the 1st of October", "Thursday, October 1, 2026"])
def test_past_dates_must_be_on_the_account(written):
    assert grounding(f"It was due on {written}.") == []


@pytest.mark.parametrize("written", ["October 2, 2026", "Sept 14", "2026-10-02", "02.10.2026"])
def test_past_dates_not_on_the_account_are_blocked(written):
    [finding] = grounding(f"It was due on {written}.")
    assert finding.excerpt.endswith(written.split()[-1])


def test_future_dates_are_deadlines_and_pass():
    assert grounding("Could you pay by December 7, 2026 or 12/15/2026?") == []


def test_a_weekday_that_does_not_fit_the_date_is_blocked():
    [finding] = grounding("Please pay by Tuesday, December 7, 2026.")
    assert "day of the week" in finding.message
    assert grounding("Please pay by Monday, December 7, 2026.") == []


@pytest.mark.parametrize("text, ok", [
    ("It is now 53 days past due.", True), ("It is 23 days overdue.", True), ("It is 40 days overdue.", False),
    ("It is more than 50 days late.", True), ("It is more than 60 days late.", False),
    ("overdue by 53 days", True), ("overdue by 90 days", False), ("nearly 60 days past due", True),
])
def test_days_overdue(text, ok):
    assert (grounding(text) == []) is ok


@pytest.mark.parametrize("text, ok", [
    ("Hi Dana,\n\nThanks.", True), ("Dear Mr. Ortiz,\n\nThanks.", True), ("Hello Sam Ortiz,", True),
    ("Hi team,", True), ("Dear Accounts Payable,", True), ("Hi Robert,\n\nThanks.", False),
    ("Best regards,\nJordan Reyes", True), ("Best regards,\nMorgan Blake", True),
    ("Sincerely,\nAccounts Receivable Team", True), ("Best regards,\nJohn Smith", False),
    ("Hi, this is Jordan Reyes from Northwind Supply Co.", True), ("Hi, this is Mark Twain from accounts.", False),
])
def test_names_in_greeting_and_signature(text, ok):
    assert (grounding(text) == []) is ok


@pytest.mark.parametrize("text, ok", [
    ("Reply to ar@northwind.example or dana@acme.example.", True), ("Write to payments@elsewhere.example.", False),
    ("Pay at https://pay.example.com/acme.", True), ("Pay at https://pay.example.com/acme/", True),
    ("Pay at https://pay-acme.example.net/now.", False), ("Visit www.evil.example/pay", False),
])
def test_emails_and_links(text, ok):
    assert (grounding(text) == []) is ok


def test_allowed_links_option(tmp_path):
    pack = tmp_path / "links.yaml"
    pack.write_text("name: links\nextends: default\nrules:\n  grounding:\n    allowed_links: [help.northwind.example]\n")
    text = "See https://help.northwind.example/paying for how to pay."
    assert grounding(text, policy=str(pack)) == []
    assert len(grounding(text)) == 1


def test_sentences_split_on_punctuation_paragraphs_and_list_items():
    text = "One. Two?\n\nThree\n- four\n- five"
    assert [text[a:b].strip() for a, b in sentences(text)] == ["One.", "Two?", "Three", "- four", "- five"]


def test_wrong_amount_suggests_the_named_invoices_balance():
    [finding] = grounding("Invoice INV-1077 for $1,050.00 is open. The rest is fine.")
    assert finding.suggestion == "INV-1077's open balance is $1,500.00."


def test_short_invoice_numbers_are_found_as_whole_tokens():
    account = ACCOUNT.model_copy(update={"invoices": [
        ACCOUNT.invoices[0].model_copy(update={"number": "G-7"}),
        ACCOUNT.invoices[1].model_copy(update={"number": "H-100"})]})
    text = "Hi Dana,\n\nInvoice G-7 for $8,500.00 was due on October 1, 2026. Pay at https://pay.example.com/acme."
    report = check(text, account, tier=1)
    assert report.passed and report.findings == []
    facts = Facts.of(account, load_policy(), AS_OF)
    found = extract("g-7, H-100 and G-70; also h-100-2.", AS_OF, facts.invoice_pattern).of_kind("invoice")
    assert [m.value for m in found] == ["g-7", "H-100"]
    missing = check(text.replace("Invoice G-7", "Invoice G-70"), account, tier=1)
    assert "required-elements" in [f.rule for f in missing.findings]


@pytest.mark.parametrize(("written", "value"), [("12.400.00", "12400.00"), ("1.234.567,89", "1234567.89"),
                                                ("26.000.00", "26000.00"), ("1,240", "1240"), ("8.5", "8.5")])
def test_numbers_with_one_mark_for_thousands_and_cents(written, value):
    assert parse_number(written) == Decimal(value)


@pytest.mark.parametrize("wrong", ["12.400.00", "8.500,00", "26.500.00"])
def test_a_bare_amount_written_with_dots_is_still_grounded(wrong):
    account = load_account(Path(__file__).resolve().parent.parent / "examples/accounts/acme-saas.json")
    text = (f"Subject: INV-1042\n\nHi Dana, invoice INV-1042 for $26,000.00 is 53 days past due; "
            f"the figure we discussed was {wrong}.\n\nThanks,\nJordan Reyes\n")
    report = check(text, account)
    assert any(f.rule == "grounding" and f.excerpt == wrong for f in report.findings), report.findings


@pytest.mark.parametrize("month", ["aprİl", "auguſt", "ſeptember"])
def test_a_month_spelled_with_a_look_alike_letter_is_no_date(month):
    # matched case-insensitively ("ſ" matches "s", "İ" matches "i"), but no month we know
    mentions = extract(f"Invoice INV-1042 was due on {month} 5.", AS_OF, FACTS.invoice_pattern)
    assert mentions.dates == []
    assert grounding(f"Invoice INV-1042 for $8,500.00 was due on {month} 5.") == []
