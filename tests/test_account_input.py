"""Bad account input through the real CLI: one clear line naming file and field, exit 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import account_data
from drafter.cli import cli


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["analyze", *args], input=input)


def mutated(change) -> dict:
    data = account_data(10)
    data["invoices"].append({"number": "INV-2", "amount": "20.00", "issued": "2026-09-01", "due": "2026-10-01"})
    data["invoices"].append({"number": "INV-3", "amount": "30.00", "issued": "2026-09-01", "due": "2026-10-01"})
    change(data)
    return data


BAD_ACCOUNTS = [
    (lambda d: d["invoices"][2].update(due="2026-08-01"), "invoices[2].due: due (2026-08-01) must not be before issued"),
    (lambda d: d["invoices"][1].update(amount="-5.00"), "invoices[1].amount: must not be negative"),
    (lambda d: d["invoices"][0].update(currency="ABC"), "invoices[0].currency: 'ABC' is not an ISO 4217"),
    (lambda d: d["invoices"][1].update(number="INV-1"), "invoice number 'INV-1' appears more than once"),
    (lambda d: d.update(invoices=[]), "invoices: List should have at least 1 item"),
    (lambda d: d["customer"].pop("name"), "customer.name: required field is missing"),
    (lambda d: d["invoices"][0].update(amount=[1]), "invoices[0].amount: expected an amount"),
    (lambda d: d["invoices"][0].update(issued="last week"), "invoices[0].issued: Input should be a valid date"),
    (lambda d: d["customer"].update(industry="mining"), "customer.industry: must be one of:"),
    (lambda d: d["invoices"][0].update(amont="5"), "invoices[0].amont: unknown field"),
    (lambda d: d["invoices"][0].update(amount=0.1 + 0.2), "invoices[0].amount: '0.30000000000000004' has fractions of a cent"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_ACCOUNTS)
def test_bad_account_is_one_line_and_exit_2(tmp_path, change, expected):
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(mutated(change)))
    result = run(str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {path}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("broken.json", '{"customer": {"name": "Acme"},,}', "broken.json:1: invalid JSON"),
    ("broken.yaml", "customer: {name: Acme\ninvoices: [", "invalid YAML"),
    ("broken.csv", "Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-10-01,\"10\n", "broken.csv:"),
    ("list.json", "[1]", "[0]: expected an account object"),
    ("scalar.yaml", "just a string", "expected an account object"),
])
def test_malformed_documents(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    result = run(str(path))
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("Error: ") and expected in result.output


def test_missing_file():
    result = run("no/such/account.json")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: no/such/account.json: no such file"


def test_bad_stdin():
    result = run("-", input="{not json")
    assert result.exit_code == 2 and result.output.startswith("Error: -:1: invalid JSON")


def test_batch_reports_every_bad_file_and_analyses_the_good_ones(tmp_path, examples_dir):
    bad_amount = tmp_path / "bad-amount.json"
    bad_amount.write_text(json.dumps(mutated(lambda d: d["invoices"][1].update(amount="-5.00"))))
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{")
    good = examples_dir / "accounts" / "acme-saas.json"
    result = run(str(bad_amount), str(good), str(bad_json), "--format", "json")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 2
    assert f"Error: {bad_amount}: invoices[1].amount" in errors[0] and f"Error: {bad_json}" in errors[1]
    payload = json.loads("\n".join(line for line in result.output.splitlines() if not line.startswith("Error: ")))
    assert [item["customer"] for item in payload] == ["Acme Analytics Corp"]


def test_bad_policy_file_is_exit_2(tmp_path, examples_dir):
    pack = tmp_path / "pack.yaml"
    pack.write_text("name: x\nextends: default\ntiers:\n  starts: [1, 31]\n")
    result = run(str(examples_dir / "accounts" / "acme-saas.json"), "--policy", str(pack))
    assert result.exit_code == 2 and result.output.startswith(f"Error: {pack}:4: tiers.starts")


def test_real_process_prints_one_line_and_exits_2(tmp_path):
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(mutated(lambda d: d["invoices"][2].update(due="2026-08-01"))))
    proc = subprocess.run([sys.executable, "-m", "drafter", "analyze", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (f"Error: {path}: invoices[2].due: due (2026-08-01) must not be before issued "
                           f"(2026-09-01)\n")
