"""Each built-in rule fires where it should, stays quiet where it should not, and the registry
knows its rules."""

from __future__ import annotations

import random
import re
from collections import namedtuple
from datetime import date, timedelta
from pathlib import Path

import pytest

from drafter import grounding, rules
from drafter.errors import PolicyError
from drafter.guard import check
from drafter.load import load_account
from drafter.models import Communication, Dispute, Draft
from drafter.policy import load_policy

DATA = Path(__file__).parent / "data"
PLAIN = load_account(DATA / "guard-account.json")  # no late fee, guarantee, equipment or liens
SECURED = load_account(DATA / "guard-account-secured.json")  # all of them; lien deadline 2027-01-15
GOOD = ("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
        "https://pay.example.com/acme.\n\nBest regards,\nJordan Reyes")


def rule_ids(text, account=PLAIN, policy="default", **kw):
    report = check(Draft(body=text) if isinstance(text, str) else text, account, policy, **kw)
    return [f.rule for f in report.findings]


def test_good_draft_passes_clean():
    assert rule_ids(GOOD, tier=1) == []


def test_every_builtin_rule_has_id_severity_and_summary():
    assert {"always-forbidden", "open-dispute", "stage-gate", "unused-remedy", "terms-condition",
            "dispute-demand", "grounding", "totals", "offers", "charge-figures", "required-elements",
            "placeholders", "shouting", "exclamations", "call-window", "call-frequency",
            "lien-deadline"} <= set(rules.BUILTIN)
    for rule in rules.BUILTIN.values():
        assert rule.severity in ("block", "warn") and rule.summary and rule.builtin


def test_unknown_rule_lists_known_ones():
    with pytest.raises(rules.UnknownRule, match="known rules: .*stage-gate"):
        rules.get_rule("stage-gates")


def test_always_forbidden_beats_every_stage():
    ids = rule_ids(GOOD + "\n\nIf this is not paid we will call the police and have you arrested.", tier=4)
    assert "always-forbidden" in ids


def test_stage_gate_blocks_early_and_allows_late():
    text = GOOD.replace("You can pay", "We will refer this account to a collection agency on December 15, 2026. "
                                       "To avoid that, you can pay")
    assert "stage-gate" in rule_ids(text, tier=3)
    assert "stage-gate" not in rule_ids(text, tier=4)


def test_unused_remedy_is_a_false_threat():
    text = GOOD + "\n\nWe will invoke your personal guarantee on December 15, 2026 unless paid."
    assert "unused-remedy" in rule_ids(text, SECURED, tier=4)  # default does not use guarantees
    assert "unused-remedy" not in rule_ids(text, SECURED, DATA / "content-only.yaml", tier=4)


def test_terms_condition_follows_the_account():
    text = GOOD + "\n\nA late fee of 1.5% per month will be added from December 15, 2026."
    assert "terms-condition" in rule_ids(text, PLAIN, tier=3)
    assert "terms-condition" not in rule_ids(text, SECURED, tier=3)


def disputed(account, invoice="INV-1042"):
    return account.model_copy(update={"disputes": [Dispute(invoice=invoice, opened=date(2026, 10, 15))]})


def test_open_dispute_means_no_pressure():
    text = GOOD + "\n\nThis is urgent: we need it paid immediately."
    everything_disputed = PLAIN.model_copy(update={"disputes": [
        Dispute(invoice=number, opened=date(2026, 10, 15)) for number in ("INV-1042", "INV-1077")]})
    assert "open-dispute" in rule_ids(text, everything_disputed, tier=4)
    assert "open-dispute" not in rule_ids(text, PLAIN, tier=4)
    # one invoice disputed, another overdue: the account is not paused, only the disputed invoice is
    assert "open-dispute" not in rule_ids(text, disputed(PLAIN, "INV-1077"), tier=4)


def test_dispute_demand_on_the_disputed_invoice_only():
    account = disputed(PLAIN)
    assert "dispute-demand" in rule_ids("Hi Dana,\n\nPlease pay INV-1042 this week.", account)
    assert "dispute-demand" not in rule_ids("Hi Dana,\n\nPlease pay INV-1077 this week.", account)
    assert "dispute-demand" not in rule_ids(
        "Hi Dana,\n\nWe have paused collection on INV-1042 while we look into the seats billed twice.", account)


def test_totals_must_add_up():
    wrong = "Hi Dana,\n\nINV-1042 is $8,500.00 and INV-1077 is $1,500.00, a total of $11,000.00."
    right = wrong.replace("$11,000.00", "$10,000.00")
    assert "totals" in rule_ids(wrong, tier=2)
    assert "totals" not in rule_ids(right, tier=2)


