"""`drafter batch --jobs N`: worker processes give the same files, outcomes and audit log as drafting
in process, stop cleanly on Ctrl-C, a full disk or a kill -9, and bad values are refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import drafter.batch
import drafter.compose
from drafter.batch import plan_batch, run_batch, summarize
from drafter.errors import DeliveryError, DrafterError, InputError
from drafter.files import TEMP_PREFIX
from drafter.store import AuditLog

from batch_checks import batch, check_resumed, check_whole, killable_batch, write_jsonl
from delivery_fixtures import generated_account

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked")


def logged_rows(db: Path) -> list[dict]:
    """The audit log's drafts, oldest first, without what differs from run to run."""
    with AuditLog(db) as log:
        rows = json.loads(log.export("json"))
    for row in rows:
        del row["id"], row["created_at"]
    return rows


def folder_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != "summary.json"}


def summary_without_folder(out: Path) -> dict:
    summary = json.loads((out / "summary.json").read_text())
    del summary["out_dir"]
    return summary


@pytest.fixture
def drafting_pids(tmp_path, monkeypatch):
    """The ids of the processes that draft (a file, as workers cannot hand back Python objects),
    and every fifth account failing as a draft the guard never passed does."""
    pids = tmp_path / "pids"
    real_draft_one, real_draft = drafter.batch._draft_one, drafter.compose.draft

    def recording(plan, job):
        with open(pids, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        return real_draft_one(plan, job)

    def sometimes_failing(account, **kwargs):
        if int(account.customer.name.split()[1]) % 5 == 3:
            raise DrafterError("no draft passed the guard")
        return real_draft(account, **kwargs)

    monkeypatch.setattr(drafter.batch, "_draft_one", recording)
    monkeypatch.setattr(drafter.compose, "draft", sometimes_failing)

    def read() -> set[int]:
        found = {int(line) for line in pids.read_text().split()}
        pids.unlink()
        return found

    return read


def test_two_jobs_write_the_same_files_summary_and_audit_log_as_one(tmp_path, drafting_pids):
    write_jsonl(tmp_path / "accounts.jsonl", range(60))
    runs = {}
    for jobs in ("1", "2"):
        out, db = tmp_path / f"out-{jobs}", tmp_path / f"audit-{jobs}.db"
        result = batch(str(tmp_path / "accounts.jsonl"), "--out", str(out), "--db", str(db),
                       "--emit", "both", "--jobs", jobs)
        assert result.exit_code == 1, result.output  # the failing accounts
        runs[jobs] = (out, db, drafting_pids(), result.output)

    (out1, db1, pids1, output1), (out2, db2, pids2, output2) = runs["1"], runs["2"]
    assert pids1 == {os.getpid()}  # --jobs 1 drafts in this process
    assert len(pids2) == 2 and os.getpid() not in pids2  # --jobs 2: two workers did the drafting
    files = folder_bytes(out1)
    assert len([name for name in files if name.endswith(".eml")]) == 48
    assert files == folder_bytes(out2)
    assert summary_without_folder(out1) == summary_without_folder(out2)
    assert summary_without_folder(out1)["total"]["failed"] == 12
    rows = logged_rows(db1)
    assert len(rows) == 48 and rows == logged_rows(db2)
    assert output1.replace(str(out1), "OUT") == output2.replace(str(out2), "OUT")


def test_outcomes_and_progress_come_in_plan_order_whatever_the_jobs(tmp_path, drafting_pids):
    write_jsonl(tmp_path / "accounts.jsonl", range(45))
    runs = {}
    for jobs in (1, 2, 3):
        plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / f"out-{jobs}",
                          backend="offline", jobs=jobs)
        assert plan.jobs == jobs
        seen = []
        outcomes = run_batch(plan, on_done=seen.append)
        assert seen == outcomes
        assert [o.label for o in outcomes] == [job.label for job in plan.todo]
        summary = summarize(plan, outcomes)
        del summary["out_dir"]
        runs[jobs] = (outcomes, summary)
        drafting_pids()
    assert runs[1] == runs[2] == runs[3]
    assert [o.status for o in runs[1][0]].count("failed") == 9


