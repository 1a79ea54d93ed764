"""Shared by the batch tests with and without worker processes: writing the input, running the
command, and what a batch killed part-way and run again must show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from drafter.cli import cli
from drafter.files import TEMP_PREFIX
from drafter.store import AuditLog

from delivery_fixtures import generated_account


def write_jsonl(path: Path, indexes) -> list[dict]:
    accounts = [generated_account(i) for i in indexes]
    path.write_text("".join(json.dumps(a) + "\n" for a in accounts))
    return accounts


def batch(*args: str):
    return CliRunner().invoke(cli, ["batch", *args])


def killable_batch(tmp_path: Path, count: int, jobs: int) -> tuple[Path, str, list[str]]:
    """`count` accounts written out, and the `drafter batch` command (in its own process) that drafts
    them with `jobs` workers: its output folder, audit log and command line."""
    write_jsonl(tmp_path / "accounts.jsonl", range(count))
    out, db = tmp_path / "out", str(tmp_path / "audit.db")
    command = [sys.executable, "-m", "drafter", "batch", str(tmp_path / "accounts.jsonl"),
               "--out", str(out), "--db", db, "--jobs", str(jobs)]
    return out, db, command


def check_resumed(out: Path, db: str, count: int, command: list[str], survived: dict[str, bytes]) -> None:
    """Run `command` again: every account done once, what survived the kill kept byte for byte."""
    resumed = subprocess.run(command + ["--format", "json"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["accounts"] == count
    assert summary["already_done"] >= len(survived)
    assert summary["drafted"] + summary["already_done"] == count
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(TEMP_PREFIX)]
    assert len([n for n in names if n.endswith(".json")]) == count + 1  # + summary.json
    assert len([n for n in names if n.endswith(".txt")]) == count
    for name, raw in survived.items():
        assert (out / name).read_bytes() == raw
    with AuditLog(db) as log:
        logged = log.list()
    assert len(logged) == count
    assert len({r.inputs_hash for r in logged}) == count


def check_whole(out: Path) -> dict[str, bytes]:
    """The records a killed batch left, each whole and with its message: name -> bytes."""
    survived = {p.name: p.read_bytes() for p in out.glob("customer-*.json")}
    for raw in survived.values():  # nothing half-written: every record parses, its message exists
        record = json.loads(raw)
        draft = record["result"]["draft"]
        assert (out / record["files"][0]).read_text() == f"Subject: {draft['subject']}\n\n{draft['body']}\n"
    return survived
