"""`drafter review`: approve, edit (re-checked), reject, skip and quit, with decisions in the audit log."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.policy import default as email_policy

import click
import pytest
from click.testing import CliRunner

from drafter.cli import cli
from drafter.review import highlight
from drafter.store import AuditLog

from delivery_fixtures import generated_account, make_result


@pytest.fixture
def batch_out(tmp_path):
    """Three accounts (not yet due, 12 and 45 days late) drafted by `drafter batch` into out/."""
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    for index in (0, 1, 2):
        (accounts / f"a{index}.json").write_text(json.dumps(generated_account(index)))
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(cli, ["batch", str(accounts), "--out", str(tmp_path / "out"),
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    return tmp_path / "out", str(db)


def review(*args: str, input: str):
    return CliRunner().invoke(cli, ["review", *args], input=input, catch_exceptions=False)


def statuses(db: str) -> dict[str, str]:
    with AuditLog(db) as log:
        return {r.customer: r.status for r in log.list()}


def test_approve_reject_skip_are_recorded_with_the_reviewer(batch_out):
    out, db = batch_out
    result = review(str(out), "--db", db, "--reviewer", "dana", input="a\nr\nwrong contact\ns\n")
    assert result.exit_code == 0, result.output
    assert "1 of 3" in result.output and "3 of 3" in result.output
    assert "Approved 1, rejected 1, edited 0; 1 still pending." in result.output
    assert statuses(db) == {"Customer 00000 Ltd": "approved", "Customer 00001 Ltd": "rejected",
                            "Customer 00002 Ltd": "pending"}
    with AuditLog(db) as log:
        rejected = [r for r in log.list() if r.status == "rejected"][0]
    assert [(d.decision, d.reason, d.reviewer) for d in rejected.decisions] == [
        ("rejected", "wrong contact", "dana")]

    # only the pending draft is offered next time
    again = review(str(out), "--db", db, input="q\n")
    assert "1 of 1" in again.output and "Customer 00002 Ltd" in again.output


def test_quit_stops_without_deciding(batch_out):
    out, db = batch_out
    result = review(str(out), "--db", db, input="q\n")
    assert result.exit_code == 0
    assert "2 of 3" not in result.output
    assert set(statuses(db).values()) == {"pending"}


def test_the_draft_is_shown_with_its_text_and_an_invalid_choice_asks_again(batch_out):
    out, db = batch_out
    record = json.loads((out / "customer-00000-ltd.json").read_text())
    result = review(str(out), "--db", db, input="x\nq\n")
    assert record["result"]["draft"]["body"].splitlines()[0] in result.output
    assert "Customer 00000 Ltd" in result.output and "guard: passed" in result.output
    assert "Error: 'x' is not one of" in result.output


def test_a_draft_with_blocking_findings_cannot_be_approved_and_its_findings_are_marked(tmp_path):
    db = str(tmp_path / "audit.db")
    with AuditLog(db) as log:
        log.record_draft(make_result("Bolt Freight", passed=False,
                                     body="Pay today or we call the lawyers."),
                         source="nowhere.json", inputs_hash="h")
    result = review("--db", db, input="a\nr\nthreatens legal action\n")
    assert "guard: FAILED (1 blocking)" in result.output
    assert "lawyers[1]" in result.output
    assert "[1] block stage.legal_action: legal action is not allowed at this stage" in result.output
    assert "Suggestion: leave out the legal threat" in result.output
    assert "Cannot approve: 1 blocking finding(s)." in result.output
    assert statuses(db) == {"Bolt Freight": "rejected"}


def test_an_edit_is_rechecked_and_a_failing_edit_cannot_be_approved(batch_out, monkeypatch):
    out, db = batch_out
    original = json.loads((out / "customer-00001-ltd.json").read_text())["result"]["draft"]
    original_text = f"Subject: {original['subject']}\n\n{original['body']}"
    threat = original_text + "\n\nIf this is not paid we will hand the account to our lawyers and sue you."
    polite = original_text + "\n\nThank you for your help with this."
    edits = iter([threat, polite])
    monkeypatch.setattr(click, "edit", lambda text, **kw: next(edits))

    # skip the first draft, edit the second (to a threat), try to approve, edit again, approve
    result = review(str(out), "--db", db, "--reviewer", "sam", input="s\ne\na\ne\na\nq\n")
    assert result.exit_code == 0, result.output
    assert "guard: FAILED" in result.output
    assert "Cannot approve" in result.output
    assert "Approved draft #" in result.output

    with AuditLog(db) as log:
        record = [r for r in log.list() if r.customer == "Customer 00001 Ltd"][0]
        checks = log.checks()
    assert record.status == "approved"
    assert record.text == polite.rstrip("\n")
    assert record.original_text == original_text
    assert [d.decision for d in record.decisions] == ["edited", "edited", "approved"]
    assert [c.passed for c in reversed(checks)] == [False, True]
    assert record.draft.to == original["to"]  # addressees survive the edit


def test_an_unchanged_edit_records_nothing(batch_out, monkeypatch):
    out, db = batch_out
    monkeypatch.setattr(click, "edit", lambda text, **kw: None)
    result = review(str(out), "--db", db, input="e\nq\n")
    assert "No change." in result.output
    with AuditLog(db) as log:
        assert all(not r.decisions for r in log.list())


def test_reviewing_from_the_log_reads_the_account_again_to_check_an_edit(batch_out, monkeypatch):
    out, db = batch_out
    monkeypatch.setattr(click, "edit", lambda text, **kw: text + "\nWe will report you to the credit bureaus.\n")
    result = review("--db", db, input="e\nq\n")
    assert "guard: FAILED" in result.output
    assert "credit" in result.output


def test_an_edit_of_a_draft_whose_account_is_gone_cannot_be_checked(tmp_path, monkeypatch):
    db = str(tmp_path / "audit.db")
    with AuditLog(db) as log:
        log.record_draft(make_result("Gone Ltd"), source=str(tmp_path / "deleted.json"), inputs_hash="h")
    monkeypatch.setattr(click, "edit", lambda text, **kw: text + " Thanks.")
    result = review("--db", db, input="e\nq\n")
    assert "Cannot check the edit:" in result.output and "not readable any more" in result.output
    with AuditLog(db) as log:
        assert not log.list()[0].decisions


def test_a_batch_run_without_the_log_is_logged_when_reviewed(tmp_path):
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / "a.json").write_text(json.dumps(generated_account(1)))
    assert CliRunner().invoke(cli, ["batch", str(accounts), "--out", str(tmp_path / "out"),
                                    "--no-log"]).exit_code == 0
    db = str(tmp_path / "audit.db")
    result = review(str(tmp_path / "out"), "--db", db, input="a\n")
    assert result.exit_code == 0
    assert statuses(db) == {"Customer 00001 Ltd": "approved"}


def test_approved_drafts_can_be_written_as_eml(batch_out):
    out, db = batch_out
    eml_dir = out.parent / "eml"
    result = review(str(out), "--db", db, "--eml-out", str(eml_dir), input="a\ns\ns\n")
    assert result.exit_code == 0, result.output
    [path] = list(eml_dir.glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=email_policy)
    with AuditLog(db) as log:
        approved = log.list(status="approved")[0]
    assert message["Subject"] == approved.draft.subject
    assert message["X-Unsent"] == "1"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert approved.draft.body.splitlines()[0] in plain


def test_nothing_pending(tmp_path):
    result = review("--db", str(tmp_path / "audit.db"), input="")
    assert result.exit_code == 0 and "No drafts waiting for review." in result.output


def test_a_folder_that_is_not_a_batch_is_an_input_error(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}')
    result = CliRunner().invoke(cli, ["review", str(tmp_path), "--db", str(tmp_path / "audit.db")])
    assert result.exit_code == 2
    assert "not a drafter batch record" in result.output


def test_highlight_marks_spans_in_order_even_when_they_overlap():
    result = make_result("A", passed=False, body="Pay now or the lawyers come.")
    text = result.draft.text()
    first = result.report.findings[0]
    overlapping = first.model_copy(update={"start": first.start - 4, "end": first.end - 2,
                                           "severity": "warn"})
    marked = highlight(text, [first, overlapping], color=False)
    assert marked.replace("[1]", "").replace("[2]", "") == text
    assert marked.index("[2]") < marked.index("[1]")
    assert click.unstyle(highlight(text, [first])) == highlight(text, [first], color=False)
