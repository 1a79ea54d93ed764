"""`drafter batch`: inputs of every shape, the summary's figures, resuming, bad accounts, full disks,
a kill -9 in the middle, and concurrent LLM drafting against a local OpenAI-compatible server."""

from __future__ import annotations

import errno
import json
import os
import pty
import signal
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from drafter.files import TEMP_PREFIX
from drafter.store import AuditLog

from batch_checks import batch, check_resumed, check_whole, killable_batch, write_jsonl
from delivery_fixtures import generated_account

TIER_OF_INDEX = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4}  # generated_account: index % 5 decides the tier


def write_folder(folder: Path, indexes) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    accounts = []
    for index in indexes:
        data = generated_account(index)
        (folder / f"account-{index:05d}.json").write_text(json.dumps(data, indent=1))
        accounts.append(data)
    return accounts


def expected_buckets(accounts: list[dict]) -> dict[int, dict]:
    """The summary figures worked out from the generated data, independently of drafter."""
    buckets: dict[int, dict] = defaultdict(lambda: {"accounts": 0, "balances": defaultdict(Decimal)})
    for data in accounts:
        index = int(data["customer"]["name"].split()[1])
        invoice = data["invoices"][0]
        bucket = buckets[TIER_OF_INDEX[index % 5]]
        bucket["accounts"] += 1
        bucket["balances"][invoice["currency"]] += Decimal(invoice["amount"])
    return buckets


def records(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("*.json")) if p.name != "summary.json"]


def test_a_folder_of_accounts_gives_one_checked_draft_each_and_a_summary_by_bucket(tmp_path):
    accounts = write_folder(tmp_path / "accounts", range(20))
    out = tmp_path / "out"
    result = batch(str(tmp_path / "accounts"), "--out", str(out), "--db", str(tmp_path / "audit.db"))
    assert result.exit_code == 0, result.output

    written = records(out)
    assert len(written) == 20
    for record in written:
        stem = record["result"]["customer"].lower().replace(" ", "-")
        assert record["files"] == [f"{stem}.txt"]
        draft = record["result"]["draft"]
        assert (out / f"{stem}.txt").read_text() == f"Subject: {draft['subject']}\n\n{draft['body']}\n"
        assert record["result"]["report"]["passed"] is True
        assert record["status"] == "passed"

    summary = json.loads((out / "summary.json").read_text())
    expected = expected_buckets(accounts)
    for bucket in summary["buckets"]:
        want = expected[bucket["tier"]]
        assert bucket["accounts"] == want["accounts"]
        assert bucket["balances"] == {c: str(v) for c, v in sorted(want["balances"].items())}
        assert bucket["passed"] == want["accounts"] and bucket["failed"] == 0
    # euros and dollars are never added together
    assert set(summary["total"]["balances"]) == {"EUR", "USD"}
    assert summary["total"]["accounts"] == 20 and summary["drafted"] == 20
    assert summary["buckets"][4]["actions"] == {"final_notice": 4}

    csv_lines = (out / "summary.csv").read_text().splitlines()
    assert csv_lines[0] == "tier,bucket,accounts,balance_EUR,balance_USD,actions,passed,fell_back,failed"
    assert csv_lines[-1].startswith(",Total,20,")
    assert "1-30 days" in result.output and "Total" in result.output

    with AuditLog(tmp_path / "audit.db") as log:
        logged = log.list()
    assert len(logged) == 20
    assert {r.inputs_hash for r in logged} == {r["inputs_hash"] for r in written}
    assert all(r.status == "pending" and r.backend == "offline" for r in logged)


