"""The classifier's labelled corpus, expanded into guard cases: every sentence at tiers 0-4 and with a
dispute open, for an account whose terms allow every conditional remedy and one whose terms allow none.
The expected verdict comes from the pack's stage table, never from the guard itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from drafter.load import load_account
from drafter.models import Account, Dispute
from drafter.policy import Policy, load_policy

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parent / "corpus"
STATES = ("0", "1", "2", "3", "4", "dispute")


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    asserts: tuple[str, ...]
    state: str  # a tier 0-4, or "dispute"
    terms: str  # "secured" (every condition holds) or "plain" (none does)
    must_block: bool


def is_evaluation(path: Path) -> bool:
    """Hold-out and external files: wording the classifier was not tuned on, measured by the
    benchmarks rather than asserted by the tests."""
    return path.name == "holdout.yaml" or path.name.startswith("external")


def corpus_items(evaluation: bool = False) -> list[dict]:
    """The development corpus, or (evaluation=True) the hold-out and external files."""
    items = []
    for path in sorted(CORPUS.glob("*.yaml")):
        if is_evaluation(path) == evaluation:
            items.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return items


def content_policy() -> Policy:
    return load_policy(DATA / "content-only.yaml")


def accounts() -> dict[tuple[str, bool], Account]:
    """(terms, disputed) -> account."""
    out = {}
    for terms, file in (("secured", "guard-account-secured.json"), ("plain", "guard-account.json")):
        account = load_account(DATA / file)
        out[(terms, False)] = account
        # every overdue invoice under open dispute (the dispute stage), numbered so that no corpus
        # sentence names one: the dispute-demand rule has its own tests
        invoices = [inv.model_copy(update={"number": f"INV-90{i}"}) for i, inv in enumerate(account.invoices)]
        disputes = [Dispute(invoice=inv.number, opened=inv.due, reason="pricing question") for inv in invoices]
        out[(terms, True)] = account.model_copy(update={"invoices": invoices, "disputes": disputes})
    return out


def expand(items: list[dict], policy: Policy, by_key: dict[tuple[str, bool], Account]) -> list[Case]:
    cases = []
    for item in items:
        for state in STATES:
            disputed = state == "dispute"
            tier = 4 if disputed else int(state)
            for terms in ("secured", "plain"):
                allowed = set(policy.allowed_categories(by_key[(terms, disputed)], tier, disputed))
                must_block = any(c not in allowed for c in item["asserts"])
                cases.append(Case(item["id"], item["text"], tuple(item["asserts"]), state, terms, must_block))
    return cases


def run_case(case: Case, policy: Policy, by_key: dict[tuple[str, bool], Account]):
    from drafter.guard import check

    disputed = case.state == "dispute"
    account = by_key[(case.terms, disputed)]
    return check(case.text, account, policy, tier=None if disputed else int(case.state))
