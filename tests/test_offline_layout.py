"""Offline drafts read as written prose: no sentence broken across lines by template whitespace."""

import re

import pytest

from drafter.compose import draft
from drafter.errors import InputError
from drafter.load import load_account


@pytest.mark.parametrize("kind", ["final_notice", "executive_escalation", "reminder", "personal_follow_up"])
def test_no_line_starts_with_stray_punctuation(examples_dir, kind):
    for path in sorted((examples_dir / "accounts").glob("*.json")):
        account = load_account(path)
        try:
            result = draft(account, kind=kind, backend="offline")
        except InputError:  # a kind the account cannot take (all invoices disputed): tested elsewhere
            continue
        stray = re.findall(r"^\s*[.,;:].*$", result.draft.body, flags=re.MULTILINE)
        assert stray == [], f"{path.name} {kind}: {stray}"
