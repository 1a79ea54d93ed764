"""Live: every example account drafted against a real OpenAI-compatible server.

    DRAFTER_LIVE_BASE_URL=http://127.0.0.1:8765/v1 python -m pytest -m live tests/test_llm_live.py

Whatever comes back, from the model or from the offline fallback, must pass the guard.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drafter.aging import load_accounts
from drafter.compose import draft
from drafter.config import Settings
from drafter.guard import check
from drafter.policy import load_policy

BASE_URL = os.environ.get("DRAFTER_LIVE_BASE_URL")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "accounts"

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not BASE_URL, reason="set DRAFTER_LIVE_BASE_URL to an OpenAI-compatible server"),
]


@pytest.mark.parametrize("label, account", load_accounts(EXAMPLES), ids=lambda v: Path(v).name if isinstance(v, str) else "")
def test_every_returned_draft_passes_check(label, account):
    settings = Settings(base_url=BASE_URL, model=os.environ.get("DRAFTER_LIVE_MODEL", "gemma-3-270m"),
                        api_key=os.environ.get("OPENAI_API_KEY"), max_repairs=1, max_tokens=400,
                        timeout=120, deadline=400)
    policy = load_policy()
    result = draft(account, backend="llm", policy=policy, settings=settings)
    report = check(result.draft, account, policy, assessment=result.assessment)
    assert report.passed, f"{label}: {[(f.rule, f.excerpt) for f in report.blocking]}"
    assert result.report.passed
    provenance = result.provenance
    assert provenance.backend == "llm" or provenance.fell_back
    assert provenance.model == settings.model
    if provenance.backend == "llm":
        assert provenance.attempts >= 1 and provenance.prompt_tokens > 0
