import email
from email import policy as email_policy
from pathlib import Path

import pytest

from drafter.compose import draft
from drafter.eml import to_eml
from drafter.errors import DeliveryError
from drafter.load import load_account
from drafter.policy import load_policy

ACME = Path(__file__).parent.parent / "examples" / "accounts" / "acme-saas.json"


@pytest.fixture()
def result():
    return draft(load_account(ACME), backend="offline")


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email_policy.default)


def test_eml_parses_back_with_every_header(result):
    raw = to_eml(result, load_policy())
    message = _parse(raw)
    assert message["X-Unsent"] == "1"
    assert message["From"] == result.draft.sender
    assert message["To"] == ", ".join(result.draft.to)
    assert message["Cc"] == ", ".join(result.draft.cc)
    assert message["Subject"] == result.draft.subject
    assert message["Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    assert message["Message-ID"].endswith("@northwind.example>")
    assert message["X-Drafter-Kind"] == result.draft.kind and message["X-Drafter-Passed"] == "yes"
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == result.draft.body
    assert "<p>" in message.get_body(("html",)).get_content()
    assert raw.isascii()  # 7-bit: RFC 2047 headers, quoted-printable bodies


def test_eml_is_deterministic(result):
    assert to_eml(result, load_policy()) == to_eml(result, load_policy())


def test_non_ascii_names_and_subjects_are_encoded(result):
    changed = result.model_copy(update={"draft": result.draft.model_copy(update={
        "subject": "Rechnung INV-1042 – Zahlungserinnerung",
        "to": ["Zoë Müller <zoe@acme-analytics.example>", "No Address"],
        "body": result.draft.body + "\n<script>alert(1)</script> & Grüße\n"})})
    raw = to_eml(changed, load_policy())
    assert b"=?utf-8?" in raw and raw.isascii()
    message = _parse(raw)
    assert message["Subject"] == "Rechnung INV-1042 – Zahlungserinnerung"
    assert message["To"] == "Zoë Müller <zoe@acme-analytics.example>"  # names without an address are left out
    html = message.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html and "Grüße" in html


def test_only_passed_drafts_can_be_written(result):
    failed = result.model_copy(update={"report": result.report.model_copy(update={"passed": False})})
    with pytest.raises(DeliveryError, match="did not pass"):
        to_eml(failed, load_policy())
