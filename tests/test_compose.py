import asyncio
from pathlib import Path

import pytest

from drafter import compose
from drafter.compose import adraft, choose_kind, draft
from drafter.config import Settings
from drafter.errors import DrafterError, InputError, LLMError
from drafter.load import load_account
from drafter.models import Draft, Provenance, Report

ACME = Path(__file__).parent.parent / "examples" / "accounts" / "acme-saas.json"
LLM = Settings(base_url="http://127.0.0.1:9/v1", model="test-model")


@pytest.fixture()
def acme():
    return load_account(ACME)


def test_offline_draft_uses_the_recommended_kind_and_passes(acme):
    result = draft(acme, backend="offline")
    assert result.draft.kind == result.assessment.next_action.kind
    assert result.report.passed and result.report.policy == "default"
    assert result.provenance.backend == "offline" and not result.provenance.fell_back
    assert result.customer == "Acme Analytics Corp"


def test_kind_and_channel_overrides(acme):
    assert choose_kind(draft(acme, backend="offline").assessment, "call_script", "email") == ("call_script", "call")
    result = draft(acme, kind="final_notice", channel="call", backend="offline", policy="saas")
    assert (result.draft.kind, result.draft.channel) == ("final_notice", "call")
    with pytest.raises(InputError, match="unknown message kind"):
        draft(acme, kind="threat", backend="offline")
    with pytest.raises(InputError, match="unknown backend"):
        draft(acme, backend="magic")


def test_auto_without_an_llm_is_offline_and_never_imports_openai(acme, monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "openai", raising=False)
    result = draft(acme, settings=Settings())
    assert result.provenance.backend == "offline" and not result.provenance.fell_back
    assert "openai" not in sys.modules


def test_llm_asked_for_but_not_configured_falls_back_with_the_reason(acme):
    result = draft(acme, backend="llm", settings=Settings())
    assert result.provenance.fell_back and "no LLM is configured" in result.provenance.fallback_reason
    assert result.report.passed


class _Outcome:
    def __init__(self, draft=None, report=None, reason=None):
        self.draft, self.report, self.reason = draft, report, reason
        self.provenance = Provenance(backend="llm", model="test-model", attempts=3, repair_rounds=2,
                                     prompt_tokens=900, completion_tokens=300)


def _fake_llm(monkeypatch, outcome=None, error=None):
    import drafter.llm

    def fake(*args, **kwargs):
        if error:
            raise error
        return outcome

    async def afake(*args, **kwargs):
        return fake()

    monkeypatch.setattr(drafter.llm, "compose_llm", fake)
    monkeypatch.setattr(drafter.llm, "acompose_llm", afake)


def test_a_passing_llm_draft_is_returned_with_its_provenance(acme, monkeypatch):
    offline = draft(acme, backend="offline")
    good = offline.draft.model_copy(update={"body": offline.draft.body.replace("Hello", "Hi")})
    _fake_llm(monkeypatch, _Outcome(draft=good, report=offline.report))
    result = draft(acme, backend="llm", settings=LLM)
    assert result.draft == good and result.provenance.backend == "llm"
    assert result.provenance.attempts == 3 and not result.provenance.fell_back


def test_an_llm_draft_failing_the_guard_here_falls_back(acme, monkeypatch):
    bad = Draft(kind="reminder", subject="Pay now", body="Pay INV-1042 today or we sue you. $99,999.00")
    _fake_llm(monkeypatch, _Outcome(draft=bad, report=Report(passed=True, tier=2, policy="default")))
    result = draft(acme, backend="llm", settings=LLM)
    assert result.provenance.fell_back and "did not pass the guard" in result.provenance.fallback_reason
    assert result.provenance.backend == "offline" and result.provenance.model == "test-model"
    assert result.provenance.prompt_tokens == 900  # the LLM's cost is still recorded
    assert "we sue you" not in result.draft.body and result.report.passed


def test_llm_failures_fall_back_sync_and_async(acme, monkeypatch):
    _fake_llm(monkeypatch, _Outcome(reason="still failing after 2 repair rounds: grounding"))
    result = draft(acme, backend="auto", settings=LLM)
    assert result.provenance.fallback_reason == "still failing after 2 repair rounds: grounding"
    result = asyncio.run(adraft(acme, backend="llm", settings=LLM))
    assert result.provenance.fell_back and result.report.passed
    _fake_llm(monkeypatch, error=LLMError("endpoint unreachable: http://127.0.0.1:9/v1"))
    result = draft(acme, backend="llm", settings=LLM)
    assert result.provenance.fallback_reason == "endpoint unreachable: http://127.0.0.1:9/v1"


def test_an_offline_draft_that_fails_the_guard_is_an_error_not_a_result(acme, tmp_path):
    (tmp_path / "reminder.j2").write_text("Subject: Reminder\n\nPay {{ oldest.number }} now or we call our lawyers.\n")
    with pytest.raises(DrafterError, match="did not pass the guard"):
        draft(acme, kind="reminder", backend="offline", templates=tmp_path)


def test_as_of_and_policy_are_applied(acme):
    result = draft(acme, backend="offline", as_of=acme.as_of.replace(year=2027, month=1, day=10),
                   policy="saas")
    assert result.assessment.tier == 4 and result.report.policy == "saas"
    assert compose.BACKENDS == ("auto", "offline", "llm")


def test_an_assessment_the_caller_already_has_is_not_worked_out_again(acme, monkeypatch):
    from drafter import analysis

    expected = draft(acme, backend="offline")

    def analysed_again(*args, **kwargs):
        raise AssertionError("the account was analysed again")

    monkeypatch.setattr(analysis, "analyze", analysed_again)
    assert draft(acme, backend="offline", assessment=expected.assessment) == expected
    assert asyncio.run(adraft(acme, backend="offline", assessment=expected.assessment)) == expected
