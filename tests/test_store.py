"""The audit log: what it records, decisions and statuses, export, and concurrent writers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import sqlite3

import pytest

from drafter.errors import DeliveryError, InputError
from drafter.models import Draft
from drafter.store import SCHEMA_VERSION, AuditLog, default_path

from delivery_fixtures import make_report, make_result


@pytest.fixture
def log(tmp_path):
    with AuditLog(tmp_path / "audit.db") as audit:
        yield audit


def test_a_draft_is_recorded_with_its_provenance_report_and_text(log):
    result = make_result("Acme Corp", backend="llm", fell_back=False)
    draft_id = log.record_draft(result, source="accounts/acme.json", inputs_hash="ab" * 32)
    record = log.get(draft_id)
    assert record.customer == "Acme Corp"
    assert record.source == "accounts/acme.json"
    assert record.inputs_hash == "ab" * 32
    assert record.as_of.isoformat() == "2026-11-23"
    assert (record.backend, record.model, record.attempts, record.repair_rounds) == ("llm", "test-model", 2, 1)
    assert record.status == "pending" and record.passed
    assert record.text == result.draft.text() == record.original_text
    assert record.draft == result.draft
    assert record.report == result.report
    assert record.policy == "default"


def test_the_database_is_wal_and_versioned(tmp_path):
    path = tmp_path / "audit.db"
    AuditLog(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_DB", str(tmp_path / "elsewhere.db"))
    assert default_path() == tmp_path / "elsewhere.db"
    with AuditLog() as log:
        log.record_draft(make_result(), source="x", inputs_hash="h")
    assert (tmp_path / "elsewhere.db").exists()


def test_approve_reject_and_sent_set_the_status(log):
    first = log.record_draft(make_result("A"), source="a", inputs_hash="1")
    second = log.record_draft(make_result("B"), source="b", inputs_hash="2")
    log.record_decision(first, "approved", reviewer="dana")
    log.record_decision(second, "rejected", reason="wrong contact", reviewer="dana")
    assert log.get(first).status == "approved"
    rejected = log.get(second)
    assert rejected.status == "rejected"
    assert [(d.decision, d.reason, d.reviewer) for d in rejected.decisions] == [
        ("rejected", "wrong contact", "dana")]
    log.record_decision(first, "sent", reviewer="drafter push")
    assert log.get(first).status == "sent"
    with pytest.raises(InputError, match="not approved"):
        log.record_decision(second, "sent")


def test_a_draft_with_blocking_findings_cannot_be_approved_until_an_edit_passes(log):
    failing = make_result("A", passed=False, body="Pay now or we call the lawyers.")
    draft_id = log.record_draft(failing, source="a", inputs_hash="1")
    with pytest.raises(InputError, match="cannot be approved"):
        log.record_decision(draft_id, "approved")
    assert log.get(draft_id).status == "pending"

    edited = Draft(kind="reminder", subject="Invoice INV-1", body="Invoice INV-1 for $100.00 is open.")
    log.record_decision(draft_id, "edited", reviewer="dana", draft=edited,
                        report=make_report(True, edited.text()))
    record = log.get(draft_id)
    assert record.status == "pending" and record.passed
    assert record.text == edited.text() and record.original_text == failing.draft.text()
    log.record_decision(draft_id, "approved", reviewer="dana")
    assert log.list(status="approved")[0].draft == edited


def test_an_edit_that_fails_blocks_approval_again(log):
    draft_id = log.record_draft(make_result("A"), source="a", inputs_hash="1")
    worse = Draft(kind="reminder", body="Pay or the lawyers get involved.")
    log.record_decision(draft_id, "edited", draft=worse, report=make_report(False, worse.text()))
    with pytest.raises(InputError, match="cannot be approved"):
        log.record_decision(draft_id, "approved")


def test_unknown_ids_statuses_and_decisions_are_input_errors(log):
    with pytest.raises(InputError, match="no draft with id 42"):
        log.get(42)
    with pytest.raises(InputError, match="no draft with id 42"):
        log.record_decision(42, "approved")
    draft_id = log.record_draft(make_result(), source="a", inputs_hash="1")
    with pytest.raises(InputError, match="unknown decision"):
        log.record_decision(draft_id, "maybe")
    with pytest.raises(InputError, match="unknown status"):
        log.list(status="done")


def test_list_filters_orders_and_limits(log):
    ids = [log.record_draft(make_result(f"C{i}"), source=f"s{i}", inputs_hash=f"h{i % 2}")
           for i in range(5)]
    log.record_decision(ids[1], "approved")
    assert [r.id for r in log.list()] == ids[::-1]
    assert [r.id for r in log.list(oldest_first=True, limit=2)] == ids[:2]
    assert [r.id for r in log.list(status="pending")] == [ids[4], ids[3], ids[2], ids[0]]
    assert [r.id for r in log.list(inputs_hash="h1")] == [ids[3], ids[1]]


def test_checks_keep_the_hash_of_the_text_as_checked(log):
    text = "Subject: Invoice INV-1\n\nPlease pay invoice INV-1."
    check_id = log.record_check(make_report(True, text), source="cli check", draft_text=text)
    [check] = log.checks()
    assert check.id == check_id and check.text == text and check.passed
    assert check.text_sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_card_and_bank_numbers_never_reach_the_log(log, tmp_path):
    card = "4111 1111 1111 1111"
    body = f"Thanks for paying INV-1. We have card {card} on file."
    log.record_draft(make_result("A", body=body), source="a", inputs_hash="1")
    log.record_check(make_report(True, body), source="cli check", draft_text=body)
    log.close()
    raw = (tmp_path / "audit.db").read_bytes() + (tmp_path / "audit.db-wal").read_bytes() \
        if (tmp_path / "audit.db-wal").exists() else (tmp_path / "audit.db").read_bytes()
    assert b"4111" not in raw
    with AuditLog(tmp_path / "audit.db") as reopened:
        assert "[card number removed]" in reopened.list()[0].text


def test_export_json_and_csv_carry_every_draft_and_decision(log):
    a = log.record_draft(make_result("Acme, Inc."), source="a", inputs_hash="1")
    b = log.record_draft(make_result("Bolt", passed=False, body="We will call the lawyers."),
                         source="b", inputs_hash="2")
    log.record_decision(a, "approved", reviewer="dana")
    log.record_decision(b, "rejected", reason="threatens legal action", reviewer="sam")

    data = json.loads(log.export("json"))
    assert [(d["id"], d["customer"], d["status"]) for d in data] == [
        (a, "Acme, Inc.", "approved"), (b, "Bolt", "rejected")]
    assert data[1]["report"]["findings"][0]["rule"] == "stage.legal_action"

    rows = list(csv.DictReader(io.StringIO(log.export("csv"))))
    assert [(r["id"], r["customer"], r["status"]) for r in rows] == [
        (str(a), "Acme, Inc.", "approved"), (str(b), "Bolt", "rejected")]
    assert rows[1]["decisions"] == "rejected by sam: threatens legal action"
    assert rows[1]["findings"].startswith("stage.legal_action (block)")

    decisions = json.loads(log.export("json", table="decisions"))
    assert [d["decision"] for d in decisions] == ["approved", "rejected"]
    with pytest.raises(InputError):
        log.export("xml")


def _write_many(path: str, worker: int, count: int) -> None:
    with AuditLog(path) as log:
        for i in range(count):
            draft_id = log.record_draft(make_result(f"W{worker}-{i}"), source=f"w{worker}",
                                        inputs_hash=f"{worker}-{i}")
            log.record_decision(draft_id, "approved", reviewer=f"w{worker}")


def test_concurrent_writers_in_separate_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "audit.db")
    AuditLog(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, w, 40)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with AuditLog(path) as log:
        records = log.list()
    assert len(records) == 160
    assert len({r.inputs_hash for r in records}) == 160
    assert all(r.status == "approved" and len(r.decisions) == 1 for r in records)


def test_a_file_that_is_not_a_database_is_an_input_error(tmp_path):
    path = tmp_path / "audit.db"
    path.write_text("not sqlite at all " * 100)
    with pytest.raises(InputError, match="not a usable audit log"):
        AuditLog(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "audit.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(InputError, match="newer"):
        AuditLog(path)


def test_an_unusable_location_is_a_delivery_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(DeliveryError, match="cannot open the audit log"):
        AuditLog(blocker / "audit.db")


def test_file_stems_are_short_and_safe():
    from drafter.files import file_stem

    assert file_stem("Acme Corp.") == "acme-corp"
    assert file_stem("Ünïcode & Co") == "n-code-co"
    assert file_stem("!!!") == "account"
    assert len(file_stem("x" * 300)) == 60


def test_a_folder_that_cannot_be_made_is_a_delivery_error(tmp_path):
    from drafter.errors import DeliveryError
    from drafter.files import ensure_folder

    blocker = tmp_path / "file"
    blocker.write_text("")
    assert ensure_folder(tmp_path / "a" / "b").is_dir()
    with pytest.raises(DeliveryError, match="cannot write to"):
        ensure_folder(blocker / "sub")