def test_jobs_given_to_run_batch_overrides_the_plan(tmp_path, drafting_pids):
    write_jsonl(tmp_path / "accounts.jsonl", range(20))
    plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline", jobs=2)
    outcomes = run_batch(plan, jobs=1)
    assert len(outcomes) == 20
    assert drafting_pids() == {os.getpid()}


def test_the_library_drafts_in_process_unless_asked_for_workers(tmp_path, drafting_pids):
    # forking a program with threads of its own is not always safe: that is the caller's choice
    write_jsonl(tmp_path / "accounts.jsonl", range(20))
    plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline")
    assert plan.jobs == 1
    assert len(run_batch(plan)) == 20
    assert drafting_pids() == {os.getpid()}


def test_the_command_runs_one_job_per_cpu_the_process_may_use(tmp_path, monkeypatch):
    asked = {}
    planner = drafter.batch.plan_batch
    monkeypatch.setattr(drafter.batch, "plan_batch",
                        lambda *args, **kwargs: asked.update(kwargs) or planner(*args, **kwargs))
    write_jsonl(tmp_path / "accounts.jsonl", range(2))
    result = batch(str(tmp_path / "accounts.jsonl"), "--out", str(tmp_path / "out"), "--no-log")
    assert result.exit_code == 0, result.output
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert asked["jobs"] == expected


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_a_bad_jobs_value_is_a_one_line_error_and_exit_2(tmp_path, value):
    write_jsonl(tmp_path / "accounts.jsonl", range(2))
    result = batch(str(tmp_path / "accounts.jsonl"), "--out", str(tmp_path / "out"), "--no-log",
                   "--jobs", value)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: --jobs must be a whole number, at least 1 (got {value!r})"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [0, -1, 1.5, "2", True])
def test_the_library_refuses_bad_jobs_too(tmp_path, value):
    write_jsonl(tmp_path / "accounts.jsonl", range(2))
    with pytest.raises(InputError, match="jobs must be a whole number, at least 1"):
        plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline", jobs=value)
    plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline", jobs=1)
    with pytest.raises(InputError, match="jobs must be a whole number, at least 1"):
        run_batch(plan, jobs=value)


def test_help_documents_jobs():
    result = batch("--help")
    assert result.exit_code == 0
    assert "--jobs N" in result.output and "one per CPU" in result.output


