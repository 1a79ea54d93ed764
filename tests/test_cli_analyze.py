"""`drafter analyze`: the text a collector reads and the documented JSON."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from drafter.cli import cli

JSON_KEYS = {"source", "as_of", "customer", "tier", "tier_reason", "days_past_due", "oldest_invoice",
             "currency", "balances", "overdue_balances", "total_balance", "invoices", "write_off_review",
             "factors", "signals", "approach", "approach_reason", "tone", "sender_role", "sender_name",
             "recipients", "cc", "next_action", "allowed_categories", "flags"}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["analyze", *args], input=input)


def test_text_output_for_a_collector(examples_dir):
    result = run(str(examples_dir / "accounts" / "acme-saas.json"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Acme Analytics Corp  (")
    assert "Tier 2  INV-1042 is 53 days past due (tier 2: 31-60 days)" in out
    assert "Open $78,000.00; overdue $52,000.00" in out
    for name in ("value", "history", "context", "risk"):
        assert f"\n  {name} " in out
    assert "+ specific_payment_date" in out and "December 1st payment run" in out
    assert "Approach  patience: high value, strong history" in out
    assert "from collector (Jordan Reyes); to Dana Lee; cc Priya Shah" in out
    assert "Next  2026-11-23  write to Dana Lee personally about INV-1042" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_json_output_is_the_documented_object(examples_dir):
    result = run(str(examples_dir / "accounts" / "meridian-rentals.json"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == JSON_KEYS
    assert isinstance(data["tier"], int) and data["tier"] == 4
    assert data["days_past_due"] == 101
    assert data["approach"] == "direct_conversation"
    assert all({"id", "kind", "evidence", "source"} == set(s) for s in data["signals"])
    assert set(data["factors"]) == {"value", "history", "context", "risk"}
    assert set(data["factors"]["risk"]) == {"level", "facts", "metrics"}
    assert set(data["next_action"]) == {"action", "kind", "channel", "due"}
    assert data["balances"] == {"USD": "181480.25"}  # money as exact decimal strings
    assert "repossession" in data["allowed_categories"]
    assert {"id": "executive_signoff_required"}.items() <= data["flags"][0].items()


def test_several_inputs_give_a_json_array(examples_dir):
    result = run(str(examples_dir / "accounts"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert isinstance(data, list) and len(data) >= 12
    assert data[0]["source"].endswith("acme-saas.json")


def test_csv_aging_report(examples_dir):
    result = run(str(examples_dir / "aging.csv"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data) >= 10
    assert all(item["source"].startswith(str(examples_dir / "aging.csv") + ":") for item in data)


def test_as_of_overrides_the_file(examples_dir):
    result = run(str(examples_dir / "accounts" / "acme-saas.json"), "--format", "json", "--as-of", "2026-12-15")
    data = json.loads(result.output)
    assert (data["as_of"], data["days_past_due"], data["tier"]) == ("2026-12-15", 75, 3)
    bad = run(str(examples_dir / "accounts" / "acme-saas.json"), "--as-of", "15/12/2026")
    assert bad.exit_code == 2 and "is not a date in YYYY-MM-DD form" in bad.output


def test_policy_option(tmp_path, examples_dir):
    pack = tmp_path / "patient.yaml"
    pack.write_text("name: patient\nextends: default\ntiers:\n  starts: [1, 61, 91, 121]\n")
    result = run(str(examples_dir / "accounts" / "acme-saas.json"), "--format", "json", "--policy", str(pack))
    assert json.loads(result.output)["tier"] == 1


def test_stdin(examples_dir):
    text = (examples_dir / "accounts" / "acme-saas.json").read_text()
    result = run("-", "--format", "json", input=text)
    assert result.exit_code == 0 and json.loads(result.output)["source"] == "-"


def test_help_is_the_docstring():
    result = CliRunner().invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "a CSV aging report" in text and "--as-of DATE" in text


def test_analyze_does_not_import_the_llm_client(examples_dir):
    code = ("import sys; from drafter.cli import main; sys.argv = ['drafter', 'analyze', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('openai', 'fastapi', 'uvicorn', 'jinja2', 'httpx') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    proc = subprocess.run([sys.executable, "-c", code, str(examples_dir / "accounts" / "acme-saas.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("HEAVY []")
