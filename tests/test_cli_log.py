"""`drafter log list|show|export` over a prepared audit log."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from drafter.cli import cli
from drafter.store import AuditLog

from delivery_fixtures import make_result


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "audit.db"
    with AuditLog(path) as log:
        approved = log.record_draft(make_result("Acme Corp"), source="accounts/acme.json",
                                    inputs_hash="a" * 64)
        log.record_decision(approved, "approved", reviewer="dana")
        log.record_draft(make_result("Bolt Freight", passed=False, body="We will call the lawyers.",
                                     backend="llm", fell_back=True),
                         source="aging.csv:Bolt Freight", inputs_hash="b" * 64)
    return str(path)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_shows_newest_first_with_guard_and_status(db):
    result = run("log", "list", "--db", db)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "CREATED", "(UTC)", "CUSTOMER", "KIND", "BACKEND", "GUARD", "STATUS"]
    assert lines[1].startswith("2 ") and "Bolt Freight" in lines[1] and "1 blocking" in lines[1]
    assert "llm (fell back)" in lines[1] and lines[1].endswith("pending")
    assert lines[2].startswith("1 ") and "passed" in lines[2] and lines[2].endswith("approved")


def test_list_filters_by_status_and_limits(db):
    approved = json.loads(run("log", "list", "--db", db, "--status", "approved", "--format", "json").output)
    assert [r["customer"] for r in approved] == ["Acme Corp"]
    limited = json.loads(run("log", "list", "--db", db, "--limit", "1", "--format", "json").output)
    assert [r["id"] for r in limited] == [2]
    empty = run("log", "list", "--db", db, "--status", "sent")
    assert empty.exit_code == 0 and "No drafts logged with status sent." in empty.output


def test_show_prints_provenance_findings_text_and_decisions(db):
    failing = run("log", "show", "2", "--db", db)
    assert failing.exit_code == 0
    assert "fell back to offline: model kept failing the guard" in failing.output
    assert "Guard:    FAILED" in failing.output
    assert "block stage.legal_action" in failing.output
    assert "We will call the lawyers." in failing.output
    approved = run("log", "show", "1", "--db", db)
    assert "approved by dana" in approved.output
    data = json.loads(run("log", "show", "1", "--db", db, "--format", "json").output)
    assert data["status"] == "approved" and data["source"] == "accounts/acme.json"


def test_show_an_unknown_id_is_a_clear_error(db):
    result = CliRunner().invoke(cli, ["log", "show", "99", "--db", db])
    assert result.exit_code == 2
    assert "Error: no draft with id 99" in result.output


def test_export_csv_to_a_file_and_json_to_stdout(db, tmp_path):
    out = tmp_path / "audit.csv"
    result = run("log", "export", "--db", db, "--format", "csv", "--out", str(out))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["customer"], r["status"], r["backend"]) for r in rows] == [
        ("Acme Corp", "approved", "offline"), ("Bolt Freight", "pending", "llm")]
    data = json.loads(run("log", "export", "--db", db, "--table", "decisions").output)
    assert [(d["draft_id"], d["decision"], d["reviewer"]) for d in data] == [(1, "approved", "dana")]


def test_the_real_command_reads_the_log_named_by_the_environment(db):
    env_run = subprocess.run([sys.executable, "-m", "drafter", "log", "list", "--format", "json"],
                             capture_output=True, text=True, env={**_env(), "DRAFTER_DB": db})
    assert env_run.returncode == 0, env_run.stderr
    assert [r["customer"] for r in json.loads(env_run.stdout)] == ["Bolt Freight", "Acme Corp"]


def test_a_corrupt_log_is_reported_without_a_traceback(tmp_path):
    bad = tmp_path / "audit.db"
    bad.write_text("this is not a database " * 50)
    proc = subprocess.run([sys.executable, "-m", "drafter", "log", "list", "--db", str(bad)],
                          capture_output=True, text=True, env=_env())
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "DRAFTER_DB"}
