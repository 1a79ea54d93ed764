"""`drafter check` records every check in the audit log, unless told not to."""

from click.testing import CliRunner

from drafter.cli import cli
from drafter.store import AuditLog

THREAT = "Subject: INV-1042\n\nHi Dana, INV-1042 for $26,000.00 is overdue. We will sue you on Friday.\n"


def test_each_check_is_logged_with_its_verdict(tmp_path, examples_dir):
    db = tmp_path / "audit.db"
    draft = tmp_path / "reply.txt"
    draft.write_text(THREAT)
    result = CliRunner().invoke(cli, ["check", "--account", str(examples_dir / "accounts" / "acme-saas.json"),
                                      "--db", str(db), str(draft)])
    assert result.exit_code == 1, result.output
    [logged] = AuditLog(db).checks()
    assert logged.source == str(draft)
    assert logged.passed is False and logged.tier == 2
    assert "legal_action" in {f.category for f in logged.report.findings}


def test_no_log_records_nothing(tmp_path, examples_dir):
    db = tmp_path / "audit.db"
    draft = tmp_path / "reply.txt"
    draft.write_text(THREAT)
    CliRunner().invoke(cli, ["check", "--account", str(examples_dir / "accounts" / "acme-saas.json"),
                             "--db", str(db), "--no-log", str(draft)])
    assert not db.exists() or AuditLog(db).checks() == []
