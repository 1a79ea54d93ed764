"""What a batch needs from the audit log and the inputs hash: many drafts per transaction, the same
rows as one at a time, redaction done before the database, and a hash written out once per policy."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date

import pytest

from drafter.models import Account
from drafter.policy import load_policy
from drafter.store import AuditLog, draft_entry, inputs_hash, inputs_hasher

from delivery_fixtures import generated_account, make_result


def reference_hash(account: Account, policy, kind: str, as_of: date) -> str:
    """The inputs hash as the product defines it: sha256 of one canonical JSON document."""
    policy_data = policy.model_dump(mode="json", exclude={"source"}) if hasattr(policy, "model_dump") \
        else str(policy)
    canonical = json.dumps({"account": account.model_dump(mode="json"), "policy": policy_data,
                            "kind": kind, "as_of": as_of.isoformat()},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("pack", ["default", "uk-b2b", "saas"])
def test_the_hasher_gives_the_hashes_the_canonical_document_does(pack):
    policy = load_policy(pack)
    hasher = inputs_hasher(policy)
    for index in range(12):
        data = generated_account(index)
        data["customer"]["name"] = f"Société Générale {index} – Ünïcode"
        account = Account.model_validate(data)
        for kind, as_of in (("reminder", date(2026, 11, 23)), ("final_notice", date(2027, 1, 2))):
            expected = reference_hash(account, policy, kind, as_of)
            assert hasher(account, kind, as_of) == expected
            assert inputs_hash(account, policy, kind, as_of) == expected
    account = Account.model_validate(generated_account(1))
    assert inputs_hash(account, "a pack as text", "reminder", date(2026, 11, 23)) == \
        reference_hash(account, "a pack as text", "reminder", date(2026, 11, 23))


def rows(log: AuditLog) -> list[dict]:
    exported = json.loads(log.export("json"))
    for row in exported:
        del row["id"], row["created_at"]
    return exported


def test_many_drafts_in_one_transaction_are_stored_as_one_at_a_time(tmp_path):
    results = [make_result(f"Customer {i}", backend="llm" if i % 2 else "offline", fell_back=i % 3 == 0)
               for i in range(7)]
    with AuditLog(tmp_path / "one.db") as one, AuditLog(tmp_path / "many.db") as many:
        for i, result in enumerate(results):
            one.record_draft(result, source=f"in.jsonl:{i}", inputs_hash=f"{i:064x}", policy="default")
        many.record_drafts([draft_entry(result, source=f"in.jsonl:{i}", inputs_hash=f"{i:064x}",
                                        policy="default") for i, result in enumerate(results)])
        many.record_drafts([])
        assert rows(one) == rows(many)
        assert [r["customer"] for r in rows(many)] == [f"Customer {i}" for i in range(7)]


def test_the_entry_is_redacted_before_it_reaches_the_log(tmp_path):
    body = "Hello,\n\nPlease pay to card 4111 1111 1111 1111 by Friday.\n\nThanks"
    entry = draft_entry(make_result(body=body), source="x", inputs_hash="ab" * 32)
    assert "4111" not in entry.text and "[card number removed]" in entry.text
    assert "4111" not in entry.draft
    with AuditLog(tmp_path / "audit.db") as log:
        log.record_drafts([entry])
        assert "[card number removed]" in log.list()[0].text


def test_a_batch_of_drafts_is_logged_whole_or_not_at_all(tmp_path):
    good = draft_entry(make_result("Good Co"), source="a", inputs_hash="aa" * 32)
    broken = good._replace(source=None)  # the column is NOT NULL
    with AuditLog(tmp_path / "audit.db") as log:
        log.record_drafts([good])
        with pytest.raises(sqlite3.IntegrityError):
            log.record_drafts([good._replace(inputs_hash="bb" * 32), broken])
        assert [r.inputs_hash for r in log.list()] == ["aa" * 32]
        log.record_drafts([good._replace(inputs_hash="cc" * 32)])  # the log is usable afterwards
        assert len(log.list()) == 2


def test_logged_inputs_finds_which_hashes_the_log_has(tmp_path):
    hashes = [f"{i:064x}" for i in range(1200)]
    entry = draft_entry(make_result(), source="a", inputs_hash="")
    with AuditLog(tmp_path / "audit.db") as log:
        assert log.logged_inputs(hashes) == set()
        log.record_drafts([entry._replace(inputs_hash=h) for h in hashes[::3]])
        log.record_drafts([entry._replace(inputs_hash=hashes[0])])  # logged twice: found once
        assert log.logged_inputs(hashes) == set(hashes[::3])
        assert log.logged_inputs([]) == set()
