"""Each corpus sentence through the full guard wherever its categories are allowed and wherever they
are not (tiers 0-4, open dispute; terms that allow the conditional remedies and terms that do not)."""

from __future__ import annotations

import pytest

from guard_corpus import accounts, content_policy, corpus_items, expand, run_case

POLICY = content_policy()
ACCOUNTS = accounts()
CASES = expand(corpus_items(), POLICY, ACCOUNTS)


def test_corpus_covers_every_state_both_ways():
    assert len(corpus_items()) >= 400
    for state in ("0", "1", "2", "3", "4", "dispute"):
        verdicts = {c.must_block for c in CASES if c.state == state}
        assert verdicts == {True, False}, state


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.id}-{c.state}-{c.terms}")
def test_guard_verdict_follows_the_stage_table(case):
    report = run_case(case, POLICY, ACCOUNTS)
    content = [f for f in report.blocking if f.category]
    assert (not report.passed) == case.must_block, [(f.rule, f.category, f.excerpt) for f in report.findings]
    if case.must_block:
        assert content, "blocked, but not for what the sentence asserts"
        assert all(f.category in case.asserts for f in content), [(f.rule, f.category) for f in content]
