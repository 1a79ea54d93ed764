import email
import json
from email import policy as email_policy
from pathlib import Path

from click.testing import CliRunner

from drafter.cli import cli

ACME = str(Path(__file__).parent.parent / "examples" / "accounts" / "acme-saas.json")


def run(*args, env=None):
    return CliRunner().invoke(cli, ["draft", *args], env={"OPENAI_API_KEY": None, "OPENAI_BASE_URL": None,
                                                          "DRAFTER_MODEL": None, **(env or {})})


def test_text_output_has_a_header_then_the_draft():
    result = run(ACME, "--backend", "offline")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Kind:    personal_follow_up (email)\nTier:    2, 53 days past due")
    assert "\nTo:      Dana Lee <dana.lee@acme-analytics.example>\n" in result.output
    assert "\nSubject: " in result.output and "INV-1042" in result.output


def test_json_output_shape():
    result = run(ACME, "--format", "json", "--kind", "final_notice", "--as-of", "2027-01-10")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"customer", "draft", "report", "assessment", "provenance"}
    assert data["draft"]["kind"] == "final_notice" and data["report"]["passed"] is True
    assert data["assessment"]["tier"] == 4 and data["assessment"]["as_of"] == "2027-01-10"
    assert data["provenance"]["backend"] == "offline"
    assert {"subject", "body", "to", "cc", "sender", "channel"} <= set(data["draft"])


def test_markdown_and_call_script():
    result = run(ACME, "--format", "markdown", "--channel", "call", "--backend", "offline")
    assert result.exit_code == 0
    assert result.output.startswith("# Call script: Acme Analytics Corp")
    assert "Voicemail" in result.output


def test_eml_to_a_folder_is_written_atomically(tmp_path):
    result = run(ACME, "--format", "eml", "--out", str(tmp_path / "drafts"), "--backend", "offline")
    assert result.exit_code == 0, result.output
    written = tmp_path / "drafts" / "acme-analytics-corp-personal_follow_up.eml"
    assert result.output.strip() == str(written)
    assert sorted(p.name for p in written.parent.iterdir()) == [written.name]  # no temporary left over
    message = email.message_from_bytes(written.read_bytes(), policy=email_policy.default)
    assert message["X-Unsent"] == "1"


def test_bad_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"customer": {"name": "X"}, "invoices": []}')
    result = run(str(bad))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}: invoices") and "Traceback" not in result.output
    assert run(str(tmp_path / "missing.json")).exit_code == 2
    assert run(ACME, "--kind", "threat").exit_code == 2
    assert run(ACME, "--policy", "no-such-pack").exit_code == 2


def test_llm_unavailable_notes_the_fallback_and_still_succeeds():
    result = CliRunner().invoke(cli, ["draft", ACME, "--backend", "llm"],
                                                env={"OPENAI_API_KEY": None, "OPENAI_BASE_URL": None,
                                                     "DRAFTER_MODEL": None})
    assert result.exit_code == 0
    assert result.stderr.startswith("note: used the offline draft because no LLM is configured")
    assert "Subject: " in result.stdout
