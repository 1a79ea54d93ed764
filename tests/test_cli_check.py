"""`drafter check` as a collector runs it: files of every kind, stdin, exit codes, text and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

ACCOUNT = Path(__file__).parent / "data" / "guard-account.json"  # tier 2
GOOD = ("Subject: Invoice INV-1042\n\nHi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. "
        "Could you let me know when we can expect payment? You can pay at https://pay.example.com/acme.\n\n"
        "Best regards,\nJordan Reyes\n")
BAD = ("Hi Dana,\n\nInvoice INV-1042 for $8,600.00 is overdue. Pay within 48 hours or we will hand the account "
       "to a collection agency.\n\nBest regards,\nJordan Reyes\n")


def drafter(*args, stdin=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "drafter", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd)


@pytest.fixture
def files(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.md"
    good.write_text(GOOD)
    bad.write_text(BAD)
    return good, bad


def test_passing_draft_exits_0(files):
    run = drafter("check", "--account", str(ACCOUNT), str(files[0]))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"PASS  {files[0]}  (tier 2, policy default: 0 blocking, 0 warnings)")


def test_blocked_draft_exits_1_and_shows_findings_in_context(files):
    run = drafter("check", "--account", str(ACCOUNT), *map(str, files))
    assert run.returncode == 1
    out = run.stdout
    assert "PASS" in out and f"BLOCKED  {files[1]}" in out
    assert "block grounding: This amount does not match" in out and ">>$8,600.00<<" in out
    assert "block stage-gate [collections_agency]" in out and "suggestion: " in out
    assert "\x1b[" not in out  # no colour off a terminal


def test_json_report_shape(files):
    run = drafter("check", "--account", str(ACCOUNT), "--format", "json", *map(str, files))
    assert run.returncode == 1
    good, bad = json.loads(run.stdout)
    assert good == {"file": str(files[0]), "passed": True, "tier": 2, "policy": "default", "findings": []}
    assert bad["passed"] is False and bad["tier"] == 2
    for finding in bad["findings"]:
        assert set(finding) == {"rule", "category", "severity", "start", "end", "excerpt", "message", "suggestion"}
        assert BAD[finding["start"]:finding["end"]] == finding["excerpt"]
    rules = {(f["rule"], f["category"]) for f in bad["findings"]}
    assert ("grounding", None) in rules and ("stage-gate", "collections_agency") in rules


def test_tier_and_policy_options(files):
    run = drafter("check", "--account", str(ACCOUNT), "--tier", "4", "--policy", "saas", "--format", "json",
                  str(files[1]))
    [report] = json.loads(run.stdout)
    assert report["tier"] == 4 and report["policy"] == "saas"
    assert "stage-gate" not in {f["rule"] for f in report["findings"]}


def test_eml_draft(tmp_path):
    message = EmailMessage()
    message["Subject"] = "Invoice INV-1042"
    message["To"] = "dana@acme.example"
    message["From"] = "jordan@northwind.example"
    message.set_content(GOOD.split("\n\n", 1)[1])
    message.add_alternative("<p>Hi Dana,</p><p>Invoice <b>INV-1042</b> is <i>overdue</i>.</p>", subtype="html")
    path = tmp_path / "draft.eml"
    path.write_bytes(bytes(message))
    run = drafter("check", "--account", str(ACCOUNT), "--format", "json", str(path))
    assert run.returncode == 0, run.stdout
    html_only = EmailMessage()
    html_only["Subject"] = "x"
    html_only.set_content("<p>Hi Dana,</p><p>Please pay INV-1043 right now.</p>", subtype="html")
    path.write_bytes(bytes(html_only))
    [report] = json.loads(drafter("check", "--account", str(ACCOUNT), "--format", "json", str(path)).stdout)
    assert "INV-1043" in {f["excerpt"] for f in report["findings"]}


def test_json_drafts_bare_and_as_draft_results(tmp_path):
    from drafter.compose import draft
    from drafter.load import load_account

    result = draft(load_account(ACCOUNT), backend="offline")
    produced = tmp_path / "result.json"
    produced.write_text(result.model_dump_json(indent=2))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"subject": "Invoice INV-1042", "body": BAD}))
    run = drafter("check", "--account", str(ACCOUNT), "--format", "json", str(produced), str(bare))
    first, second = json.loads(run.stdout)
    assert first["passed"] is True and second["passed"] is False and run.returncode == 1


def test_stdin(files):
    run = drafter("check", "--account", str(ACCOUNT), "-", stdin=BAD)
    assert run.returncode == 1 and "BLOCKED  -" in run.stdout
    run = drafter("check", "--account", str(ACCOUNT), "--format", "json", "-", stdin=json.dumps({"body": GOOD}))
    assert run.returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--account", "missing.json", "d.txt"], "Error: missing.json: no such file"),
    (["--account", str(ACCOUNT), "missing.txt"], "Error: missing.txt: no such file"),
    (["--account", str(ACCOUNT), "--policy", "nope", "d.txt"], "Error: no policy pack named 'nope'"),
    (["--account", str(ACCOUNT), "broken.json"], "Error: broken.json:1: invalid JSON"),
    (["--account", str(ACCOUNT), "nobody.json"], 'Error: nobody.json: no draft here'),
    (["--account", str(ACCOUNT), "empty.txt"], "Error: empty.txt: the draft is empty"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    (tmp_path / "d.txt").write_text(GOOD)
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "nobody.json").write_text('{"subject": "x"}')
    (tmp_path / "empty.txt").write_text("\n")
    run = drafter("check", *args, cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_policy_list_and_show():
    listing = drafter("policy", "list")
    assert listing.returncode == 0 and listing.stdout.splitlines()[0].startswith("construction ")
    shown = drafter("policy", "show", "us-consumer")
    assert "calls: 08:00-21:00, at most 7 in 7 days" in shown.stdout and "debt collector" in shown.stdout
    data = json.loads(drafter("policy", "show", "uk-b2b", "--format", "json").stdout)
    assert data["jurisdiction"]["statutory"]["margin_pct"] == "8"