@pytest.mark.parametrize("plan, ok", [
    ("We can split the $10,000.00 balance: $5,000.00 now and $5,000.00 on December 23, 2026.", True),
    ("We can split the $10,000.00 balance: $5,000.00 now and $4,000.00 on December 23, 2026.", False),
    ("A payment plan of 4 monthly payments of $2,500.00 would clear both invoices.", True),
    ("A payment plan of 4 monthly payments of $2,400.00 would clear both invoices.", False),
    ("We could set up a payment plan over 12 months.", False),
    ("A payment plan of 8 monthly payments of $1,250.00 would clear both invoices.", False),
    ("A payment plan: $500.00 now and the rest in 5 monthly payments.", False),  # first payment under 25%
    ("A payment plan: $4,250.00 now and the remaining balance next month.", True),
])
def test_payment_plans(plan, ok):
    ids = rule_ids(f"Hi Dana,\n\n{plan}", tier=3)
    assert ("offers" not in ids) is ok, ids


def test_plans_only_from_the_packs_tier():
    text = "Hi Dana,\n\nWe can split the $10,000.00 balance: $5,000.00 now and $5,000.00 on December 23, 2026."
    assert "offers" in rule_ids(text, tier=1)


@pytest.mark.parametrize("text, ok", [
    ("Pay within 10 days and take a 2% discount.", True), ("Pay now and take 5% off.", False),
    ("We cannot offer the 10% discount you asked for.", True), ("A discount of 3% applies.", False),
])
def test_discount_limit(text, ok):
    assert ("offers" not in rule_ids(f"Hi Dana,\n\n{text}", tier=3)) is ok


@pytest.mark.parametrize("text", ["Hi [Name],", "Dear {{ contact }},", "Invoice <INVOICE> is due.",
                                  "Amount: $X,XXX.XX", "Due date: TBD", "Sign here: ______", "Invoice XXX"])
def test_placeholders(text):
    assert "placeholders" in rule_ids(text)


def test_markdown_link_is_not_a_placeholder():
    assert "placeholders" not in rule_ids("[Pay here](https://pay.example.com/acme)")


def test_shouting_and_acronyms():
    assert "shouting" in rule_ids("Hi Dana, PLEASE PAY THIS INVOICE TODAY.", tier=3)
    assert "shouting" not in rule_ids("Hi Dana, pay by ACH or via the AP portal (USD), FINAL NOTICE.", tier=3)


def test_exclamations_warn_by_stage():
    report = check("Hi Dana, thanks so much!", PLAIN, tier=1)
    assert [(f.rule, f.severity) for f in report.findings if f.rule == "exclamations"] == [("exclamations", "warn")]
    assert not [f for f in check("Hi Dana, thanks so much!", PLAIN, tier=3).findings if f.rule == "exclamations"]


def test_required_elements_per_stage():
    report = check("Hi Dana,\n\nJust checking in.", PLAIN, tier=1)
    missing = [f.message for f in report.findings if f.rule == "required-elements"]
    assert len(missing) == 4 and any("invoice number" in m for m in missing)
    assert any(f.suggestion == "Name the invoice: INV-1042." for f in report.findings)
    assert "required-elements" not in rule_ids(GOOD, tier=1)
    final = GOOD + "\n\nWe will refer the account to a collection agency on December 15, 2026. To avoid that, pay the balance."
    assert "required-elements" not in rule_ids(final, tier=4)
    assert "required-elements" in rule_ids(GOOD, tier=4)  # no consequence date or way back


def test_charge_figures_must_be_the_agreed_rate():
    text = GOOD + "\n\nInterest of 1.5% per month applies from December 15, 2026."
    assert "charge-figures" not in rule_ids(text, SECURED, tier=3)
    assert "charge-figures" in rule_ids(text.replace("1.5%", "3%"), SECURED, tier=3)


def test_call_window_and_frequency_only_where_the_pack_sets_them():
    call = Draft(channel="call", body=GOOD + "\n\nI will call you back at 9:30 pm tomorrow.")
    assert "call-window" in rule_ids(call, policy="us-consumer")
    assert "call-window" not in rule_ids(call)
    as_of = PLAIN.as_of
    calls = [Communication(date=as_of - timedelta(days=i % 6), channel="call", direction="outbound")
             for i in range(7)]
    busy = PLAIN.model_copy(update={"communications": calls})
    assert "call-frequency" in rule_ids(Draft(channel="call", body=GOOD), busy, "us-consumer")
    assert "call-frequency" not in rule_ids(Draft(channel="email", body=GOOD), busy, "us-consumer")
    assert "call-frequency" not in rule_ids(Draft(channel="call", body=GOOD), PLAIN, "us-consumer")


