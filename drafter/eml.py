"""Checked drafts as RFC 5322 email messages (.eml) that mail clients open as editable drafts.

The message is multipart/alternative (plain text, and a simple HTML rendering of the same text),
carries `X-Unsent: 1` so Outlook and Thunderbird open it for editing rather than as received mail,
and encodes non-ASCII names and subjects per RFC 2047. It is deterministic: the Date comes from the
assessment's as-of day and the Message-ID from a hash of the content, so the same draft always gives
the same bytes.
"""

from __future__ import annotations

import hashlib
import html
from datetime import date, datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from typing import TYPE_CHECKING

from .errors import DeliveryError
from .models import Draft, DraftResult
from .policy import Policy, load_policy

if TYPE_CHECKING:
    from .store import DraftRecord

__all__ = ["to_eml", "record_to_eml"]

# Header encoding for 7-bit transports: RFC 2047 for non-ASCII names and subjects, CRLF line ends.
_POLICY = SMTP.clone(utf8=False, max_line_length=78)


def to_eml(result: DraftResult, policy: Policy) -> bytes:
    """`result`'s draft as the bytes of an .eml file. DeliveryError for a draft that did not pass."""
    if not result.report.passed:
        raise DeliveryError(f"the draft for {result.customer} did not pass the guard; it cannot be "
                            "written as an email")
    return _message(result.draft, result.customer, result.assessment.as_of, result.report.policy,
                    result.provenance.backend, policy)


def record_to_eml(record: DraftRecord) -> bytes:
    """A draft from the audit log (as it stands after any edit) as the bytes of an .eml file, the
    same message `to_eml` writes for it. DeliveryError for a draft that does not pass."""
    if not record.passed:
        raise DeliveryError(f"draft {record.id} for {record.customer} does not pass the guard; it "
                            "cannot be written as an email")
    return _message(record.draft, record.customer, record.as_of, record.report.policy,
                    record.backend, load_policy(record.policy))


def _message(draft: Draft, customer: str, as_of: date, policy_name: str, backend: str,
             policy: Policy) -> bytes:
    message = EmailMessage(policy=_POLICY)
    sender = _addresses([draft.sender] if draft.sender else []) or [
        Address(policy.message.billing_team, addr_spec=policy.message.billing_email)]
    message["From"] = sender[0]
    to = _addresses(draft.to)
    if to:
        message["To"] = to
    cc = _addresses(draft.cc)
    if cc:
        message["Cc"] = cc
    message["Subject"] = draft.subject or f"{draft.kind.replace('_', ' ').capitalize()}: {customer}"
    message["Date"] = format_datetime(datetime(as_of.year, as_of.month, as_of.day, 9, 0, tzinfo=timezone.utc))
    digest = _digest(draft, customer, as_of)
    message["Message-ID"] = f"<drafter.{digest}@{sender[0].domain or 'drafter.invalid'}>"
    message["X-Unsent"] = "1"
    message["X-Drafter-Kind"] = draft.kind
    message["X-Drafter-Policy"] = policy_name
    message["X-Drafter-Passed"] = "yes"
    message["X-Drafter-Backend"] = backend
    message.set_content(draft.body, charset="utf-8")
    message.add_alternative(_html(draft.body), subtype="html", charset="utf-8")
    message.set_boundary(f"=-drafter-{digest}")
    return message.as_bytes()


def _addresses(entries: list[str]) -> list[Address]:
    """"Name <email>" strings as addresses; entries without an email address are left out."""
    addresses = []
    for name, email in getaddresses(entries):
        if "@" not in email:
            continue
        user, _, domain = email.rpartition("@")
        addresses.append(Address(display_name=name, username=user, domain=domain))
    return addresses


def _digest(draft: Draft, customer: str, as_of: date) -> str:
    return hashlib.sha256("\x1f".join(
        [customer, draft.kind, draft.channel, draft.subject or "", draft.body, *draft.to, *draft.cc,
         as_of.isoformat()]).encode()).hexdigest()[:32]


def _html(body: str) -> str:
    """The plain text as simple HTML: paragraphs at blank lines, line breaks kept, every character
    escaped (nothing in a draft is ever treated as markup)."""
    paragraphs = [p for p in body.strip().split("\n\n") if p.strip()]
    rendered = "\n".join("<p>" + "<br>\n".join(html.escape(line) for line in p.splitlines()) + "</p>"
                         for p in paragraphs)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
            "<body style=\"font-family: sans-serif; font-size: 14px;\">\n" + rendered + "\n</body></html>\n")