def test_jsonl_and_csv_aging_report_inputs(tmp_path):
    write_jsonl(tmp_path / "accounts.jsonl", range(5))
    (tmp_path / "aging.csv").write_text(
        "Customer,Invoice #,Amount,Balance,Invoice Date,Due Date,Currency,Email\n"
        "Harbor Freight Lines,INV-7100,1200.00,1200.00,2026-08-01,2026-08-31,USD,ap@harbor.example\n"
        "Harbor Freight Lines,INV-7101,800.00,800.00,2026-09-01,2026-10-01,USD,ap@harbor.example\n"
        "Granite Works,INV-8807,5000.00,5000.00,2026-10-01,2026-11-10,USD,pay@granite.example\n"
    )
    out = tmp_path / "out"
    result = batch(str(tmp_path / "accounts.jsonl"), str(tmp_path / "aging.csv"), "--out", str(out),
                   "--no-log", "--as-of", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["accounts"] == 7
    labels = sorted(r["label"] for r in records(out))
    assert labels == sorted([f"{tmp_path / 'accounts.jsonl'}:{n}" for n in range(1, 6)]
                            + [f"{tmp_path / 'aging.csv'}:Harbor Freight Lines",
                               f"{tmp_path / 'aging.csv'}:Granite Works"])
    harbor = json.loads((out / "harbor-freight-lines.json").read_text())
    assert harbor["result"]["assessment"]["balances"] == {"USD": "2000.00"}
    assert harbor["result"]["assessment"]["days_past_due"] == 84  # 2026-08-31 to 2026-11-23


def test_rerunning_skips_what_is_done_and_logs_nothing_twice(tmp_path):
    write_folder(tmp_path / "accounts", range(10))
    out, db = tmp_path / "out", str(tmp_path / "audit.db")
    assert batch(str(tmp_path / "accounts"), "--out", str(out), "--db", db).exit_code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith("summary")}

    write_folder(tmp_path / "accounts", [10])  # one new account
    again = batch(str(tmp_path / "accounts"), "--out", str(out), "--db", db, "--format", "json")
    assert again.exit_code == 0
    summary = json.loads(again.output)
    assert (summary["accounts"], summary["drafted"], summary["already_done"]) == (11, 1, 10)
    assert {p: out.joinpath(p).stat().st_mtime_ns for p in stamps} == stamps
    with AuditLog(db) as log:
        assert len(log.list()) == 11

    # a changed account is drafted again
    changed = generated_account(3)
    changed["invoices"][0]["balance"] = "10.00"
    (tmp_path / "accounts" / "account-00003.json").write_text(json.dumps(changed))
    third = json.loads(batch(str(tmp_path / "accounts"), "--out", str(out), "--db", db,
                             "--format", "json").output)
    assert (third["drafted"], third["already_done"]) == (1, 10)
    assert json.loads((out / "customer-00003-ltd.json").read_text())["account"]["invoices"][0]["balance"] \
        == "10.00"