def children_of(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_until_records(out: Path, victim: subprocess.Popen, count: int) -> set[int]:
    """Wait until `count` records are written; the batch's worker processes by then."""
    deadline = time.monotonic() + 120
    while len(list(out.glob("customer-*.json"))) < count:
        assert victim.poll() is None, "the batch finished before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return children_of(victim.pid)


def gone_soon(pids: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_with_workers_takes_them_down_and_resume_loses_and_duplicates_nothing(tmp_path):
    count = 900
    out, db, command = killable_batch(tmp_path, count, jobs=2)
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = wait_until_records(out, victim, 300)
    assert len(workers) == 2
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert gone_soon(workers), "a worker outlived the batch"

    survived = check_whole(out)
    assert 300 <= len(survived) < count
    with AuditLog(db) as log:  # records written but not yet logged are logged by the next run
        assert len(log.list()) <= len(survived)
    check_resumed(out, db, count, command, survived)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_the_workers_quietly_and_resume_finishes_the_batch(tmp_path):
    count = 900
    out, db, command = killable_batch(tmp_path, count, jobs=2)
    victim = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    workers = wait_until_records(out, victim, 100)
    assert len(workers) == 2
    os.killpg(victim.pid, signal.SIGINT)  # what a terminal does: the whole process group gets it
    _, stderr = victim.communicate(timeout=60)
    assert victim.returncode == 1
    assert stderr.strip() == "Aborted!"
    assert gone_soon(workers)

    survived = check_whole(out)
    assert not [p for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]
    with AuditLog(db) as log:
        assert len(log.list()) <= len(survived)
    check_resumed(out, db, count, command, survived)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_stopped_half_way_logs_what_it_reported_on_the_way_out(tmp_path, jobs):
    write_jsonl(tmp_path / "accounts.jsonl", range(40))
    seen = []

    def stop_after_ten(outcome):
        seen.append(outcome)
        if len(seen) == 10:
            raise KeyboardInterrupt

    with AuditLog(tmp_path / "audit.db") as log:
        plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline",
                          jobs=jobs, log=log)
        with pytest.raises(KeyboardInterrupt):
            run_batch(plan, on_done=stop_after_ten)
        assert [r.source for r in log.list(oldest_first=True)] == [o.label for o in seen]


# ---- the worker processes themselves -------------------------------------------------------------

def test_workers_return_every_result_and_leave_no_process_behind():
    import multiprocessing

    from drafter.workers import Workers

    with Workers(3, lambda item: (item * item, os.getpid())) as workers:
        results = dict(workers.map(range(50)))
    assert {index: square for index, (square, _) in results.items()} == {i: i * i for i in range(50)}
    assert len({pid for _, pid in results.values()}) == 3
    assert os.getpid() not in {pid for _, pid in results.values()}
    assert multiprocessing.active_children() == []


def test_an_error_raised_in_a_worker_is_raised_in_the_parent():
    from drafter.workers import Workers

    def work(item):
        if item == 5:
            raise DeliveryError("cannot write out/x.json: No space left on device")
        return item

    with pytest.raises(DeliveryError, match="No space left on device"):
        with Workers(2, work) as workers:
            list(workers.map(range(10)))


def test_a_worker_that_dies_is_an_error_not_a_hang():
    from drafter.workers import Workers

    def work(item):
        if item == 3:
            os._exit(7)
        return item

    with pytest.raises(DrafterError, match=r"a worker process stopped unexpectedly \(exit code 7\)"):
        with Workers(2, work) as workers:
            list(workers.map(range(10)))


def test_a_result_that_does_not_pickle_is_reported_with_its_reason():
    from drafter.workers import Workers

    with pytest.raises(DrafterError, match="pickle"):
        with Workers(1, lambda item: (lambda: item)) as workers:
            list(workers.map(range(2)))


def test_records_are_the_compact_json_of_their_content(tmp_path):
    """The record is written out by pydantic: the very text json.dumps gives for the same data."""
    data = generated_account(4)
    data["customer"]["name"] = "Société Générale – Zürich \"Ost\""
    (tmp_path / "accounts.jsonl").write_text(json.dumps(data) + "\n")
    assert batch(str(tmp_path / "accounts.jsonl"), "--out", str(tmp_path / "out"), "--no-log",
                 "--jobs", "1").exit_code == 0
    [path] = [p for p in (tmp_path / "out").glob("*.json") if p.name != "summary.json"]
    raw = path.read_text(encoding="utf-8")
    record = json.loads(raw)
    assert raw == json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert list(record) == ["version", "label", "inputs_hash", "policy", "status", "files", "account",
                            "result"]
    assert record["account"]["customer"]["name"] == "Société Générale – Zürich \"Ost\""


def test_the_garbage_collector_is_left_as_it_was_found(tmp_path):
    import gc

    write_jsonl(tmp_path / "accounts.jsonl", range(12))
    assert gc.isenabled() and gc.get_freeze_count() == 0
    plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "out", backend="offline", jobs=2)
    assert gc.isenabled()
    run_batch(plan)
    assert gc.isenabled() and gc.get_freeze_count() == 0

    gc.disable()
    gc.freeze()  # a caller's own frozen objects stay frozen
    try:
        frozen = gc.get_freeze_count()
        plan = plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "again", backend="offline",
                          jobs=2)
        assert not gc.isenabled()
        assert len(run_batch(plan)) == 12
        assert 0 < gc.get_freeze_count() <= frozen  # not unfrozen; some were freed since
    finally:
        gc.unfreeze()
        gc.enable()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(DeliveryError):  # a plan that fails half-way turns collection back on too
        plan_batch([str(tmp_path / "accounts.jsonl")], tmp_path / "a-file" / "out", backend="offline")
    assert gc.isenabled()


def test_closing_the_workers_lets_each_finish_its_item_and_start_no_other(tmp_path):
    from drafter.workers import Workers

    started = tmp_path / "started"

    def work(item):
        with open(started, "a") as handle:
            handle.write(f"{item}\n")
        time.sleep(0.3)
        return item

    with Workers(2, work) as workers:
        for _ in workers.map(range(20)):
            break  # each worker has one item running and one handed out but not started
    assert workers._processes == []
    begun = [int(line) for line in started.read_text().split()]
    assert len(begun) <= 4 and 4 not in begun
