"""Every shipped pack lints clean and changes what it says it changes; bad packs fail with the file,
line, field and the valid choices."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from drafter.errors import PolicyError
from drafter.guard import check
from drafter.load import load_account
from drafter.models import Draft, Invoice
from drafter.policy import lint_policy, load_policy, pack_names

DATA = Path(__file__).parent / "data"
PLAIN = load_account(DATA / "guard-account.json")
SECURED = load_account(DATA / "guard-account-secured.json")
SHIPPED = ["construction", "default", "equipment-rental", "eu-b2b", "freight", "saas", "staffing", "uk-b2b",
           "us-consumer"]
OPENING = "Hi Dana,\n\nInvoice INV-1042 for $8,500.00 is past due. "
CLOSING = " You can pay at https://pay.example.com/acme.\n\nBest regards,\nJordan Reyes"


def blocking(text, account, pack, **kw):
    return [(f.rule, f.category) for f in check(text, account, pack, **kw).blocking]


def test_the_packs_we_ship():
    assert pack_names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_pack_lints_clean(name):
    assert lint_policy(name) == []


def test_lint_cli_on_every_shipped_pack():
    paths = [str(Path(load_policy(n).source)) for n in SHIPPED]
    run = subprocess.run([sys.executable, "-m", "drafter", "policy", "lint", *paths], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(": ok") == len(SHIPPED)


def test_saas_names_suspension_from_tier_3():
    text = OPENING + "If it is not paid by December 15, 2026, access to the platform will be suspended; it is " \
                     "restored as soon as payment arrives." + CLOSING
    assert ("stage-gate", "suspension") in blocking(text, SECURED, "default", tier=3)
    assert not [b for b in blocking(text, SECURED, "saas", tier=3) if b[1] == "suspension"]


def test_construction_raises_a_lien_from_tier_3_before_the_deadline():
    text = OPENING + "If it is not paid by December 15, 2026, we will file a mechanics lien on the project." + CLOSING
    assert ("stage-gate", "legal_action") in blocking(text, SECURED, "default", tier=3)
    assert blocking(text, SECURED, "construction", tier=3) == []
    assert ("terms-condition", "legal_action") in blocking(text, PLAIN, "construction", tier=3)  # no lien rights


def test_equipment_rental_repossesses_only_at_the_end():
    text = OPENING + "If it is not paid by December 15, 2026, we will pick up the rented equipment from your " \
                     "site. To avoid that, pay the balance." + CLOSING
    assert ("unused-remedy", "repossession") in blocking(text, SECURED, "default", tier=4)
    assert blocking(text, SECURED, "equipment-rental", tier=4) == []
    assert ("stage-gate", "repossession") in blocking(text, SECURED, "equipment-rental", tier=3)
    assert ("terms-condition", "repossession") in blocking(text, PLAIN, "equipment-rental", tier=4)


def test_staffing_tiers_come_sooner_and_it_does_not_report_to_bureaus():
    assert load_policy("default").tier_for(50) == 2 and load_policy("staffing").tier_for(50) == 3
    deadline = OPENING + "Please pay by December 15, 2026." + CLOSING
    assert check(deadline, PLAIN, "staffing").passed  # 53 days: tier 3 in staffing
    assert not check(deadline, PLAIN, "default").passed  # tier 2 in default
    report = OPENING + "If it is not paid by December 15, 2026, we will report it to the credit bureaus. " \
                       "To avoid that, pay the balance." + CLOSING
    assert ("unused-remedy", "credit_reporting") in blocking(report, PLAIN, "staffing", tier=4)
    assert blocking(report, PLAIN, "default", tier=4) == []


def test_freight_moves_faster_and_offers_less():
    assert load_policy("freight").tier_for(35) == 3
    plan = OPENING + "Please pay by December 15, 2026, or take a payment plan of 4 monthly payments of $2,500.00." \
        + CLOSING
    assert blocking(plan, PLAIN, "default", tier=3) == []
    assert ("offers", None) in blocking(plan, PLAIN, "freight", tier=3)
    discount = OPENING + "Pay by December 1, 2026 and take a 2% discount." + CLOSING
    assert ("offers", None) in blocking(discount, PLAIN, "freight", tier=3)


def test_us_consumer_requires_disclosure_and_opt_out():
    policy = load_policy("us-consumer")
    base = "Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. Pay at https://pay.example.com/acme."
    assert check(base, PLAIN, "default", tier=1).passed
    missing = check(base, PLAIN, policy, tier=1)
    assert [f.suggestion for f in missing.blocking] == [policy.jurisdiction.disclosure, policy.jurisdiction.opt_out]
    full = f"{base}\n\n{policy.jurisdiction.disclosure}\n\n{policy.jurisdiction.opt_out}"
    assert check(full, PLAIN, policy, tier=1).passed
    call = Draft(channel="call", body=f"{base}\n\n{policy.jurisdiction.disclosure}")
    assert check(call, PLAIN, policy, tier=1).passed  # no opt-out line in a call script


def test_us_consumer_calling_hours():
    text = OPENING + "I will call you at 7:30 am tomorrow." + CLOSING
    assert not [f for f in check(text, PLAIN, "default", tier=2).findings if f.rule == "call-window"]
    assert [f.excerpt for f in check(text, PLAIN, "us-consumer", tier=2).findings if f.rule == "call-window"] == ["7:30 am"]


def pounds(account, currency, amount):
    invoice = Invoice(number="INV-2001", amount=amount, currency=currency, issued=date(2026, 8, 1),
                      due=date(2026, 8, 31))
    return account.model_copy(update={"invoices": [invoice], "payments": [], "promises": []})


UK = pounds(PLAIN, "GBP", Decimal("8500.00"))  # 84 days late: tier 3; band £70
EU = pounds(PLAIN, "EUR", Decimal("8500.00"))


def statutory(symbol, rate, comp, by=" by December 15, 2026"):
    return (f"Hi Dana,\n\nInvoice INV-2001 for {symbol}8,500.00 is overdue. We are entitled to statutory interest "
            f"at {rate}% over the reference rate and fixed compensation of {symbol}{comp} for this invoice. "
            f"To settle, pay at https://pay.example.com/acme{by}.\n\nBest regards,\nJordan Reyes")


def test_uk_b2b_claims_statutory_interest_and_the_right_band():
    assert check(statutory("£", 8, 70, by=""), UK, "uk-b2b", tier=2).passed
    assert not check(statutory("£", 8, 70, by=""), UK, "eu-b2b", tier=2).passed
    assert check(statutory("£", 8, 70), UK, "uk-b2b").passed
    assert ("terms-condition", "late_fees") in blocking(statutory("£", 8, 70), UK, "default", tier=3)
    wrong_band = check(statutory("£", 8, 100), UK, "uk-b2b")
    assert [(f.rule, f.excerpt) for f in wrong_band.blocking] == [("charge-figures", "£100")]
    wrong_rate = check(statutory("£", 9, 70), UK, "uk-b2b")
    assert [(f.rule, f.excerpt) for f in wrong_rate.blocking] == [("charge-figures", "9%")]


@pytest.mark.parametrize("debt, band", [("999.99", "40"), ("1000.00", "70"), ("9999.99", "70"), ("10000.00", "100")])
def test_uk_compensation_bands(debt, band):
    assert load_policy("uk-b2b").jurisdiction.statutory.compensation_for(Decimal(debt)) == Decimal(band)


def test_eu_b2b_from_tier_3_and_at_least_40_euros():
    assert check(statutory("€", 8, 40), EU, "eu-b2b", tier=3).passed
    assert ("stage-gate", "late_fees") in blocking(statutory("€", 8, 40), EU, "eu-b2b", tier=2)
    assert ("charge-figures", "10%") in [(f.rule, f.excerpt) for f in check(statutory("€", 10, 40), EU, "eu-b2b",
                                                                               tier=3).blocking]
    too_low = check(statutory("€", 8, 30), EU, "eu-b2b", tier=3)
    assert ("charge-figures", "€30") in [(f.rule, f.excerpt) for f in too_low.blocking]


# ---- bad packs ---------------------------------------------------------------------------------

def bad(tmp_path, body):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    return error.value


def test_unknown_key(tmp_path):
    error = bad(tmp_path, "name: x\nextends: default\noffers:\n  max_months: 3\n")
    assert (error.field, error.line) == ("offers.max_months", 4)
    assert "valid keys here: max_plan_months" in str(error) and str(error).startswith(str(tmp_path))


def test_unknown_category(tmp_path):
    error = bad(tmp_path, "name: x\nextends: default\nstages:\n  3:\n    allow:\n      lawsuits: always\n")
    assert error.line == 6 and "unknown category 'lawsuits'; valid: urgency" in str(error)


def test_unknown_condition(tmp_path):
    error = bad(tmp_path, "name: x\nextends: default\nstages:\n  3:\n    allow:\n      late_fees: sometimes\n")
    assert error.field == "stages.3.allow.late_fees" and error.line == 6 and "late_fee_in_terms" in str(error)


def test_unknown_remedy_and_stage(tmp_path):
    assert "unknown category 'lawyers'" in str(bad(tmp_path, "name: x\nextends: default\nremedies: [lawyers]\n"))
    assert "unknown stage '5'" in str(bad(tmp_path, "name: x\nextends: default\nstages:\n  5: {}\n"))


def test_unknown_rule_id(tmp_path):
    error = bad(tmp_path, "name: x\nextends: default\nrules:\n  no-shouting: false\n")
    assert error.field == "rules.no-shouting" and error.line == 4
    assert "unknown rule id 'no-shouting'; known rules: always-forbidden" in str(error) and "shouting" in str(error)


def test_missing_stages_and_bad_tiers(tmp_path):
    assert "stages must define" in str(bad(tmp_path, "name: x\nstages:\n  0: {}\n"))
    error = bad(tmp_path, "name: x\nextends: default\ntiers:\n  starts: [1, 61, 31, 91]\n")
    assert error.line == 4 and "increasing" in str(error)


def test_bad_yaml_and_extends(tmp_path):
    assert "invalid YAML" in str(bad(tmp_path, "name: x\nstages: [\n"))
    assert "no policy pack named 'nope'; shipped packs: construction" in str(
        bad(tmp_path, "name: x\nextends: nope\n"))
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\n")
    with pytest.raises(PolicyError, match="loop"):
        load_policy(tmp_path / "a.yaml")


def test_bands_must_ascend(tmp_path):
    error = bad(tmp_path, "name: x\nextends: uk-b2b\njurisdiction:\n  name: x\n  statutory:\n    law: x\n"
                          "    currency: GBP\n    reference_rate: x\n    margin_pct: '8'\n    compensation:\n"
                          "      - {min_debt: '1000', amount: '70'}\n      - {min_debt: '0', amount: '40'}\n")
    assert "increasing min_debt" in str(error)


def test_extends_merges_and_null_removes(tmp_path):
    path = tmp_path / "house.yaml"
    path.write_text("name: house\nextends: default\nstages:\n  4:\n    allow:\n      credit_reporting: null\n"
                    "offers:\n  max_plan_months: 3\n")
    house, default = load_policy(path), load_policy("default")
    assert "credit_reporting" not in house.stages["4"].allow and "legal_action" in house.stages["4"].allow
    assert house.offers.max_plan_months == 3 and house.offers.max_discount_pct == default.offers.max_discount_pct


def test_lint_warns_about_settings_that_cannot_work(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("name: odd\nextends: default\nstages:\n  3:\n    allow:\n      abusive: always\n"
                    "remedies: [late_fees, repossession]\n")
    warnings = lint_policy(path)
    assert "stages.3.allow.abusive: always forbidden, so never allowed" in warnings
    assert not any("repossession" in w for w in warnings)  # default's tier 4 allows it
    run = subprocess.run([sys.executable, "-m", "drafter", "policy", "lint", str(path), str(tmp_path / "none.yaml")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "warning: stages.3.allow.abusive" in run.stdout
    assert "Error:" in run.stderr and "none.yaml" in run.stderr


def test_tier_days_follow_the_packs_thresholds():
    default, freight = load_policy("default"), load_policy("freight")
    assert [default.tier_days(t) for t in range(5)] == [None, "1-30 days", "31-60 days", "61-90 days", "91+ days"]
    assert [freight.tier_days(t) for t in range(1, 5)] == ["1-15 days", "16-30 days", "31-60 days", "61+ days"]