def test_a_bad_account_is_reported_on_one_line_and_skipped(tmp_path):
    write_folder(tmp_path / "accounts", range(4))
    bad = generated_account(99)
    bad["invoices"][0]["due"] = "2026-02-30"
    (tmp_path / "accounts" / "broken.json").write_text(json.dumps(bad))
    proc = subprocess.run([sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts"),
                           "--out", str(tmp_path / "out"), "--no-log", "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Skipped: ") and "broken.json" in lines[0] and "invoices[0].due" in lines[0]
    summary = json.loads(proc.stdout)
    assert (summary["accounts"], summary["unreadable"]) == (4, 1)
    assert len(records(tmp_path / "out")) == 4


def test_no_readable_input_is_exit_2(tmp_path):
    (tmp_path / "junk.json").write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "drafter", "batch", str(tmp_path / "junk.json"),
                           str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out"), "--no-log"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].startswith("Error: no account could be read")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_stops_the_batch_with_nothing_half_written(tmp_path, monkeypatch, jobs):
    import drafter.files

    write_folder(tmp_path / "accounts", range(8))
    out = tmp_path / "out"
    real_write_new = drafter.files._write_new
    writes = {"count": 0}

    def filling_disk(path, data, durable):
        """Writes as usual, until the disk is full: then half the bytes go down and the write fails."""
        writes["count"] += 1
        if writes["count"] <= 7:
            return real_write_new(path, data, durable)
        real_write_new(path, data[: len(data) // 2], durable)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(drafter.files, "_write_new", filling_disk)
    # with workers, each counts its own writes (it has its own copy of `writes`)
    result = batch(str(tmp_path / "accounts"), "--out", str(out), "--no-log", "--jobs", jobs)
    assert result.exit_code == 1
    assert "Error: cannot write" in result.output and "No space left on device" in result.output
    assert not list(out.glob(f"{TEMP_PREFIX}*"))
    done = records(out)
    assert 0 < len(done) < 8
    for record in done:  # each record is whole and its message is there
        assert (out / record["files"][0]).read_text().startswith("Subject: ")

    monkeypatch.setattr(drafter.files, "_write_new", real_write_new)
    resumed = batch(str(tmp_path / "accounts"), "--out", str(out), "--no-log", "--format", "json")
    assert resumed.exit_code == 0
    assert json.loads(resumed.output)["already_done"] == len(done)
    assert len(records(out)) == 8


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    write_folder(tmp_path / "accounts", range(2))
    (tmp_path / "a-file").write_text("")
    proc = subprocess.run([sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts"),
                           "--out", str(tmp_path / "a-file" / "out"), "--no-log"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: cannot write to ") and "Traceback" not in proc.stderr


def test_kill_9_in_the_middle_then_resume_loses_and_duplicates_nothing(tmp_path):
    count = 600
    # drafting in process; test_batch_jobs.py kills a batch with worker processes
    out, db, command = killable_batch(tmp_path, count, jobs=1)
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(out.glob("customer-*.json"))) < 40:
        assert victim.poll() is None, "the batch finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    survived = check_whole(out)
    assert 40 <= len(survived) < count
    check_resumed(out, db, count, command, survived)


def test_progress_bar_only_on_a_terminal(tmp_path):
    write_folder(tmp_path / "accounts", range(3))
    piped = subprocess.run([sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts"),
                            "--out", str(tmp_path / "piped"), "--no-log"], capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts"),
                             "--out", str(tmp_path / "tty"), "--no-log"],
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait() == 0
    os.close(leader)
    assert b"Drafting" in seen and b"100%" in seen


def test_llm_drafts_run_concurrently_up_to_the_limit(tmp_path):
    from fake_openai import FakeOpenAI, offline_replies

    accounts = write_jsonl(tmp_path / "accounts.jsonl", range(12))
    with FakeOpenAI(offline_replies(accounts), latency=0.25) as server:
        env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "test-key",
               "DRAFTER_MODEL": "fake-model"}
        env.pop("DRAFTER_DB", None)
        proc = subprocess.run([sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts.jsonl"),
                               "--out", str(tmp_path / "out"), "--backend", "llm", "--concurrency", "3",
                               "--db", str(tmp_path / "audit.db"), "--format", "json"],
                              capture_output=True, text=True, env=env)
        peak, requests = server.peak, server.requests
    assert proc.returncode == 0, proc.stderr
    assert peak == 3  # the limit was reached and never exceeded
    assert requests == 12
    summary = json.loads(proc.stdout)
    assert summary["backend"] == "llm" and summary["total"]["passed"] == 12
    for record in records(tmp_path / "out"):
        provenance = record["result"]["provenance"]
        assert (provenance["backend"], provenance["model"], provenance["fell_back"]) == ("llm", "fake-model", False)
    with AuditLog(tmp_path / "audit.db") as log:
        assert {r.model for r in log.list()} == {"fake-model"}
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("audit.db*"))
    assert b"test-key" not in raw


@pytest.mark.parametrize("frozen_by_caller", [False, True])
def test_collection_leaves_out_the_plan_while_drafting_and_only_then(tmp_path, frozen_by_caller):
    import gc

    from drafter.batch import plan_batch, run_batch

    write_jsonl(tmp_path / "accounts.jsonl", range(3))
    plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline")
    if frozen_by_caller:
        gc.freeze()
    before = gc.get_freeze_count()
    during = []
    try:
        outcomes = run_batch(plan, on_done=lambda outcome: during.append(gc.get_freeze_count()))
        assert [o.status for o in outcomes] == ["passed"] * 3
        assert all(count > 0 for count in during)
        if frozen_by_caller:  # kept (less what reference counting freed meanwhile)
            assert 0.9 * before < gc.get_freeze_count() <= before
        else:  # ours is undone
            assert before == gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
