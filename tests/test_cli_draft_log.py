"""`drafter draft` records every draft it prints in the audit log, unless told not to."""

import json

from click.testing import CliRunner

from drafter.cli import cli
from drafter.store import AuditLog


def test_a_printed_draft_is_in_the_audit_log(tmp_path, examples_dir):
    db = tmp_path / "audit.db"
    account = str(examples_dir / "accounts" / "acme-saas.json")
    result = CliRunner().invoke(cli, ["draft", account, "--backend", "offline", "--format", "json",
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    [logged] = AuditLog(db).list()
    assert logged.customer == printed["customer"]
    assert logged.source == account
    assert logged.backend == "offline" and logged.status == "pending" and logged.passed
    assert logged.draft.body == printed["draft"]["body"]


def test_no_log_leaves_the_audit_log_alone(tmp_path, examples_dir):
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(cli, ["draft", str(examples_dir / "accounts" / "acme-saas.json"),
                                      "--backend", "offline", "--db", str(db), "--no-log"])
    assert result.exit_code == 0, result.output
    assert not db.exists() or AuditLog(db).list() == []


def test_a_missing_prompts_folder_is_bad_input(tmp_path, examples_dir):
    result = CliRunner().invoke(cli, ["draft", str(examples_dir / "accounts" / "acme-saas.json"),
                                      "--prompts", str(tmp_path / "nope"), "--no-log"])
    assert result.exit_code == 2
    assert "--prompts" in result.output and "does not exist" in result.output


def test_the_prompts_folder_reaches_the_llm_settings(tmp_path, monkeypatch, examples_dir):
    import drafter.compose

    seen = {}

    def fake_draft(account, **options):
        seen["prompts_dir"] = options["settings"].prompts_dir
        raise SystemExit(0)

    monkeypatch.setattr(drafter.compose, "draft", fake_draft)
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    CliRunner().invoke(cli, ["draft", str(examples_dir / "accounts" / "acme-saas.json"), "--backend",
                             "llm", "--model", "m", "--prompts", str(prompts), "--no-log"])
    assert str(seen["prompts_dir"]) == str(prompts)
