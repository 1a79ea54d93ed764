"""Bank, card and tax-id numbers are removed from customer text before any prompt, log or cassette."""

from __future__ import annotations

import json
import logging

import pytest
from llm_cassettes import CASSETTES, DATA
from llm_stub import Answer, StubServer, completion

from drafter.redact import LABELS, redact

SECRETS = {
    "iban": "GB82 WEST 1234 5698 7654 32",
    "card": "4111 1111 1111 1111",
    "tax_id": "12-3456789",
    "bank_account": "000123456789",
    "routing": "021000021",
    "vat": "DE123456789",  # in the recorded account's e-mail
}


@pytest.mark.parametrize("text, kind", [
    ("Please remit to IBAN GB82 WEST 1234 5698 7654 32 from now on.", "iban"),
    ("wire to DE89370400440532013000", "iban"),
    ("card 4111 1111 1111 1111 expires 12/27", "card"),
    ("card 5500-0000-0000-0004", "card"),
    ("routing 021000021", "routing"),
    ("ABA no. 011000015 for wires", "routing"),
    ("sort code 20-00-00", "routing"),
    ("Account no. 000123456789", "bank_account"),
    ("acct #9876543210", "bank_account"),
    ("our EIN is 12-3456789", "tax_id"),
    ("SSN 123-45-6789", "tax_id"),
    ("VAT id DE123456789", "tax_id"),
    ("registered as FR12345678901", "tax_id"),
    ("Tax ID: 987654321", "tax_id"),
])
def test_each_kind_of_number_is_removed_and_counted(text, kind):
    result = redact(text)
    assert LABELS[kind] in result.text
    assert result.counts == {kind: 1}
    digits = "".join(c for c in text if c.isdigit())
    assert digits not in "".join(c for c in result.text if c.isdigit())


@pytest.mark.parametrize("text", [
    "INV-1042 for $8,500.00 was due on 2026-10-01; call +1 555 0100.",
    "They paid 4,250.00 by ACH on November 3 and promised the rest by 2026-12-01.",
    "card 4111 1111 1111 1112 (a typo that fails the Luhn check is not a card)",
    "PO 4500012345, 120 seats, order 2026-0042",
    "IBAN-like GB00 WEST 1234 5698 7654 32 with a bad checksum",
])
def test_ordinary_numbers_are_left_alone(text):
    result = redact(text)
    assert result.text == text
    assert result.total == 0


def test_counts_never_carry_the_values():
    result = redact("card 4111 1111 1111 1111 and card 5500 0000 0000 0004")
    assert result.counts == {"card": 2}
    assert "4111" not in repr(result.counts)


def test_numbers_never_reach_the_prompt_or_the_logs(caplog):
    from drafter import llm
    from drafter.analysis import analyze
    from drafter.config import Settings
    from drafter.load import load_account
    from drafter.policy import load_policy

    account = load_account(DATA / "brightline.json")
    policy = load_policy()
    assert any(SECRETS["iban"] in c.summary for c in account.communications)  # the data has them
    llm.forget_structured_output()
    reply = completion('{"subject": "INV-2210", "body": "Please pay."}')
    with StubServer([Answer(body=reply)], repeat_last=True) as stub, caplog.at_level(logging.DEBUG):
        settings = Settings(base_url=stub.base_url, model="stub", max_repairs=1)
        outcome = llm.compose_llm(account, analyze(account, policy), "reminder", "email", policy, settings)
    sent = json.dumps(stub.requests)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert stub.requests and outcome.provenance.attempts >= 1
    assert "[IBAN removed]" in sent  # the customer's message is there, minus the numbers
    for value in SECRETS.values():
        assert value not in sent
        assert value not in logged
        assert value.replace(" ", "") not in sent


def test_numbers_never_reach_a_recorded_cassette():
    texts = [path.read_text() for path in CASSETTES.glob("*.yaml")]
    assert texts, "no cassettes recorded"
    assert any("removed]" in text for text in texts)  # some recording carried redacted customer text
    for text in texts:
        for value in SECRETS.values():
            assert value not in text


def _every_pattern(text: str):
    """The redaction with every pattern run, none skipped: what `redact` must always agree with."""
    from collections import Counter

    from drafter.redact import _PATTERNS, _replace

    counts: Counter[str] = Counter()
    for kind, pattern, *_ in _PATTERNS:
        text = pattern.sub(lambda match, kind=kind: _replace(kind, match, counts), text)
    return text, dict(counts)


_PIECES = ["Please remit to IBAN", "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "card",
           "4111 1111 1111 1111", "5500-0000-0000-0004", "routing", "ABA no.", "021000021", "sort code",
           "20-00-00", "Account no.", "acct #", "000123456789", "9876543210", "EIN", "12-3456789", "SSN",
           "123-45-6789", "VAT id", "DE123456789", "FR12345678901", "Tax ID:", "987654321", "taxid", "TIN",
           "invoice INV-1042", "$8,500.00", "due 2026-10-01", "meeting", "being", "a/c", "tİn", "ſſn",
           "Ｔax ID", "٣٤٥٦٧٨٩٠１", "sorted", "transit no", "bank account", "12345678", "\n", ",", ".",
           "€1,200.00", "—", "’s", "Ⓣax id 987654321"]


def test_skipping_patterns_a_text_cannot_match_changes_nothing():
    import random

    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        redacted = redact(text)
        assert (redacted.text, redacted.counts) == _every_pattern(text), text