def test_lien_deadline():
    text = GOOD + "\n\nWe will file a mechanics lien on December 20, 2026 unless the balance is paid."
    assert "lien-deadline" not in rule_ids(text, SECURED, "construction", tier=4)
    late = SECURED.model_copy(update={"terms": SECURED.terms.model_copy(update={"lien_deadline": date(2026, 11, 1)})})
    assert "lien-deadline" in rule_ids(text, late, "construction", tier=4)
    after = text.replace("December 20, 2026", "January 20, 2027")
    assert "lien-deadline" in rule_ids(after, SECURED, "construction", tier=4)


def test_pack_disables_a_rule_and_changes_severity(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("name: p\nextends: default\nrules:\n  placeholders: false\n  shouting: warn\n")
    report = check("Hi [Name], PLEASE PAY THIS INVOICE TODAY.", PLAIN, load_policy(pack), tier=3)
    assert [(f.rule, f.severity) for f in report.findings if f.rule in ("placeholders", "shouting")] == \
        [("shouting", "warn")]


def test_rule_options_are_checked(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("name: p\nextends: default\nrules:\n  grounding:\n    allowed_link: [x.example]\n")
    with pytest.raises(PolicyError, match="unknown option for rule 'grounding'; valid: enabled, severity, allowed_links"):
        load_policy(pack)


def test_a_payment_planned_for_a_date_is_not_a_plan_offer():
    text = "Hi Dana,\n\nThe payment planned for December 1, 2026 would clear INV-1042 ($8,500.00)."
    assert "offers" not in rule_ids(text, tier=0)
    assert "offers" in rule_ids(text.replace("payment planned for", "payment plan starting"), tier=0)


@pytest.mark.parametrize("plan, ok", [
    ("Split $10,000.00 into two payments: $5,000.00 now and $5,000.00 on December 23, 2026.", True),
    ("Split $10,000.00 into two payments: $5,000.00 now and $4,000.00 on December 23, 2026.", False),
    ("We could split $10,000.00 into two payments of $5,000.00.", True),
])
def test_split_an_amount_into_payments_is_a_plan(plan, ok):
    report = check(f"Hi Dana,\n\n{plan}", PLAIN, tier=3)
    assert not [f for f in report.findings if f.rule == "grounding"]  # instalments are the plan's to check
    assert ("offers" not in [f.rule for f in report.findings]) is ok
    assert "offers" in rule_ids(f"Hi Dana,\n\n{plan}", tier=1)  # recognised as a plan: too early at tier 1


def test_a_plan_for_one_invoice_asks_its_first_payment_of_that_invoice():
    # INV-1077 is $1,500.00 of the $10,000.00 open: $400.00 first is over 25% of it
    text = "Hi Dana,\n\nA payment plan for INV-1077: $400.00 now and the rest next month."
    assert "offers" not in rule_ids(text, tier=3)
    assert "offers" in rule_ids(text.replace("$400.00", "$300.00"), tier=3)


def test_a_payment_equal_to_an_invoice_balance_is_not_a_quoted_balance():
    # $1,500.00 is INV-1077's balance, but here it is a payment; the rest of the balance comes later
    text = "Hi Dana,\n\nA payment plan: $4,000.00 now, $1,500.00 on December 23, 2026 and the rest next month."
    assert "offers" not in rule_ids(text, tier=3)
    short = "Hi Dana,\n\nA payment plan: $4,000.00 now and $1,500.00 on December 23, 2026."
    assert "offers" in rule_ids(short, tier=3)  # no remainder: it must add up to a balance


def test_a_plan_that_quotes_its_balance_is_measured_against_it():
    text = "Hi Dana,\n\nSplit $10,000.00 into two payments: $5,000.00 now and $4,000.00 on December 23, 2026."
    [finding] = [f for f in check(text, PLAIN, tier=3).findings if f.rule == "offers"]
    assert "add up to 9,000.00, not the balance of 10,000.00" in finding.message
    rest = ("Hi Dana,\n\nA payment plan for the $10,000.00: $3,000.00 now, $2,000.00 on December 23, 2026 "
            "and the rest in January.")
    assert "offers" not in rule_ids(rest, tier=3)
    assert "offers" in rule_ids(rest.replace("$3,000.00", "$2,000.00"), tier=3)  # under 25% of $10,000.00 first


def test_the_quick_tests_before_the_shouting_and_placeholder_rules_find_what_the_plain_ones_find():
    caps_pair = re.compile(r"[A-Z][A-Z'’]+[ ,.!:-]+[A-Z][A-Z'’]")
    rng = random.Random(7)
    characters = ["A", "B", "Z", "'", "’", " ", ",", ".", "!", ":", "-", "a", "1", "\n", "É", "é", "ſ", "K", "[",
                  "{", "<", "X", "$", "€", "£", "T", "D", "C", "_", "?", "N", "/", "\ud800"]
    shouty = ["A", "B", "A", "B", "'", "’", " ", ",", "-", "a"]
    pairs = marks = 0
    for n in range(20000):
        text = "".join(rng.choice(shouty if n % 2 else characters) for _ in range(rng.randint(0, 16)))
        pair = bool(caps_pair.search(text))
        assert rules._capitals_pair(text) is pair, repr(text)
        mark = any(m in text for m in rules.PLACEHOLDER_MARKS)
        assert rules._has_placeholder_mark(text) is mark, repr(text)
        pairs, marks = pairs + pair, marks + (mark and not any(c in text for c in "[{<"))
    assert pairs > 500 and marks > 100


def test_the_mentions_outside_some_spans_are_those_no_span_holds():
    rng = random.Random(17)
    Start = namedtuple("Start", "start")
    for _ in range(3000):
        spans = [(a, a + rng.randint(-2, 12)) for a in (rng.randint(0, 40) for _ in range(rng.randint(0, 5)))]
        mentions = [Start(s) for s in sorted(rng.randint(0, 50) for _ in range(rng.randint(0, 8)))]
        expected = [m for m in mentions if not any(a <= m.start < b for a, b in spans)]
        assert rules._outside(mentions, spans) == expected, (spans, mentions)


PLAN_PIECES = ["3", "12", "18", "123", "twelve", "eighteen", "twenty-four", "six", "often", "x", "٣", "$500.00",
               "monthly", "months", "month", "equal", "weekly", "payments", "instalments", "installments", "of",
               "over", "the next", "for", "plan", "payment", "the", ","]


def plan_text(rng: random.Random) -> str:
    """Words of plans in an order that often, but not always, makes a plan."""
    phrases = [["3", "12", "18", "twelve", "eighteen", "twenty-four", "six", "often", "123", "٣"],
               ["", "equal"], ["", "monthly", "weekly", "monthly", "month"], ["payments", "instalments", "installments"],
               ["of", "of", "of", "over"], ["", "$500.00"]]
    words = []
    for _ in range(rng.randint(1, 4)):
        words += [rng.choice(choices) for choices in phrases] if rng.random() < 0.6 else \
            [rng.choice(PLAN_PIECES) for _ in range(rng.randint(1, 5))]
    return "".join(word + rng.choice([" ", " ", " ", " ", " ", "", "\n", "   ", "-"]) for word in words)


def test_repeated_payments_are_found_as_a_search_of_the_whole_paragraph_finds_them():
    rng = random.Random(29)
    found = 0
    for _ in range(4000):
        text = plan_text(rng)
        start = rng.randint(0, len(text) // 3)
        end = rng.randint(start, len(text))
        expected = [(m.span(), m.group("count")) for m in rules._REPEATED.finditer(text, start, end)]
        assert [(m.span(), m.group("count")) for m in rules._repeated_payments(text, start, end)] == expected, text
        found += len(expected)
    assert found > 100


def test_month_spans_are_looked_for_whenever_one_is_longer_than_the_limit():
    for text in ("a 12-month plan", "an eighteen-month payment plan", "over the next  twenty-four months",
                 "in 12\nmonthly", "for ١٢ months"):
        assert rules._count_above_before_month(text, 0, len(text), 6), text
        assert not rules._count_above_before_month(text, 0, len(text), 24), text
    rng = random.Random(31)
    too_long = 0
    for _ in range(4000):
        text = plan_text(rng).replace("payments", rng.choice(["months", "monthly", "month plan", "payments"]))
        limit = rng.choice([2, 3, 5, 6, 9, 11, 12, 17, 20, 22, 23])
        counts = [rules._count(next(g for g in m.groups() if g)) for m in rules._MONTHS_SPAN.finditer(text)]
        if any(count > limit for count in counts):
            assert rules._count_above_before_month(text, 0, len(text), limit), (text, limit)
            too_long += 1
    assert too_long > 300


def test_a_rate_is_looked_for_whenever_one_may_be_quoted():
    rng = random.Random(43)
    words = ["5", "12.5", " ", "%", "per cent", "percent", "percentage points", "point", "POINTS", "Per Cent", "poİnt",
             "poınts", "x", "late fee", "interest"]
    quoted = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        if rules._PCT.search(text):
            ctx = type("Ctx", (), {"lower": grounding.lower_case(text)})()
            assert rules._may_quote_a_rate(ctx), text
            quoted += 1
    assert quoted > 500

