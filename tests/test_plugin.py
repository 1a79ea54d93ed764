"""A rule shipped as its own package (examples/plugin) loads through the `drafter.rules` entry point,
runs, and reports like a built-in rule once a pack enables it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter import rules
from drafter.errors import PolicyError
from drafter.guard import check
from drafter.load import load_account
from drafter.models import Draft
from drafter.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_SRC = ROOT / "examples" / "plugin" / "src"
ACCOUNT = ROOT / "tests" / "data" / "guard-account.json"
DRAFT = ("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026. You can pay at "
         "https://pay.example.com/acme by ACH or card. Globex may be cheaper, but we value your business.\n\n"
         "Best regards,\nJordan Reyes")


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """The example plugin installed the way pip would leave it: its code importable and a dist-info
    declaring the entry point (built here so the test runs offline)."""
    dist = tmp_path / "site" / "drafter_competitor_rule-0.1.0.dist-info"
    dist.mkdir(parents=True)
    dist.joinpath("METADATA").write_text("Metadata-Version: 2.1\nName: drafter-competitor-rule\nVersion: 0.1.0\n")
    pyproject = (ROOT / "examples" / "plugin" / "pyproject.toml").read_text()
    line = next(ln for ln in pyproject.splitlines() if ln.startswith("no-competitor-names"))
    dist.joinpath("entry_points.txt").write_text("[drafter.rules]\n" + line.replace('"', "") + "\n")
    site = str(tmp_path / "site")
    monkeypatch.syspath_prepend(site)
    monkeypatch.syspath_prepend(str(PLUGIN_SRC))
    rules._plugins.clear()
    yield os.pathsep.join([site, str(PLUGIN_SRC)])
    rules._plugins.clear()
    sys.modules.pop("drafter_competitor_rule", None)


def write_pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "house.yaml"
    path.write_text("name: house\nextends: default\n" + body)
    return path


def test_plugin_rule_reports_like_a_builtin(installed_plugin, tmp_path):
    pack = load_policy(write_pack(tmp_path, "rules:\n  no-competitor-names:\n    names: [Globex]\n"))
    report = check(Draft(body=DRAFT), load_account(ACCOUNT), pack, tier=1)
    finding = next(f for f in report.findings if f.rule == "no-competitor-names")
    assert finding.severity == "block" and finding.category is None
    assert DRAFT[finding.start:finding.end] == finding.excerpt == "Globex"
    assert "competitor" in finding.message and finding.suggestion
    assert not report.passed


def test_plugin_not_run_unless_a_pack_enables_it(installed_plugin):
    report = check(Draft(body=DRAFT), load_account(ACCOUNT), load_policy("default"), tier=1)
    assert report.passed, report.findings
    assert "drafter_competitor_rule" not in sys.modules


def test_pack_can_lower_plugin_severity(installed_plugin, tmp_path):
    pack = load_policy(write_pack(tmp_path, "rules:\n  no-competitor-names:\n    severity: warn\n"
                                            "    names: [Globex]\n"))
    report = check(Draft(body=DRAFT), load_account(ACCOUNT), pack, tier=1)
    assert [f.severity for f in report.findings if f.rule == "no-competitor-names"] == ["warn"]
    assert report.passed


def test_plugin_option_of_wrong_type_is_a_pack_error(installed_plugin, tmp_path):
    with pytest.raises(PolicyError) as error:
        load_policy(write_pack(tmp_path, "rules:\n  no-competitor-names:\n    names: Globex\n"))
    assert error.value.field == "rules.no-competitor-names.names" and error.value.line == 5


def test_unknown_rule_id_fails_loudly(installed_plugin, tmp_path):
    with pytest.raises(PolicyError) as error:
        load_policy(write_pack(tmp_path, "rules:\n  no-competitor-name:\n    names: [Globex]\n"))
    message = str(error.value)
    assert "unknown rule id 'no-competitor-name'" in message
    assert "stage-gate" in message and "installed plugins: no-competitor-names" in message
    assert error.value.line == 4


def test_plugin_through_the_cli(installed_plugin, tmp_path):
    pack = write_pack(tmp_path, "rules:\n  no-competitor-names:\n    names: [Globex]\n")
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    env = dict(os.environ, PYTHONPATH=installed_plugin + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = subprocess.run([sys.executable, "-m", "drafter", "check", "--account", str(ACCOUNT), "--policy",
                          str(pack), "--tier", "1", "--format", "json", str(draft)],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    [result] = json.loads(run.stdout)
    assert [f["rule"] for f in result["findings"]] == ["no-competitor-names"]
