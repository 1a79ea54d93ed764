from datetime import timedelta
from pathlib import Path

import jinja2
import pytest

from drafter.analysis import analyze
from drafter.errors import InputError
from drafter.guard import check
from drafter.load import load_account
from drafter.models import MESSAGE_KINDS
from drafter.offline import compose_offline
from drafter.policy import load_policy

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "accounts").glob("*.json"))
PACKS = ["default", "construction", "equipment-rental", "staffing", "uk-b2b"]
SHIFTS = [0, -40, 20, 45, 75, 120]  # days from the file's as_of: every tier from not-yet-due to final


def _drafts(path, pack):
    account = load_account(path)
    policy = load_policy(pack)
    for shift in SHIFTS:
        assessment = analyze(account, policy, as_of=account.effective_as_of() + timedelta(days=shift))
        for kind in MESSAGE_KINDS:
            for channel in ("email", "call"):
                yield account, policy, assessment, compose_offline(account, assessment, kind, channel, policy)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_offline_draft_passes_the_guard(path, pack):
    for account, policy, assessment, draft in _drafts(path, pack):
        report = check(draft, account, policy, tier=assessment.tier, as_of=assessment.as_of,
                       assessment=assessment)
        assert report.passed, (assessment.tier, draft.kind, draft.channel, report.blocking, draft.text())


def test_examples_are_present():
    assert len(EXAMPLES) >= 3


@pytest.fixture()
def acme():
    return load_account(next(p for p in EXAMPLES if p.stem == "acme-saas"))


def _assess(account, days=0, pack="default"):
    policy = load_policy(pack)
    return analyze(account, policy, as_of=account.effective_as_of() + timedelta(days=days)), policy


def test_drafts_are_deterministic_and_vary_between_accounts(acme):
    assessment, policy = _assess(acme)
    first = compose_offline(acme, assessment, "reminder", "email", policy)
    again = compose_offline(acme, assessment, "reminder", "email", policy)
    assert first == again
    texts = set()
    for path in EXAMPLES:
        account = load_account(path)
        a, p = _assess(account)
        texts.add(compose_offline(account, a, "reminder", "email", p).body.split("\n")[2])
    assert len(texts) > 1  # the opening sentence is not the same for every account


def test_stage_wording_follows_the_tier(acme):
    gentle, policy = _assess(acme, -40)
    body = compose_offline(acme, gentle, "reminder", "email", policy).body
    assert gentle.tier <= 1
    assert "final notice" not in body.lower() and "suspend" not in body.lower()
    firm, policy = _assess(acme, 20)
    assert firm.tier == 3
    body = compose_offline(acme, firm, "executive_escalation", "email", policy).body
    assert "December 27, 2026" in body  # the deadline: two weeks from the as-of day (December 13)
    assert "monthly payments" in body  # a plan is offered
    final, policy = _assess(acme, 45)
    assert final.tier == 4
    body = compose_offline(acme, final, "final_notice", "email", policy).body
    assert "access to the service will be suspended on January 17, 2027" in body  # SaaS lever
    assert "restored" in body  # the way back


def test_the_consequence_is_one_the_policy_uses(acme):
    final, policy = _assess(acme, 45)
    no_suspension = policy.model_copy(update={"remedies": ["collections_agency"]})
    body = compose_offline(acme, final, "final_notice", "email", no_suspension).body
    assert "suspended" not in body
    assert "outside collection agency on January 17, 2027" in body


def test_call_script_has_every_section(acme):
    assessment, policy = _assess(acme, 20)
    script = compose_offline(acme, assessment, "call_script", "email", policy)
    assert script.channel == "call"
    for section in ("Prep summary", "Opening", "Discovery questions", "Objection handlers",
                    "Payment options", "Ask for a firm commitment", "Closing recap", "Voicemail"):
        assert f"\n{section}" in "\n" + script.body
    assert "INV-1042 for $26,000.00" in script.body and "days past due" in script.body


def test_sender_and_recipients_come_from_the_assessment(acme):
    assessment, policy = _assess(acme)
    draft = compose_offline(acme, assessment, "personal_follow_up", "email", policy)
    assert draft.to == [f"{n} <{c.email}>" for n in assessment.recipients
                        for c in acme.contacts if c.name == n]
    assert all(any(n in cc for cc in draft.cc) for n in assessment.cc)
    escalation = compose_offline(acme, assessment, "executive_escalation", "email", policy)
    assert escalation.sender.startswith(policy.message.finance_leader)


def test_strict_undefined_raises_on_a_missing_variable(tmp_path, acme):
    (tmp_path / "reminder.j2").write_text("Subject: x\n\nHello {{ no_such_variable }}\n")
    assessment, policy = _assess(acme)
    with pytest.raises(jinja2.UndefinedError):
        compose_offline(acme, assessment, "reminder", "email", policy, templates=tmp_path)


def test_user_templates_override_by_name_in_a_sandbox(tmp_path, acme):
    (tmp_path / "reminder.j2").write_text("Subject: Invoice {{ oldest.number }}\n\n{{ greeting_names }}\n")
    (tmp_path / "personal_follow_up.j2").write_text("{{ choose.__globals__ }}")
    assessment, policy = _assess(acme)
    draft = compose_offline(acme, assessment, "reminder", "email", policy, templates=tmp_path)
    assert draft.subject == "Invoice INV-1042" and draft.body.strip() == "Dana"
    shipped = compose_offline(acme, assessment, "final_notice", "email", policy, templates=tmp_path)
    assert "INV-1042" in shipped.body  # not overridden: the shipped template
    with pytest.raises(jinja2.exceptions.SecurityError):
        compose_offline(acme, assessment, "personal_follow_up", "email", policy, templates=tmp_path)


def test_unknown_kind_and_missing_template_folder_are_input_errors(acme, tmp_path):
    assessment, policy = _assess(acme)
    with pytest.raises(InputError, match="unknown message kind"):
        compose_offline(acme, assessment, "threat", "email", policy)
    with pytest.raises(InputError, match="template folder not found"):
        compose_offline(acme, assessment, "reminder", "email", policy, templates=tmp_path / "nope")
